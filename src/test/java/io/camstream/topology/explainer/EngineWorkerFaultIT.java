package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Json;
import io.camstream.explain.EngineCrashedException;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.topology.DeadLetters;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.camstream.worker.EnginePool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The explainer role with real engine worker processes on a real broker, and faults injected into the workers:
 * a worker that halts on an image, a real Paddle abort (a tensor Paddle rejects), a worker stopped with SIGSTOP,
 * and a kill -9 mid-batch. Every request ends with exactly one outcome; the poison ones as ENGINE_CRASHED dead
 * letters carrying the worker's last output, their batch-mates as reviews; the role stays up throughout.
 */
@ExtendWith(KafkaFixtureExtension.class)
class EngineWorkerFaultIT {

  private static final String[] FAULT_PROPERTIES = {"camstream.worker.faults",
      "camstream.worker.fault.halt.sha256", "camstream.worker.fault.abort.sha256", "camstream.worker.fault.delay.ms",
      "camstream.worker.fault.warmup.fail"};

  @AfterEach
  void clearFaults() {
    for (String p : FAULT_PROPERTIES) {
      System.clearProperty(p);
    }
  }

  @Test
  void poisonRequestsAreDeadLetteredAndTheirBatchMatesReviewed(KafkaFixture kafka) throws Exception {
    System.setProperty("camstream.worker.faults", "enabled");
    System.setProperty("camstream.worker.fault.halt.sha256", sha256("rapidocr_text_rec.jpg"));
    System.setProperty("camstream.worker.fault.abort.sha256", sha256("rapidocr_test_without_det.jpg"));
    // A deadline generous enough that no innocent request is killed on a busy machine: only the poison ones die.
    CamstreamConfig config = config(kafka, 2, 2, 30_000);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (RunningRole role = new ExplainerRole().start(new RoleContext(config, meters))) {
      // Batches of two, a poison request first in each: its batch dies, the bisection runs the mate alone and the
      // poison alone again, which dies a second time and goes to the DLQ.
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      records.add(request(config, "halt", "rapidocr_text_rec.jpg"));
      records.add(request(config, "ok-1", "textline_en_0.png"));
      records.add(request(config, "abort", "rapidocr_test_without_det.jpg"));
      records.add(request(config, "ok-2", "textline_en_180.png"));
      records.add(request(config, "ok-3", "rapidocr_text_cls.jpg"));
      records.add(request(config, "ok-4", "doc_synthetic_en.png"));
      kafka.produce(records);
      awaitOutcomes(kafka, config, 6);

      Map<String, JsonNode> reviews = reviews(kafka, config);
      Map<String, ConsumerRecord<byte[], byte[]>> dead = deadLetters(kafka, config);
      assertThat(reviews.keySet()).as("reviewed; dead letters: %s", reasons(dead))
          .containsExactlyInAnyOrder("ok-1", "ok-2", "ok-3", "ok-4");
      for (JsonNode r : reviews.values()) {
        assertThat(r.at("/explainer/device").asText()).isEqualTo("cpu");
        // auto engine: each program runs on ONNX Runtime once its compiled graph verified against Paddle
        assertThat(r.at("/explainer/engine").asText()).isEqualTo("onnxruntime");
        assertThat(r.at("/explainer/engineVersion").asText()).isNotEmpty();
      }
      assertThat(dead.keySet()).containsExactlyInAnyOrder("halt", "abort");
      for (ConsumerRecord<byte[], byte[]> d : dead.values()) {
        assertThat(DeadLetters.header(d.headers(), DeadLetters.REASON)).isEqualTo("ENGINE_CRASHED");
      }
      String haltOutput = DeadLetters.header(dead.get("halt").headers(), EngineCrashedException.HEADER);
      assertThat(haltOutput).contains("camstream test fault: halting on image");
      String abortOutput = DeadLetters.header(dead.get("abort").headers(), EngineCrashedException.HEADER);
      System.out.println("native abort, worker's last output:\n" + abortOutput);
      // Paddle's own words: the C++ exception that aborted the worker
      assertThat(abortOutput).contains("EnforceNotMet", "InvalidArgumentError", "conv2d");
      EnginePool pool = (EnginePool) ((RunningExplainer) role).explainer();
      assertThat(pool.restarts()).as("worker restarts").isGreaterThanOrEqualTo(4);
      assertThat(role.state()).isEqualTo("RUNNING");
    }
  }

