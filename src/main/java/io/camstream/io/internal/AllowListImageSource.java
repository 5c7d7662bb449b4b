package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import io.camstream.io.ImageSource;
import io.camstream.io.SourceRecordRef;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/** Dispatches on the URI scheme to the allow-listed fetchers and checks the header's pixel count. */
public final class AllowListImageSource implements ImageSource {

  private final FileFetcher files;
  private final HttpFetcher http;
  private final DataUriDecoder data;
  private final long maxPixels;
  private final Set<String> schemes;
  private final SourceRecordFetcher sourceRecords;
  private final S3Fetcher s3;

  public AllowListImageSource(List<String> schemes, List<Path> fileRoots, List<String> httpHosts, long maxBytes,
      long maxPixels) {
    this(schemes, fileRoots, httpHosts, maxBytes, maxPixels, null, null);
  }

  /**
   * With {@code kafkaClient} and {@code eventsTopic} set, {@code kafka:} source-record references (which the
   * router writes for large {@code data:} images) are read back from the events topic; otherwise they are refused.
   */
  public AllowListImageSource(List<String> schemes, List<Path> fileRoots, List<String> httpHosts, long maxBytes,
      long maxPixels, Properties kafkaClient, String eventsTopic) {
    this(schemes, fileRoots, httpHosts, maxBytes, maxPixels, kafkaClient, eventsTopic, List.of(), null);
  }

  /** The source a role uses: everything from the config ({@code image.*}, the cluster for source records). */
  public static AllowListImageSource fromConfig(io.camstream.config.CamstreamConfig config) {
    return new AllowListImageSource(config.imageUriSchemes(), config.imageFileRoots(), config.imageHttpHosts(),
        Math.max(1, config.imageDataMaxBytes()), config.imageMaxPixels(),
        config.embeddedBroker() ? null : config.kafkaClientProperties(), config.topics().events(),
        config.imageS3Buckets(), new S3Fetcher.Settings(config.imageS3Endpoint(), config.imageS3Region(),
            config.imageS3PathStyle()));
  }

  private AllowListImageSource(List<String> schemes, List<Path> fileRoots, List<String> httpHosts, long maxBytes,
      long maxPixels, Properties kafkaClient, String eventsTopic, List<String> s3Buckets, S3Fetcher.Settings s3) {
    if (maxBytes <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException("maxBytes and maxPixels must be positive");
    }
    this.files = new FileFetcher(fileRoots, maxBytes);
    this.http = new HttpFetcher(httpHosts, maxBytes);
    this.data = new DataUriDecoder(maxBytes);
    this.maxPixels = maxPixels;
    this.schemes = schemes.stream().map(x -> x.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    this.sourceRecords = kafkaClient == null ? null : new SourceRecordFetcher(kafkaClient, eventsTopic);
    this.s3 = s3 == null ? null : new S3Fetcher(s3Buckets, maxBytes, HttpFetcher.READ_DEADLINE, s3);
  }

  @Override
  public byte[] fetch(String uri) throws ExplainException {
    if (uri == null || uri.isBlank()) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "the event has no image uri");
    }
    byte[] bytes = fetchBytes(uri);
    ImageHeader.checkPixels(bytes, maxPixels, shortForm(uri));
    return bytes;
  }

  private byte[] fetchBytes(String uri) throws ExplainException {
    // data: URIs can be megabytes long; they are handled before java.net.URI parses (and copies) them.
    if (uri.regionMatches(true, 0, "data:", 0, 5)) {
      requireScheme("data", "data:...");
      return data.decode(uri);
    }
    if (uri.regionMatches(true, 0, SourceRecordRef.SCHEME + ":", 0, 6)) {
      if (sourceRecords == null) {
        throw new ExplainException(Reason.IMAGE_NOT_ALLOWED,
            "source-record references need the Kafka cluster, which this source does not have: " + shortForm(uri));
      }
      // Only the router writes these, for an event whose data: image passed its allow-list.
      requireScheme("data", uri);
      return data.decode(sourceRecords.dataUri(uri));
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "not a valid URI: " + shortForm(uri));
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    requireScheme(scheme, shortForm(uri));
    switch (scheme) {
      case "file":
        return files.read(parsed);
      case "http":
      case "https":
        return http.get(parsed);
      case "s3":
        if (s3 == null) {
          throw new ExplainException(
              Reason.IMAGE_NOT_ALLOWED, "s3: image source is not configured in this source: " + shortForm(uri));
        }
        return s3.get(parsed);
      default:
        throw new ExplainException(
            Reason.IMAGE_NOT_ALLOWED, "unsupported image URI scheme '" + scheme + "': " + shortForm(uri));
    }
  }

  private void requireScheme(String scheme, String shown) throws ExplainException {
    if (!schemes.contains(scheme)) {
      throw new ExplainException(
          Reason.IMAGE_NOT_ALLOWED, "image URI scheme '" + scheme + "' is not in image.uri.schemes: " + shown);
    }
  }

  /** Keeps error messages (and DLQ headers) short even for huge data: URIs. */
  static String shortForm(String uri) {
    return uri.length() <= 200 ? uri : uri.substring(0, 200) + "...";
  }
}
