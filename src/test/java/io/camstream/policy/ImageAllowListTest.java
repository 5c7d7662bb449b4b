package io.camstream.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.config.CamstreamConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageAllowListTest {

  private final ImageAllowList allow = new ImageAllowList(CamstreamConfig.defaults().with(Map.of(
      CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, "/data/imgs,/mnt/cam",
      CamstreamConfig.IMAGE_HTTP_HOSTS_CONFIG, "cams.example.com,10.0.0.5:8080",
      CamstreamConfig.IMAGE_S3_BUCKETS_CONFIG, "line-images",
      CamstreamConfig.IMAGE_DATA_MAX_BYTES_CONFIG, 12)));

  @Test
  void acceptsWhatTheAllowListNames() {
    assertThat(allow.violation("file:///data/imgs/a/b.png")).isEmpty();
    assertThat(allow.violation("file:/mnt/cam/x.jpg")).isEmpty();
    assertThat(allow.violation("https://cams.example.com/img/1.jpg")).isEmpty();
    assertThat(allow.violation("http://10.0.0.5:8080/1.jpg")).isEmpty();
    assertThat(allow.violation("s3://line-images/2026/1.jpg")).isEmpty();
    assertThat(allow.violation("data:image/png;base64,QUJDRA==")).isEmpty();
  }

  @Test
  void refusesEverythingElseWithAReason() {
    assertThat(allow.violation("file:///data/imgs/../secrets/key.png")).hasValueSatisfying(
        m -> assertThat(m).contains("outside"));
    assertThat(allow.violation("file:///data/imgs%2F..%2F..%2Fetc/passwd")).isPresent();
    assertThat(allow.violation("file:///data/imgsX/a.png")).isPresent();
    assertThat(allow.violation("file:relative.png")).isPresent();
    assertThat(allow.violation("file://otherhost/data/imgs/a.png")).isPresent();
    assertThat(allow.violation("https://evil.example.com/1.jpg")).isPresent();
    assertThat(allow.violation("https://cams.example.com.evil.io/1.jpg")).isPresent();
    assertThat(allow.violation("http://10.0.0.5:9090/1.jpg")).isPresent();
    assertThat(allow.violation("https://user:pw@cams.example.com/1.jpg")).isPresent();
    assertThat(allow.violation("s3://other-bucket/1.jpg")).isPresent();
    assertThat(allow.violation("data:image/png;base64," + "QUJD".repeat(10))).hasValueSatisfying(
        m -> assertThat(m).contains("image.data.max.bytes"));
    assertThat(allow.violation("ftp://cams.example.com/1.jpg")).isPresent();
    assertThat(allow.violation("")).isPresent();
  }

  @Test
  void schemesCanBeSwitchedOffAndEmptyListsRefuseAll() {
    ImageAllowList none = new ImageAllowList(CamstreamConfig.defaults().with(Map.of(
        CamstreamConfig.IMAGE_URI_SCHEMES_CONFIG, "file,data")));
    assertThat(none.violation("file:///data/imgs/a.png")).hasValueSatisfying(
        m -> assertThat(m).contains("image.file.roots is empty"));
    assertThat(none.violation("https://cams.example.com/1.jpg")).hasValueSatisfying(
        m -> assertThat(m).contains("not enabled"));
  }
}
