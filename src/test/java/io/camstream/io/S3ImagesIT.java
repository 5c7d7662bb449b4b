package io.camstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import io.camstream.policy.ImageAllowList;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.Map;
import javax.imageio.ImageIO;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * s3: image URIs against a real S3-compatible server started here (S3Proxy on an in-memory blob store, with AWS
 * signature checks): the router's allow-list and the explainer's image source agree on buckets, and objects come
 * back byte for byte under the same size and pixel caps as any other image.
 */
class S3ImagesIT {

  private static final String ID = "camstream-test";
  private static final String SECRET = "camstream-test-secret";
  private static S3Proxy proxy;
  private static BlobContext blobs;
  private static byte[] png;

  private record BlobContext(BlobStoreContext context, BlobStore store) {}

  @BeforeAll
  static void start() throws Exception {
    BlobStoreContext ctx = ContextBuilder.newBuilder("transient").credentials(ID, SECRET)
        .build(BlobStoreContext.class);
    BlobStore store = ctx.getBlobStore();
    blobs = new BlobContext(ctx, store);
    store.createContainerInLocation(null, "line-images");
    store.createContainerInLocation(null, "other-bucket");
    png = png(40, 20);
    store.putBlob("line-images", store.blobBuilder("2026/11/a b.png").payload(png).build());
    store.putBlob("line-images", store.blobBuilder("big.png").payload(new byte[300_000]).build());
    store.putBlob("line-images", store.blobBuilder("wide.png").payload(png(4000, 2)).build());
    store.putBlob("other-bucket", store.blobBuilder("a.png").payload(png).build());
    proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ID, SECRET).build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    // The SDK's default credentials chain reads these system properties (as it reads AWS_* in production).
    System.setProperty("aws.accessKeyId", ID);
    System.setProperty("aws.secretAccessKey", SECRET);
  }

  @AfterAll
  static void stop() throws Exception {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (proxy != null) {
      proxy.stop();
    }
    if (blobs != null) {
      blobs.context().close();
    }
  }

  private static CamstreamConfig config() {
    return CamstreamConfig.defaults().with(Map.of(
        CamstreamConfig.IMAGE_S3_BUCKETS_CONFIG, "line-images",
        CamstreamConfig.IMAGE_S3_ENDPOINT_CONFIG, "http://127.0.0.1:" + proxy.getPort(),
        CamstreamConfig.IMAGE_S3_PATH_STYLE_CONFIG, true,
        CamstreamConfig.IMAGE_DATA_MAX_BYTES_CONFIG, 200_000,
        CamstreamConfig.IMAGE_MAX_PIXELS_CONFIG, 5_000));
  }

  @Test
  void readsAllowListedObjectsUnderTheSameCapsAsOtherImages() throws Exception {
    ImageSource images = ImageSource.fromConfig(config());
    ImageAllowList router = new ImageAllowList(config());
    String uri = "s3://line-images/2026/11/a%20b.png";
    assertThat(router.violation(uri)).isEmpty();
    assertThat(images.fetch(uri)).isEqualTo(png);

    assertThat(router.violation("s3://other-bucket/a.png")).isPresent();
    assertReason(images, "s3://other-bucket/a.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason(images, "s3://line-images/missing.png", Reason.IMAGE_UNREADABLE);
    assertReason(images, "s3://line-images/big.png", Reason.IMAGE_TOO_LARGE);
    assertReason(images, "s3://line-images/wide.png", Reason.IMAGE_TOO_LARGE);
    assertReason(images, "s3://line-images", Reason.IMAGE_NOT_ALLOWED);
    assertReason(images, "s3://user@line-images/a.png", Reason.IMAGE_NOT_ALLOWED);
    // With s3 not among the schemes, nothing is fetched at all.
    ImageSource noS3 = ImageSource.fromConfig(config().with(CamstreamConfig.IMAGE_URI_SCHEMES_CONFIG, "file"));
    assertReason(noS3, uri, Reason.IMAGE_NOT_ALLOWED);
  }

  @Test
  void wrongCredentialsAreUnreadableNotACrash() {
    System.setProperty("aws.secretAccessKey", "wrong");
    try {
      assertReason(ImageSource.fromConfig(config()), "s3://line-images/2026/11/a%20b.png", Reason.IMAGE_UNREADABLE);
    } finally {
      System.setProperty("aws.secretAccessKey", SECRET);
    }
  }

  private static void assertReason(ImageSource source, String uri, Reason reason) {
    assertThatThrownBy(() -> source.fetch(uri)).as(uri)
        .isInstanceOfSatisfying(ExplainException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static byte[] png(int w, int h) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }
}
