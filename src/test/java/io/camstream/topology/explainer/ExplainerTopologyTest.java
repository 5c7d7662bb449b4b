package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.io.ArtifactStore;
import io.camstream.io.ImageSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainerTopologyTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path artifactsDir;
  private DarknessExplainer explainer;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> requests;
  private TestOutputTopic<String, byte[]> reviews;
  private TestOutputTopic<String, byte[]> dlq;
  private SimpleMeterRegistry registry;

  private void start(int batchMax, Duration linger) {
    explainer = new DarknessExplainer();
    registry = new SimpleMeterRegistry();
    ExplainerMetrics metrics = new ExplainerMetrics(registry);
    ImageSource images = ImageSource.allowList(List.of(SharedImages.dir()), List.of(), 1 << 20, 10_000_000);
    BatchExplainer batches = new BatchExplainer(explainer, images,
        ArtifactStore.local(artifactsDir, Duration.ofHours(24)), new ExplainerInfo("test-host", "cpu", "dev"),
        metrics);
    ExplainerTopology.Settings settings =
        new ExplainerTopology.Settings("requests", "reviews", "dlq", batchMax, linger);
    Properties props = ExplainerTopology.streamsProperties(batchMax, Map.of("bootstrap.servers", "unused:9092"));
    driver = new TopologyTestDriver(ExplainerTopology.build(settings, batches, metrics), props);
    requests = driver.createInputTopic("requests", Serdes.String().serializer(), Serdes.ByteArray().serializer());
    reviews = driver.createOutputTopic("reviews", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    dlq = driver.createOutputTopic("dlq", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  static ObjectNode request(String eventId, String model, String version, String uri, String privacy) {
    return Requests.request(eventId, model, version, uri, privacy);
  }

  static ObjectNode cls(String eventId, String image) {
    return Requests.cls(eventId, image);
  }

  private void send(ObjectNode... rs) throws Exception {
    for (ObjectNode r : rs) {
      requests.pipeInput("line-1", JSON.writeValueAsBytes(r));
    }
  }

  private List<JsonNode> readReviews() throws Exception {
    List<TestRecord<String, byte[]>> records = reviews.readRecordsToList();
    List<JsonNode> out = new java.util.ArrayList<>();
    for (TestRecord<String, byte[]> rec : records) {
      JsonNode n = JSON.readTree(rec.value());
      assertThat(rec.key()).isEqualTo(n.get("eventId").asText());
      out.add(n);
    }
    return out;
  }

  @Test
  void drainsABatchAsSoonAsItIsFull() throws Exception {
    start(3, Duration.ofSeconds(30));
    send(cls("e1", "textline_en_0.png"), cls("e2", "textline_en_180.png"));
    assertThat(reviews.isEmpty()).isTrue();
    send(cls("e3", "rapidocr_text_cls.jpg"));
    assertThat(readReviews()).extracting(n -> n.get("eventId").asText()).containsExactly("e1", "e2", "e3");
    assertThat(explainer.batchSizes).containsExactly(3);
    assertThat(registry.get("camstream.explainer.batch.size").summary().max()).isEqualTo(3.0);
    assertThat(registry.get("camstream.explainer.buffer.depth").gauge().value()).isZero();
  }

  @Test
  void drainsAPartialBatchAfterTheLinger() throws Exception {
    start(8, Duration.ofMillis(200));
    send(cls("e1", "textline_en_0.png"), cls("e2", "textline_en_180.png"));
    driver.advanceWallClockTime(Duration.ofMillis(100));
    assertThat(reviews.isEmpty()).isTrue();
    assertThat(registry.get("camstream.explainer.buffer.depth").gauge().value()).isEqualTo(2.0);
    driver.advanceWallClockTime(Duration.ofMillis(150));
    assertThat(readReviews()).hasSize(2);
    assertThat(explainer.batchSizes).containsExactly(2);
    assertThat(registry.get("camstream.explainer.explained").counter().count()).isEqualTo(2.0);
  }

  @Test
  void reviewRecordCarriesTheEventThePolicyAndTheExplanation() throws Exception {
    start(1, Duration.ofSeconds(30));
    send(cls("e1", "textline_en_0.png"));
    JsonNode r = readReviews().get(0);
    assertThat(io.camstream.event.Schemas.violations(io.camstream.event.Schemas.REVIEW_RECORD, r)).isEmpty();
    assertThat(r.at("/lineId").asText()).isEqualTo("line-1");
    assertThat(r.at("/cameraId").asText()).isEqualTo("cam-7");
    assertThat(r.at("/image/width").asInt()).isEqualTo(400);
    assertThat(r.at("/image/height").asInt()).isEqualTo(64);
    assertThat(r.at("/model/id").asText()).isEqualTo("ocr-textline-cls");
    assertThat(r.at("/model/version").asText()).isEqualTo("2.0");
    assertThat(r.at("/prediction/confidence").asDouble()).isEqualTo(0.41);
    assertThat(r.at("/selection/reasons/0").asText()).isEqualTo("low-confidence");
    assertThat(r.at("/selection/policy/confidenceBelow").asDouble()).isEqualTo(0.6);
    assertThat(r.at("/explanation/targetClass").asInt()).isZero();
    assertThat(r.at("/explanation/grid/values")).hasSize(64);
    assertThat(r.at("/attributes/shift").asText()).isEqualTo("night");
    assertThat(r.at("/explainer/host").asText()).isEqualTo("test-host");
    Path heatmap = Path.of(URI.create(r.at("/artifacts/heatmap").asText()));
    Path overlay = Path.of(URI.create(r.at("/artifacts/overlay").asText()));
    // <day>/<model id>-<hash>/<event id>-<hash>.heatmap.png (LocalArtifactStore.safeName)
    assertThat(heatmap.getParent().getParent()).isEqualTo(artifactsDir.resolve("2026-11-28"));
    assertThat(heatmap.getParent().getFileName().toString()).matches("ocr-textline-cls-[0-9a-f]{16}");
    assertThat(overlay).exists();
    assertThat(r.at("/hashes/heatmap").asText()).isEqualTo(sha256(Files.readAllBytes(heatmap)));
    assertThat(r.at("/hashes/image").asText())
        .isEqualTo("1b618a8bcbd7bcbf47fe739e7c891b8682f8b6307bd32f8288be3de72a84ef99");
    // the peak lies on the text: its pixel in the source image is darker than the page average
    BufferedImage src = ImageIO.read(SharedImages.dir().resolve("textline_en_0.png").toFile());
    BufferedImage heat = ImageIO.read(heatmap.toFile());
    assertThat(heat.getWidth()).isEqualTo(src.getWidth());
    int px = r.at("/explanation/peak/x").asInt();
    int py = r.at("/explanation/peak/y").asInt();
    assertThat(heat.getRaster().getSample(px, py, 0)).isEqualTo(255);
  }

  @Test
  void aFailingEventGoesToTheDeadLetterTopicWhileItsNeighboursSucceed() throws Exception {
    start(5, Duration.ofSeconds(30));
    ObjectNode missing = cls("e2", "no-such-image.png");
    ObjectNode traversal = request("e3", "ocr-textline-cls", "2.0",
        SharedImages.dir().toUri() + "../DESIGN.md", "full");
    ObjectNode unknownModel = request("e4", "ocr-nope", "1.0", SharedImages.uri("textline_en_0.png"), "full");
    send(cls("e1", "textline_en_0.png"), missing, traversal, unknownModel);
    requests.pipeInput("line-1", "{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(readReviews()).extracting(n -> n.get("eventId").asText()).containsExactly("e1");
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).extracting(rec -> header(rec, "camstream.dlq.reason")).containsExactly(
        "IMAGE_UNREADABLE", "IMAGE_NOT_ALLOWED", "UNKNOWN_MODEL", "BAD_REQUEST");
    assertThat(dead).allSatisfy(rec -> {
      assertThat(header(rec, "camstream.dlq.stage")).isEqualTo("explainer");
      assertThat(header(rec, "camstream.dlq.source")).startsWith("requests-0-");
      assertThat(rec.key()).isEqualTo("line-1");
    });
    // the dead letter carries the original request bytes
    assertThat(JSON.readTree(dead.get(0).value())).isEqualTo(missing);
    assertThat(registry.get("camstream.explainer.dead.lettered").tag("reason", "UNKNOWN_MODEL").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void heatmapOnlyPrivacyKeepsRawPixelsOutOfEveryArtifact() throws Exception {
    start(1, Duration.ofSeconds(30));
    send(request("e1", "ocr-textline-cls", "2.0", SharedImages.uri("textline_en_0.png"), "heatmap-only"));
    JsonNode r = readReviews().get(0);
    assertThat(r.at("/artifacts/overlay").isNull()).isTrue();
    try (Stream<Path> files = Files.walk(artifactsDir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .singleElement().asString().matches("e1-[0-9a-f]{16}\\.heatmap\\.png");
    }
    // the heatmap is a single grey channel holding at most one level per grid cell: no image content
    BufferedImage heat = ImageIO.read(Path.of(URI.create(r.at("/artifacts/heatmap").asText())).toFile());
    assertThat(heat.getRaster().getNumBands()).isEqualTo(1);
    Set<Integer> levels = new HashSet<>();
    for (int y = 0; y < heat.getHeight(); y++) {
      for (int x = 0; x < heat.getWidth(); x++) {
        levels.add(heat.getRaster().getSample(x, y, 0));
      }
    }
    assertThat(levels.size()).isLessThanOrEqualTo(DarknessExplainer.GRID * DarknessExplainer.GRID);
  }

  @Test
  void theSameEventTwiceGivesTheSameKeyArtifactAndHash() throws Exception {
    start(1, Duration.ofSeconds(30));
    send(cls("e1", "textline_en_0.png"), cls("e1", "textline_en_0.png"));
    List<JsonNode> out = readReviews();
    assertThat(out).hasSize(2);
    assertThat(out.get(1).at("/artifacts")).isEqualTo(out.get(0).at("/artifacts"));
    assertThat(out.get(1).at("/hashes")).isEqualTo(out.get(0).at("/hashes"));
    try (Stream<Path> files = Files.walk(artifactsDir)) {
      assertThat(files.filter(Files::isRegularFile)).hasSize(2); // one heatmap and one overlay
    }
  }

  private static String header(TestRecord<String, byte[]> rec, String name) {
    return new String(rec.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }
}