  @Test
  void programsNamedLaterAreBuiltOffTheStreamThread(KafkaFixture kafka) throws Exception {
    // Paddle only: the auto engine's ONNX verdict loads ONNX Runtime beside Paddle in the worker, which segfaults
    // in this build (a separate issue); this test is about when programs are built, not which engine runs them.
    CamstreamConfig config = config(kafka, 1, 2, 30_000, Map.of(CamstreamConfig.EXPLAINER_ENGINE_CONFIG, "paddle"));
    try (RunningRole role = new ExplainerRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      EnginePool pool = (EnginePool) ((RunningExplainer) role).explainer();
      // Live overrides the worker did not warm at start: a new method, and a layer the model lacks.
      ObjectNode late = Requests.cls("late", "textline_en_180.png");
      ((ObjectNode) late.get("policy")).put("method", "gradcampp");
      ObjectNode badLayer = Requests.cls("bad-layer", "rapidocr_text_cls.jpg");
      ((ObjectNode) badLayer.get("policy")).put("targetLayer", "no_such_layer.tmp_0");
      kafka.produce(List.of(request(config, "ok-1", "textline_en_0.png"), record(config, late),
          record(config, badLayer), request(config, "ok-2", "doc_synthetic_en.png")));
      awaitOutcomes(kafka, config, 4);

      Map<String, JsonNode> reviews = reviews(kafka, config);
      assertThat(reviews.keySet()).containsExactlyInAnyOrder("ok-1", "late", "ok-2");
      assertThat(reviews.get("late").at("/explanation/method").asText()).isEqualTo("gradcampp");
      Map<String, ConsumerRecord<byte[], byte[]>> dead = deadLetters(kafka, config);
      assertThat(dead.keySet()).containsExactly("bad-layer");
      assertThat(DeadLetters.header(dead.get("bad-layer").headers(), DeadLetters.REASON)).isEqualTo("UNKNOWN_LAYER");
      // Both new programs were built between batches; no batch made the stream thread wait for a build.
      assertThat(pool.backgroundBuilds()).isGreaterThanOrEqualTo(2);
      assertThat(pool.buildsInBatch()).as("batches that built a program inside").isZero();
      assertThat(pool.restarts()).isZero();
      assertThat(role.state()).isEqualTo("RUNNING");
    }
  }

  @Test
  void aWarmUpBuildThatFailsIsRetriedByTheRequestsNotHeldAgainstTheModel(KafkaFixture kafka) throws Exception {
    // Every worker's start-up build fails as a full program cache or a passing native fault would make it fail:
    // the requests still get built programs (inside their batch) and are reviewed, none is dead-lettered.
    System.setProperty("camstream.worker.faults", "enabled");
    System.setProperty("camstream.worker.fault.warmup.fail", "true");
    CamstreamConfig config = config(kafka, 1, 2, 30_000);
    try (RunningRole role = new ExplainerRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      EnginePool pool = (EnginePool) ((RunningExplainer) role).explainer();
      kafka.produce(List.of(request(config, "ok-1", "textline_en_0.png"), request(config, "ok-2",
          "doc_synthetic_en.png")));
      awaitOutcomes(kafka, config, 2);
      Map<String, ConsumerRecord<byte[], byte[]>> dead = deadLetters(kafka, config);
      assertThat(reviews(kafka, config).keySet()).as("reviewed; dead letters: %s", reasons(dead))
          .containsExactlyInAnyOrder("ok-1", "ok-2");
      assertThat(pool.buildsInBatch()).as("batches that built their program inside").isPositive();
      assertThat(pool.restarts()).isZero();
    }
  }

  @Test
  void stoppedAndKilledWorkersCostTimeNotRequests(KafkaFixture kafka) throws Exception {
    System.setProperty("camstream.worker.faults", "enabled");
    System.setProperty("camstream.worker.fault.delay.ms", "700");
    CamstreamConfig config = config(kafka, 1, 2, 10_000);
    try (RunningRole role = new ExplainerRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      EnginePool pool = (EnginePool) ((RunningExplainer) role).explainer();
      kafka.produce(List.of(request(config, "warm-1", "textline_en_0.png"), request(config, "warm-2",
          "textline_en_180.png")));
      awaitOutcomes(kafka, config, 2);

      // SIGSTOP: the batch sent to the stopped worker misses its deadline; the worker is killed and replaced.
      long stopped = pool.pids().get(0);
      signal("STOP", stopped);
      long t0 = System.nanoTime();
      kafka.produce(List.of(request(config, "stop-1", "rapidocr_text_cls.jpg"),
          request(config, "stop-2", "doc_synthetic_en.png")));
      awaitOutcomes(kafka, config, 4);
      System.out.printf("SIGSTOP'd worker: requests answered %.1f s later (deadline %d ms)%n",
          (System.nanoTime() - t0) / 1e9, pool.deadlineMs(2));
      assertThat(ProcessHandle.of(stopped).map(ProcessHandle::isAlive).orElse(false)).as("stopped worker was killed")
          .isFalse();

      // kill -9 in the middle of a batch: the batch is retried on the replacement.
      List<ProducerRecord<byte[], byte[]>> more = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        more.add(request(config, "kill-" + i, i % 2 == 0 ? "textline_en_0.png" : "rapidocr_text_rec.jpg"));
      }
      kafka.produce(more);
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (pool.busy() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(pool.busy()).as("a batch in flight").isPositive();
      long victim = pool.pids().get(0);
      long killedAt = System.nanoTime();
      signal("KILL", victim);
      awaitOutcomes(kafka, config, 8);
      System.out.printf("kill -9 of worker mid-batch: batch answered %.1f s after the kill%n",
          (System.nanoTime() - killedAt) / 1e9);

      List<ConsumerRecord<byte[], byte[]>> all = kafka.readToEnd(config.topics().reviews());
      assertThat(all).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder(
          "warm-1", "warm-2", "stop-1", "stop-2", "kill-0", "kill-1", "kill-2", "kill-3");
      assertThat(kafka.readToEnd(config.topics().dlq())).isEmpty();
      assertThat(pool.restarts()).isGreaterThanOrEqualTo(2);
      assertThat(role.healthy()).isTrue();
    }
  }

