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
 * Two explainer instances in one group (static membership, each a child JVM with its engine worker process), one
 * killed with kill -9 in the middle of a run: the other takes its partitions over, and every request ends up with
 * exactly one committed review record or dead letter, none lost, none duplicated. Prints the time from the kill to
 * the first review of a request the killed instance owned. Runs the real engine on the shipped classifier.
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
    overrides.put(CamstreamConfig.EXPLAINER_WORKER_HEAP_MB_CONFIG, 512);
    Path models = KafkaFixture.tempDir("camstream-crash-models-");
    Files.copy(TestModels.dir().resolve("ocr-textline-cls.yaml"), models.resolve("ocr-textline-cls.yaml"));
    overrides.put(CamstreamConfig.MODELS_DIR_CONFIG, models.toString());
    // A static member's partitions move on after the session timeout (the broker's minimum), not the 45 s default.
    overrides.put(CamstreamConfig.STREAMS_PREFIX + "consumer.session.timeout.ms", 6000);
    // The dead instance's open transaction blocks read_committed readers (the survivor's changelog restore
    // included) until the coordinator aborts it: after this timeout, found by its scan every 10 s.
    overrides.put(CamstreamConfig.STREAMS_PREFIX + "producer.transaction.timeout.ms", 10000);
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

    Process a = startChild(configFile, "a");
    startChild(configFile, "b");
    // Wait for some committed reviews, then kill -9 one instance while the rest are still being explained.
    List<ConsumerRecord<byte[], byte[]>> before = kafka.readUntil(config.topics().reviews(), l -> l.size() >= 4,
        Duration.ofSeconds(180));
    Set<Integer> owned;
    try (Admin admin = kafka.admin()) {
      owned = partitionsOf(admin, config, "a");
    }
    a.destroyForcibly().waitFor();
    long killedAt = System.nanoTime();
    assertThat(before.size()).as("reviews committed before the kill").isBetween(4, expectReviews.size() - 1);
    Set<String> seen = new TreeSet<>();
    before.forEach(r -> seen.add(new String(r.key(), StandardCharsets.UTF_8)));
    Set<String> orphaned = new TreeSet<>();
    for (int i = 0; i < EVENTS; i++) {
      String id = "crash-" + i;
      if (owned.contains(partition("line-" + (i % 3), 2)) && expectReviews.contains(id) && !seen.contains(id)) {
        orphaned.add(id);
      }
    }
    if (!orphaned.isEmpty()) {
      kafka.readUntil(config.topics().reviews(), l -> l.stream()
          .anyMatch(r -> orphaned.contains(new String(r.key(), StandardCharsets.UTF_8))), Duration.ofSeconds(120));
      System.out.printf("kill -9 of explainer a: first review of a request it owned came %.1f s later "
          + "(session timeout 6 s, transaction timeout 10 s)%n", (System.nanoTime() - killedAt) / 1e9);
    }
    try (Admin admin = kafka.admin()) {
      assertThat(GroupProgress.awaitCaughtUp(admin, config.explainerApplicationId(), config.topics().requests(),
          Duration.ofSeconds(120))).as("surviving explainer consumed every request").isTrue();
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

  /** The requests partitions the instance with this static id owns now. */
  private static Set<Integer> partitionsOf(Admin admin, CamstreamConfig config, String instance) throws Exception {
    Set<Integer> out = new TreeSet<>();
    var group = admin.describeConsumerGroups(List.of(config.explainerApplicationId())).all().get()
        .get(config.explainerApplicationId());
    for (var m : group.members()) {
      if (m.groupInstanceId().orElse("").startsWith(instance + "-")) {
        m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(config.topics().requests()))
            .forEach(tp -> out.add(tp.partition()));
      }
    }
    return out;
  }

  /** The partition the producer's default partitioner picks for a key. */
  private static int partition(String key, int partitions) {
    return org.apache.kafka.common.utils.Utils.toPositive(
        org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private Process startChild(Path configFile, String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The worker sleeps a little per batch, so the kill lands while requests are still pending.
    List<String> cmd = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
        "-Dcamstream.worker.faults=enabled", "-Dcamstream.worker.fault.delay.ms=300",
        "-Dcamstream.shared=" + SharedImages.dir().getParent(),
        "-cp", io.camstream.engine.ChildClasspath.get(), ExplainerChild.class.getName(), configFile.toString(), name,
        KafkaFixture.tempDir("camstream-crash-data-" + name + "-").toString());
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
