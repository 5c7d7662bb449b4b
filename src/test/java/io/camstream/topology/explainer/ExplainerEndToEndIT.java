package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Json;
import io.camstream.event.Schemas;
import io.camstream.explain.Explainer;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.topology.DeadLetters;
import io.camstream.topology.RunningRole;
import io.camstream.topology.replay.Replayer;
import io.camstream.topology.router.RouterTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Router and explainer on a real broker: a mix of events in, exactly the expected review records and dead letters
 * out (read_committed), a policy change switching a line off for the following events, and a replay of the range
 * matching every heatmap hash. Runs the real engine on the shipped models.
 */
@ExtendWith(KafkaFixtureExtension.class)
class ExplainerEndToEndIT {

  private CamstreamConfig config;
  private KafkaFixture kafka;
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
  private int n;

  @Test
  void selectedEventsBecomeReviewsFailuresBecomeDeadLettersAndAPolicyChangeApplies(KafkaFixture kafka)
      throws Exception {
    this.kafka = kafka;
    Path artifacts = KafkaFixture.tempDir("camstream-e2e-artifacts-");
    config = kafka.config(Map.of(
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, SharedImages.dir().toString(),
        CamstreamConfig.MODELS_DIR_CONFIG, TestModels.dir().toString(),
        CamstreamConfig.ARTIFACTS_DIR_CONFIG, artifacts.toString(),
        CamstreamConfig.EXPLAINER_BATCH_LINGER_MS_CONFIG, 20));
    // Deterministic selection per line: no audit sampling except on line-audit, which samples everything.
    policy("model:ocr-textline-cls", "{\"auditSampleRate\": 0.0}");
    policy("model:ocr-db-det", "{\"auditSampleRate\": 0.0}");
    policy("line:line-audit", "{\"auditSampleRate\": 1.0}");
    policy("line:line-private", "{\"privacy\": \"heatmap-only\"}");

    meters = new SimpleMeterRegistry();
    try (Explainer explainer = Explainers.fromConfig(config);
        RunningRole router = RunningRole.streams("router", RouterTopology.build(config, meters),
            config.streamsProperties(config.routerApplicationId()), meters);
        RunningExplainer role = RunningExplainer.start(config, explainer, meters)) {
      awaitPolicy(router, "line:line-private", "heatmap-only");

      List<ProducerRecord<byte[], byte[]>> phase1 = new ArrayList<>();
      phase1.add(cls("e-confident", "line-a", "textline_en_0.png", 0.97, false));
      phase1.add(cls("e-low", "line-a", "textline_en_180.png", 0.42, false));
      phase1.add(cls("e-new", "line-a", "rapidocr_text_rec.jpg", 0.95, true));
      phase1.add(cls("e-audit", "line-audit", "rapidocr_test_without_det.jpg", 0.97, false));
      phase1.add(cls("e-private", "line-private", "rapidocr_text_cls.jpg", 0.30, false));
      // title 0.30 and total 0.45 are below the policy's 0.6, the body line is not: two boxes, least confident first
      phase1.add(det("e-det", "line-b", new double[] {0.30, 0.95, 0.45}, TITLE, BODY, TOTAL));
      phase1.add(record("line-a", "{\"eventId\": \"e-malformed\", ".getBytes(StandardCharsets.UTF_8)));
      phase1.add(cls("e-missing", "line-a", "no-such-image.png", 0.10, false));
      ObjectNode unknown = clsNode("e-unknown-model", "line-a", "textline_en_0.png", 0.10, false);
      unknown.putObject("model").put("id", "ocr-textline-cls").put("version", "9.9");
      phase1.add(record("line-a", Json.bytes(unknown)));
      kafka.produce(phase1);
      awaitCaughtUp();

      // The line goes off; once the router has the change, later events of line-a are not selected.
      policy("line:line-a", "{\"enableExplain\": false}");
      awaitPolicy(router, "line:line-a", "enableExplain");
      kafka.produce(List.of(
          cls("e2-low-a", "line-a", "textline_en_180.png", 0.20, false),
          cls("e2-new-a", "line-a", "textline_en_0.png", 0.99, true),
          det("e2-det-b", "line-b", 0.25)));
      awaitCaughtUp();
    }

    Map<String, JsonNode> reviews = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> reviewRecords = readToEnd(config.topics().reviews());
    for (ConsumerRecord<byte[], byte[]> r : reviewRecords) {
      JsonNode review = Json.tree(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(review.get("eventId").asText());
      assertThat(Schemas.violations(Schemas.REVIEW_RECORD, review)).as(review.toString()).isEmpty();
      reviews.put(review.get("eventId").asText(), review);
    }
    assertThat(reviewRecords).hasSize(reviews.size()); // exactly one per event
    assertThat(reviews.keySet()).containsExactlyInAnyOrder("e-low", "e-new", "e-audit", "e-private", "e-det",
        "e2-det-b");
    assertThat(reasons(reviews.get("e-low"))).containsExactly("low-confidence");
    assertThat(reasons(reviews.get("e-new"))).containsExactly("new-sample");
    assertThat(reasons(reviews.get("e-audit"))).containsExactly("audit-sample");
    assertThat(reasons(reviews.get("e-det"))).containsExactly("low-confidence");
    assertThat(reviews.get("e-det").get("detections").isArray()).isTrue();
    assertThat(reviews.get("e-det").at("/image/width").asInt()).isEqualTo(640);
    assertBoxesExplained(reviews.get("e-det"));
    assertThat(reviews.get("e2-det-b").get("boxes").isNull()).as("no box to target: the whole map").isTrue();
    assertThat(reviews.get("e2-det-b").at("/explanation/target/kind").asText()).isEqualTo("threshold");
    assertThat(reviews.get("e-private").at("/artifacts/overlay").isNull()).isTrue();
    assertThat(reviews.get("e-private").at("/selection/policy/privacy").asText()).isEqualTo("heatmap-only");
    assertThat(reviews.get("e-low").at("/artifacts/overlay").asText()).startsWith(artifacts.toUri().toString());
    for (JsonNode review : reviews.values()) {
      Path heatmap = Path.of(URI.create(review.at("/artifacts/heatmap").asText()));
      assertThat(review.at("/hashes/heatmap").asText()).isEqualTo(ExplainerTopologyTest.sha256(Files.readAllBytes(heatmap)));
    }

    Map<String, String> dead = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readToEnd(config.topics().dlq())) {
      String stage = DeadLetters.header(r.headers(), DeadLetters.STAGE);
      String reason = DeadLetters.header(r.headers(), DeadLetters.REASON);
      String value = new String(r.value(), StandardCharsets.UTF_8);
      String id = value.contains("e-malformed") ? "e-malformed" : Json.tree(r.value()).at("/eventId").asText(
          Json.tree(r.value()).at("/event/eventId").asText());
      assertThat(dead.put(id, stage + ":" + reason)).as("one dead letter per event").isNull();
    }
    assertThat(dead).containsExactlyInAnyOrderEntriesOf(Map.of(
        "e-malformed", "router:BAD_JSON",
        "e-unknown-model", "router:UNKNOWN_MODEL",
        "e-missing", "explainer:IMAGE_UNREADABLE"));

    // Replay of the test's range re-runs the recorded selection: line-a is off by now, yet its events were selected
    // then and are replayed; every review gives the same heatmap, and e-missing fails again (it has no review).
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try (Explainer explainer = Explainers.fromConfig(config)) {
      Replayer.Summary s = new Replayer(config, explainer, new PrintStream(progress, true)).run(new Replayer.Options(t0, t0.plusSeconds(3600), null, null,
              KafkaFixture.tempDir("camstream-e2e-replay-")));
      assertThat(s.line()).isEqualTo("replayed 6, matched 6/6 heatmap hashes (100.0 %)");
      assertThat(s.failed()).isEqualTo(1);
      assertThat(s.mismatches()).isEmpty();
    }

    // The same through the command line, as an auditor runs it: summary on stdout, exit code 0.
    List<String> args = new ArrayList<>(List.of("replay", "--from", t0.toString(), "--to",
        t0.plusSeconds(3600).toString(), "--model", "ocr-db-det@3.0", "--to-dir",
        KafkaFixture.tempDir("camstream-e2e-replay-cli-").toString()));
    config.originals().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    java.io.StringWriter stdout = new java.io.StringWriter();
    picocli.CommandLine cli = io.camstream.cli.Main.commandLine();
    cli.setOut(new java.io.PrintWriter(stdout, true));
    int code = cli.execute(args.toArray(String[]::new));
    assertThat(code).isZero();
    assertThat(stdout.toString())
        .contains("replayed 2, matched 2/2 heatmap hashes (100.0 %)");
  }