  @Test
  void aConfiguredGpuTheEngineCannotUseFailsTheRoleAtStart(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = config(kafka, 1, 2, 10_000).with(CamstreamConfig.EXPLAINER_DEVICES_CONFIG, "gpu:0");
    // This build runs the CPU Paddle engine: gpu:0 must not quietly run on the CPU and be reported as gpu:0.
    assertThatThrownBy(() -> new ExplainerRole().start(new RoleContext(config, new SimpleMeterRegistry())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("explainer.devices names gpu:0")
        .hasMessageContaining("GPU");
  }

  /** Explainer-only config: the classifier spec alone (lean warm-up), its own data dir and program cache. */
  private static CamstreamConfig config(KafkaFixture kafka, int workers, int batch, long deadlineMinMs)
      throws Exception {
    return config(kafka, workers, batch, deadlineMinMs, Map.of());
  }

  private static CamstreamConfig config(KafkaFixture kafka, int workers, int batch, long deadlineMinMs,
      Map<String, Object> extra) throws Exception {
    Path models = KafkaFixture.tempDir("camstream-pool-models-");
    Files.copy(TestModels.dir().resolve("ocr-textline-cls.yaml"), models.resolve("ocr-textline-cls.yaml"));
    Map<String, Object> o = new HashMap<>();
    o.put(CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, SharedImages.dir().toString());
    o.put(CamstreamConfig.MODELS_DIR_CONFIG, models.toString());
    o.put(CamstreamConfig.ARTIFACTS_DIR_CONFIG, KafkaFixture.tempDir("camstream-pool-artifacts-").toString());
    o.put(CamstreamConfig.EXPLAINER_BATCH_MAX_SIZE_CONFIG, batch);
    o.put(CamstreamConfig.EXPLAINER_BATCH_LINGER_MS_CONFIG, 100);
    o.put(CamstreamConfig.EXPLAINER_WORKERS_PER_DEVICE_CONFIG, workers);
    o.put(CamstreamConfig.EXPLAINER_WORKER_HEAP_MB_CONFIG, 512);
    o.put(CamstreamConfig.EXPLAINER_DEADLINE_MIN_MS_CONFIG, deadlineMinMs);
    o.put(CamstreamConfig.EXPLAINER_DEADLINE_FACTOR_CONFIG, 6.0);
    o.putAll(extra);
    return kafka.config(o);
  }

  private static ProducerRecord<byte[], byte[]> record(CamstreamConfig config, ObjectNode request) {
    return new ProducerRecord<>(config.topics().requests(), "line-1".getBytes(StandardCharsets.UTF_8),
        Requests.bytes(request));
  }

  private static ProducerRecord<byte[], byte[]> request(CamstreamConfig config, String id, String image) {
    return new ProducerRecord<>(config.topics().requests(), "line-1".getBytes(StandardCharsets.UTF_8),
        Requests.bytes(Requests.cls(id, image)));
  }

  /**
   * Waits for this many committed outcomes (reviews + dead letters). Offsets alone do not say it: a buffered
   * request's offset commits with the buffer write, before it is explained.
   */
  private static void awaitOutcomes(KafkaFixture kafka, CamstreamConfig config, int count) throws Exception {
    long until = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    int seen = 0;
    while (System.nanoTime() < until) {
      seen = kafka.readToEnd(config.topics().reviews()).size() + kafka.readToEnd(config.topics().dlq()).size();
      if (seen >= count) {
        return;
      }
      Thread.sleep(500);
    }
    assertThat(seen).as("outcomes committed").isGreaterThanOrEqualTo(count);
  }

  private static Map<String, JsonNode> reviews(KafkaFixture kafka, CamstreamConfig config) throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().reviews())) {
      JsonNode review = Json.tree(r.value());
      assertThat(out.put(review.get("eventId").asText(), review)).as("one review per event").isNull();
    }
    return out;
  }

  private static Map<String, ConsumerRecord<byte[], byte[]>> deadLetters(KafkaFixture kafka, CamstreamConfig config)
      throws Exception {
    Map<String, ConsumerRecord<byte[], byte[]>> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().dlq())) {
      String id = Json.tree(r.value()).at("/event/eventId").asText();
      assertThat(out.put(id, r)).as("one dead letter per event").isNull();
    }
    return out;
  }

  private static Map<String, String> reasons(Map<String, ConsumerRecord<byte[], byte[]>> dead) {
    Map<String, String> out = new java.util.TreeMap<>();
    dead.forEach((id, d) -> out.put(id, DeadLetters.header(d.headers(), DeadLetters.REASON) + ": "
        + DeadLetters.header(d.headers(), DeadLetters.MESSAGE)));
    return out;
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static String sha256(String image) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(SharedImages.dir().resolve(image))));
  }
}
