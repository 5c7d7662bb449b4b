package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * GETs {@code s3://bucket/key} objects with the AWS SDK v2, under the same rules as HTTP images: the bucket must be
 * in {@code image.s3.buckets}, the object at most {@code maxBytes} (the declared length is checked first, then the
 * bytes as they are read) and the whole call ends within the read deadline. The client is built at the first s3:
 * fetch, so a deployment that never uses s3: never loads credentials.
 */
final class S3Fetcher {

  /**
   * Where and how to reach the store.
   *
   * @param endpoint an S3-compatible endpoint, or empty for AWS S3
   * @param region the signing region
   * @param pathStyle endpoint/bucket/key instead of bucket.endpoint/key
   */
  record Settings(String endpoint, String region, boolean pathStyle) {}

  private final Set<String> buckets;
  private final long maxBytes;
  private final Duration deadline;
  private final Settings settings;
  private S3Client client;

  S3Fetcher(List<String> buckets, long maxBytes, Duration deadline, Settings settings) {
    this.buckets = Set.copyOf(buckets.stream().map(String::trim).filter(b -> !b.isEmpty()).toList());
    this.maxBytes = maxBytes;
    this.deadline = deadline;
    this.settings = settings;
  }

  byte[] get(URI uri) throws ExplainException {
    String shown = AllowListImageSource.shortForm(uri.toString());
    String bucket = uri.getRawAuthority();
    String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (bucket == null || bucket.isEmpty() || key.isEmpty() || uri.getRawQuery() != null
        || uri.getRawFragment() != null || bucket.contains("@") || bucket.contains(":")) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "an s3: image URI is s3://bucket/key: " + shown);
    }
    if (!buckets.contains(bucket)) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "s3 bucket '" + bucket + "' is not in image.s3.buckets: "
          + shown);
    }
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key)
        .overrideConfiguration(c -> c.apiCallTimeout(deadline)).build();
    ExplainException[] refused = new ExplainException[1];
    try {
      byte[] bytes = client().getObject(request, (response, in) -> {
        Long declared = response.contentLength();
        if (declared != null && declared > maxBytes) {
          refused[0] = new ExplainException(Reason.IMAGE_TOO_LARGE, "image exceeds " + maxBytes + " bytes: " + shown);
          return null;
        }
        try {
          return Bounded.readAll(in, maxBytes, shown);
        } catch (ExplainException e) {
          refused[0] = e;
          return null;
        }
      });
      if (refused[0] != null) {
        throw refused[0];
      }
      return bytes;
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "no such s3 object: " + shown);
    } catch (S3Exception e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "s3 refused " + shown + ": HTTP " + e.statusCode() + " "
          + e.awsErrorDetails().errorCode(), e);
    } catch (SdkException e) {
      // Timeouts (the read deadline), connection failures, credentials that cannot be found.
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot fetch " + shown + ": " + e.getMessage(), e);
    }
  }

  private synchronized S3Client client() throws ExplainException {
    if (client == null) {
      var b = S3Client.builder()
          .region(Region.of(settings.region()))
          .forcePathStyle(settings.pathStyle())
          // Checksums only where S3 requires them: S3-compatible stores often reject the newer checksum headers.
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
              .socketTimeout(deadline).build());
      if (!settings.endpoint().isEmpty()) {
        try {
          b.endpointOverride(new URI(settings.endpoint()));
        } catch (URISyntaxException e) {
          throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "image.s3.endpoint is not a URI: "
              + settings.endpoint());
        }
      }
      client = b.build();
    }
    return client;
  }
}