  /** Text lines of doc_synthetic_en.png (as in DetectorIT), in whole pixels. */
  private static final int[] TITLE = {36, 30, 340, 38};
  private static final int[] BODY = {36, 92, 420, 24};
  private static final int[] TOTAL = {356, 380, 250, 28};

  /**
   * Each selected box has its own box-target explanation with the dense default method: its peak lies on its box,
   * and its heatmap file (read back independently) puts more heat on its own box than the other box's map does.
   */
  private static void assertBoxesExplained(JsonNode review) throws Exception {
    JsonNode boxes = review.get("boxes");
    assertThat(boxes.size()).as(review.toString()).isEqualTo(2);
    assertThat(boxes.get(0).get("detection").asInt()).isEqualTo(0);
    assertThat(boxes.get(1).get("detection").asInt()).isEqualTo(2);
    int[][] expected = {TITLE, TOTAL};
    double[][] mass = new double[2][2];
    for (int k = 0; k < 2; k++) {
      JsonNode b = boxes.get(k);
      assertThat(b.get("method").asText()).isEqualTo("layercam");
      for (int c = 0; c < 4; c++) {
        assertThat(b.get("box").get(c).asInt()).isEqualTo(expected[k][c]);
      }
      int[] r = expected[k];
      int px = b.at("/peak/x").asInt();
      int py = b.at("/peak/y").asInt();
      assertThat(px >= r[0] - 8 && px < r[0] + r[2] + 8 && py >= r[1] - 8 && py < r[1] + r[3] + 8)
          .as("box %d peak %d,%d on its line", k, px, py).isTrue();
      byte[] png = Files.readAllBytes(Path.of(URI.create(b.at("/artifacts/heatmap").asText())));
      assertThat(b.get("heatmapSha256").asText()).isEqualTo(ExplainerTopologyTest.sha256(png));
      java.awt.image.BufferedImage heat = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
      for (int j = 0; j < 2; j++) {
        mass[k][j] = mass(heat, expected[j]);
      }
    }
    assertThat(mass[0][0]).as("title's map on the title vs total's map there").isGreaterThan(mass[1][0]);
    assertThat(mass[1][1]).as("total's map on the total vs title's map there").isGreaterThan(mass[0][1]);
    // the first box is the record's own explanation and artifacts
    assertThat(review.at("/explanation/target/kind").asText()).isEqualTo("box");
    assertThat(review.at("/artifacts/heatmap").asText()).isEqualTo(boxes.get(0).at("/artifacts/heatmap").asText());
    assertThat(review.at("/hashes/heatmap").asText()).isEqualTo(boxes.get(0).get("heatmapSha256").asText());
  }

