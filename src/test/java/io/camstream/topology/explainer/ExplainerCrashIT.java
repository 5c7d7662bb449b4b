package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kills the explainer (kill -9 of a child JVM) in the middle of a run and restarts it: every request ends up with
 * exactly one committed review record or dead letter, none lost, none duplicated.
 * Runs the real engine ({@link io.camstream.topology.explainer.Explainers#fromConfig}) on the shipped models.
 */
@ExtendWith(KafkaFixtureExtension.class)
class ExplainerCrashIT {

  private static final int EVENTS = 24;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void everyRequestHasExactlyOneOutcomeAcrossAKillMinus9(KafkaFixture kafka) throws Exception {
    Path artifacts = KafkaFixture.tempDir("camstream-crash-artifacts-");
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, SharedImages.dir().toString());
    overrides.put(CamstreamConfig.ARTIFACTS_DIR_CONFIG, artifacts.toString());
    overrides.put(CamstreamConfig.EXPLAINER_BATCH_MAX_SIZE_CONFIG, 4);
    overrides.put(CamstreamConfig.EXPLAINER_BATCH_LINGER_MS_CONFIG, 50);
    // The killed member's partitions move on after the (broker-minimum) session timeout, not the 45 s default.
    overrides.put(CamstreamConfig.STREAMS_PREFIX + "consumer.session.timeout.ms", 6000);
    CamstreamConfig config = kafka.config(overrides);
    Path configFile = writeConfig(config);

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Set<String> expectReviews = new TreeSet<>();
    Set<String> expectDead = new TreeSet<>();
    String[] images = {"textline_en_0.png", "textline_en_180.png", "rapidocr_text_cls.jpg", "doc_synthetic_en.png"};
    for (int i = 0; i < EVENTS; i++) {
      String id = "crash-" + i;
      boolean missing = i % 8 == 5;
      var req = Requests.cls(id, missing ? "missing-" + i + ".png" : images[i % images.length]);
      (missing ? expectDead : expectReviews).add(id);
      records.add(new ProducerRecord<>(config.topics().requests(), ("line-" + (i % 3)).getBytes(StandardCharsets.UTF_8),
          Requests.bytes(req)));
    }
    kafka.produce(records);

    Process first = startChild(configFile, "first");
    // Wait for some committed reviews, then kill -9 while the rest are still being explained.
    int seenBeforeKill = kafka.readUntil(config.topics().reviews(), l -> l.size() >= 4, Duration.ofSeconds(90)).size();
    first.destroyForcibly().waitFor();
    assertThat(seenBeforeKill).as("reviews committed before the kill").isBetween(4, expectReviews.size() - 1);

    startChild(configFile, "second");
    try (Admin admin = kafka.admin()) {
      assertThat(GroupProgress.awaitCaughtUp(admin, config.explainerApplicationId(), config.topics().requests(),
          Duration.ofSeconds(120))).as("restarted explainer consumed every request").isTrue();
    }
    List<ConsumerRecord<byte[], byte[]>> reviews = readAll(kafka, config.topics().reviews(), expectReviews.size());
    List<ConsumerRecord<byte[], byte[]>> dead = readAll(kafka, config.topics().dlq(), expectDead.size());

    assertThat(reviews).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectReviews);
    assertThat(dead).extracting(r -> Requests.JSON.readTree(r.value()).at("/event/eventId").asText())
        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectDead);
  }

  /** Reads a topic to its committed end (once the group caught up, nothing more can arrive). */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaFixture kafka, String topic, int atLeast) {
    // Read past the expected count for a moment longer: a duplicate would show up right behind it.
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer = kafka.consumer()) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        if (out.size() >= atLeast && atEnd(consumer)) {
          break;
        }
      }
    }
    return out;
  }

  private static boolean atEnd(org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer) {
    var assignment = consumer.assignment();
    if (assignment.isEmpty()) {
      return false;
    }
    var ends = consumer.endOffsets(assignment);
    return assignment.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
  }

  private Process startChild(Path configFile, String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
        "-Dcamstream.test.explainDelayMs=150", "-Dcamstream.shared=" + SharedImages.dir().getParent(),
        "-cp", System.getProperty("java.class.path"), ExplainerChild.class.getName(), configFile.toString());
    File log = configFile.resolveSibling("child-" + name + ".log").toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    children.add(p);
    return p;
  }

  private static Path writeConfig(CamstreamConfig config) throws Exception {
    Properties props = new Properties();
    config.originals().forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
    Path file = KafkaFixture.tempDir("camstream-crash-").resolve("explainer.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "ExplainerCrashIT");
    }
    return file;
  }
}
