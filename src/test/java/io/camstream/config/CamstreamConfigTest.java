package io.camstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamstreamConfigTest {

  @TempDir Path tmp;

  @Test
  void defaultsMatchTheDesign() {
    CamstreamConfig c = CamstreamConfig.defaults();
    assertThat(c.embeddedBroker()).isTrue();
    assertThat(c.topics().all()).containsExactly("inspection.inference-events", "camstream.explain-requests",
        "camstream.reviews", "camstream.dlq", "camstream.policies", "camstream.review-decisions",
        "camstream.alerts");
    assertThat(c.topicPartitions()).isEqualTo(4);
    assertThat(c.dataDir()).isEqualTo(Path.of("./camstream-data"));
    assertThat(c.artifactsDir()).isEqualTo(Path.of("./camstream-data/artifacts"));
    assertThat(c.explainerDevices()).containsExactly("cpu");
    assertThat(c.routerApplicationId()).isEqualTo("camstream-router");
  }

  @Test
  void laterLayersWin() throws Exception {
    Path yaml = tmp.resolve("c.yaml");
    Files.writeString(yaml, """
        bootstrap.servers: file:9092
        topic:
          events: from-file
          reviews: reviews-from-file
        explainer:
          devices: [cpu, "gpu:0"]
        streams:
          num.stream.threads: 3
        """);
    Map<String, String> env = Map.of("CAMSTREAM_TOPIC_EVENTS", "from-env", "CAMSTREAM_BOOTSTRAP_SERVERS", "env:9092",
        "CAMSTREAM_STREAMS_COMMIT_INTERVAL_MS", "250", "CAMSTREAM_SHARED", "/not/a/key");
    CamstreamConfig c = ConfigLoader.load(yaml, env, Map.of("bootstrap.servers", "flag:9092"));
    assertThat(c.bootstrapServers()).isEqualTo("flag:9092");
    assertThat(c.topics().events()).isEqualTo("from-env");
    assertThat(c.topics().reviews()).isEqualTo("reviews-from-file");
    assertThat(c.explainerDevices()).containsExactly("cpu", "gpu:0");
    assertThat(c.streamsProperties("app"))
        .containsEntry("num.stream.threads", "3")
        .containsEntry("commit.interval.ms", "250")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("application.id", "app")
        .containsEntry("bootstrap.servers", "flag:9092");
  }

  @Test
  void readsPropertiesFiles() throws Exception {
    Properties p = new Properties();
    p.setProperty("topic.partitions", "7");
    p.setProperty("image.file.roots", "/a, /b");
    Path file = tmp.resolve("c.properties");
    try (var w = Files.newBufferedWriter(file)) {
      p.store(w, null);
    }
    CamstreamConfig c = ConfigLoader.load(file, Map.of(), Map.of());
    assertThat(c.topicPartitions()).isEqualTo(7);
    assertThat(c.imageFileRoots()).containsExactly(Path.of("/a"), Path.of("/b"));
  }

  @Test
  void rejectsUnknownKeysAndBadValuesWithTheKeyInTheMessage() {
    assertThatThrownBy(() -> new CamstreamConfig(Map.of("topic.event", "x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("topic.event");
    assertThatThrownBy(() -> new CamstreamConfig(Map.of("explainer.devices", "cpu,tpu")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tpu");
    assertThatThrownBy(() -> new CamstreamConfig(Map.of("topic.partitions", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("topic.partitions");
    assertThatThrownBy(() -> ConfigLoader.load(tmp.resolve("missing.yaml"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml");
  }

  @Test
  void envNamesAreUpperCaseWithUnderscores() {
    assertThat(ConfigLoader.envName("image.data.max.bytes")).isEqualTo("CAMSTREAM_IMAGE_DATA_MAX_BYTES");
  }
}