  /** Sum of the grey heat values inside a box, as a fraction of the whole map's. */
  private static double mass(java.awt.image.BufferedImage heat, int[] box) {
    double in = 0;
    double all = 0;
    var raster = heat.getRaster();
    for (int y = 0; y < heat.getHeight(); y++) {
      for (int x = 0; x < heat.getWidth(); x++) {
        int v = raster.getSample(x, y, 0);
        all += v;
        if (x >= box[0] && x < box[0] + box[2] && y >= box[1] && y < box[1] + box[3]) {
          in += v;
        }
      }
    }
    return all == 0 ? 0 : in / all;
  }

  private static List<String> reasons(JsonNode review) {
    List<String> out = new ArrayList<>();
    review.at("/selection/reasons").forEach(r -> out.add(r.asText()));
    return out;
  }

  private SimpleMeterRegistry meters;

  private void awaitCaughtUp() throws Exception {
    try (Admin admin = kafka.admin()) {
      assertThat(GroupProgress.awaitCaughtUp(admin, config.routerApplicationId(), config.topics().events(),
          Duration.ofSeconds(90))).as("router consumed every event").isTrue();
      assertThat(GroupProgress.awaitCaughtUp(admin, config.routerApplicationId(),
          io.camstream.kafka.Topics.requestsByEventId(config), Duration.ofSeconds(90)))
          .as("router's duplicate check consumed every selected event").isTrue();
      assertThat(GroupProgress.awaitCaughtUp(admin, config.explainerApplicationId(), config.topics().requests(),
          Duration.ofSeconds(90))).as("explainer consumed every request").isTrue();
    }
    // a consumed request may still sit in the micro-batch buffer (its offset commits with the buffer write):
    // wait until the buffer is drained, i.e. every request has its review or dead letter
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    var depth = meters.find("camstream.explainer.buffer.depth").gauge();
    while (depth != null && depth.value() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(depth).as("buffer depth gauge").isNotNull();
    assertThat(depth.value()).as("explain requests left in the buffer").isZero();
  }

  private List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
    try (var consumer = kafka.consumer()) {
      var parts = consumer.partitionsFor(topic).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      var ends = consumer.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private void policy(String scope, String json) {
    kafka.produce(List.of(new ProducerRecord<>(config.topics().policies(), scope.getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8))));
  }

  /** Waits until the router's global policy store holds the override (it applies from the next event on). */
  private static void awaitPolicy(RunningRole router, String scope, String contains) throws InterruptedException {
    KafkaStreams streams = ((RunningRole.StreamsRunningRole) router).streams();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String v = streams.store(StoreQueryParameters.fromNameAndType(RouterTopology.POLICY_STORE,
            QueryableStoreTypes.<String, String>keyValueStore())).get(scope);
        if (v != null && v.contains(contains)) {
          return;
        }
      } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
        // not queryable yet while the router starts
      }
      Thread.sleep(100);
    }
    throw new AssertionError("router never saw policy " + scope);
  }

  private ObjectNode clsNode(String id, String line, String image, double confidence, boolean newSample) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("eventId", id);
    e.put("lineId", line);
    e.put("cameraId", line + "-cam");
    e.put("timestamp", t0.plusSeconds(n).toString());
    e.putObject("model").put("id", "ocr-textline-cls").put("version", "2.0");
    e.putObject("image").put("uri", SharedImages.dir().resolve(image).toUri().toString()).put("width", 400)
        .put("height", 64);
    e.putObject("prediction").put("classIndex", 0).put("label", "0").put("confidence", confidence);
    e.put("newSample", newSample);
    e.putObject("attributes").put("test", "e2e");
    return e;
  }

  private ProducerRecord<byte[], byte[]> cls(String id, String line, String image, double confidence,
      boolean newSample) {
    return record(line, Json.bytes(clsNode(id, line, image, confidence, newSample)));
  }

  private ProducerRecord<byte[], byte[]> det(String id, String line, double confidence) {
    return det(id, line, new double[] {confidence});
  }

  /** A detection event; the first {@code boxes.length} detections get those boxes, the others none. */
  private ProducerRecord<byte[], byte[]> det(String id, String line, double[] confidences, int[]... boxes) {
    ObjectNode e = clsNode(id, line, "doc_synthetic_en.png", confidences[0], false);
    e.remove("prediction");
    e.putObject("model").put("id", "ocr-db-det").put("version", "3.0");
    e.putObject("image").put("uri", SharedImages.uri("doc_synthetic_en.png")).put("width", 640).put("height", 480);
    var detections = e.putArray("detections");
    for (int i = 0; i < confidences.length; i++) {
      ObjectNode d = detections.addObject().put("label", "text").put("confidence", confidences[i]);
      if (i < boxes.length) {
        d.putObject("box").put("x", boxes[i][0]).put("y", boxes[i][1]).put("w", boxes[i][2]).put("h", boxes[i][3]);
      }
    }
    return record(line, Json.bytes(e));
  }

  private ProducerRecord<byte[], byte[]> record(String line, byte[] value) {
    long ts = t0.plusSeconds(n++).toEpochMilli();
    return new ProducerRecord<>(config.topics().events(), null, ts, line.getBytes(StandardCharsets.UTF_8), value);
  }
}
