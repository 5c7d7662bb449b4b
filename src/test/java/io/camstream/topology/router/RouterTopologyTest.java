package io.camstream.topology.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Events;
import io.camstream.event.Json;
import io.camstream.event.Schemas;
import io.camstream.policy.PolicyFile;
import io.camstream.policy.PolicyPatch;
import io.camstream.topology.DeadLetters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterTopologyTest {

  private static final String IMG = "file:///imgs/a.png";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<String, String> policies;
  private TestOutputTopic<byte[], byte[]> requests;
  private TestOutputTopic<byte[], byte[]> dlq;

  @BeforeEach
  void start() {
    start(PolicyFile.NONE);
  }

  private void start(PolicyFile file) {
    if (driver != null) {
      driver.close();
    }
    CamstreamConfig config = CamstreamConfig.defaults().with(Map.of(
        CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, "/imgs",
        CamstreamConfig.IMAGE_HTTP_HOSTS_CONFIG, "cams.example.com",
        CamstreamConfig.IMAGE_DATA_MAX_BYTES_CONFIG, 30));
    Properties props = config.streamsProperties("router-test");
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/router-test-state");
    driver = new TopologyTestDriver(
        RouterTopology.build(config, new ModelCatalog(List.of("cls@1", "det@3")), file, meters), props);
    CamstreamConfig.TopicNames t = config.topics();
    events = driver.createInputTopic(t.events(), new ByteArraySerializer(), new ByteArraySerializer());
    policies = driver.createInputTopic(t.policies(), new StringSerializer(), new StringSerializer());
    requests = driver.createOutputTopic(t.requests(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    dlq = driver.createOutputTopic(t.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(String key, String value) {
    events.pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  private static String event(String id, String line, double confidence, boolean newSample) {
    return Events.classification(id, line, "cls", confidence, newSample, IMG);
  }

  @Test
  void aLowConfidenceEventBecomesARequestKeyedByLineWithTheEventUntouched() throws Exception {
    String json = event("e1", "L1", 0.3, false);
    send("whatever", json);
    List<TestRecord<byte[], byte[]>> out = requests.readRecordsToList();
    assertThat(out).hasSize(1);
    assertThat(new String(out.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("L1");
    JsonNode req = Json.tree(out.get(0).value());
    assertThat(Schemas.violations(Schemas.EXPLAIN_REQUEST, req)).isEmpty();
    assertThat(req.get("event")).isEqualTo(Json.MAPPER.readTree(json));
    assertThat(req.get("reasons")).containsExactly(Json.MAPPER.valueToTree("low-confidence"));
    assertThat(req.at("/policy/confidenceBelow").asDouble()).isEqualTo(0.6);
    assertThat(req.at("/policy/privacy").asText()).isEqualTo("full");
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(meters.counter("camstream.router.events.in").count()).isEqualTo(1);
    assertThat(meters.counter("camstream.router.selected").count()).isEqualTo(1);
  }

  @Test
  void confidentEventsAreDroppedAndNewSamplesSelected() throws Exception {
    send("L1", event("confident-1", "L1", 0.99, false));
    send("L1", event("new-1", "L1", 0.99, true));
    List<TestRecord<byte[], byte[]>> out = requests.readRecordsToList();
    assertThat(out).hasSize(1);
    JsonNode req = Json.tree(out.get(0).value());
    assertThat(req.at("/event/eventId").asText()).isEqualTo("new-1");
    assertThat(req.get("reasons").toString()).isEqualTo("[\"new-sample\"]");
    assertThat(meters.counter("camstream.router.not.selected").count()).isEqualTo(1);
  }

  @Test
  void detectionEventsAreSelectedByTheirLeastConfidentDetection() throws Exception {
    String det = """
        {"eventId":"d1","lineId":"L1","timestamp":"2026-11-28T03:00:00Z","model":{"id":"det","version":"3"},
         "image":{"uri":"https://cams.example.com/a.jpg","width":640,"height":480},
         "detections":[{"label":"scratch","confidence":0.95,"box":{"x":1,"y":2,"w":3,"h":4}},
                       {"label":"dent","confidence":0.41}]}""";
    send("L1", det);
    assertThat(Json.tree(requests.readValue()).get("reasons").toString()).isEqualTo("[\"low-confidence\"]");
  }

  @Test
  void badInputGoesToTheDeadLetterTopicWithOriginalBytesAndReason() {
    send("k-bad", "{\"eventId\": ");
    send("k-array", "[1,2]");
    send(null, null);
    String noModel = event("e2", "L1", 0.3, false).replace("\"model\":{\"id\":\"cls\",\"version\":\"1\"},", "");
    send("k-schema", noModel);
    send("k-model", Events.classification("e3", "L1", "other", 0.3, false, IMG));
    send("k-version", Events.classification("e4", "L1", "cls", 0.3, false, IMG).replace("\"version\":\"1\"",
        "\"version\":\"2\""));
    send("k-outside", Events.classification("e5", "L1", "cls", 0.3, false, "file:///etc/passwd"));
    send("k-traversal", Events.classification("e6", "L1", "cls", 0.3, false, "file:///imgs/../etc/passwd"));
    send("k-host", Events.classification("e7", "L1", "cls", 0.3, false, "http://evil.example.com/a.png"));
    send("k-data", Events.classification("e8", "L1", "cls", 0.3, false,
        "data:image/png;base64," + "A".repeat(100)));

    List<TestRecord<byte[], byte[]>> out = dlq.readRecordsToList();
    assertThat(out).extracting(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("k-bad", "k-array", null, "k-schema", "k-model", "k-version", "k-outside", "k-traversal",
            "k-host", "k-data");
    assertThat(out).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).containsExactly(
        "BAD_JSON", "BAD_JSON", "BAD_JSON", "SCHEMA_VIOLATION", "UNKNOWN_MODEL", "UNKNOWN_MODEL",
        "IMAGE_NOT_ALLOWED", "IMAGE_NOT_ALLOWED", "IMAGE_NOT_ALLOWED", "IMAGE_NOT_ALLOWED");
    assertThat(new String(out.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"eventId\": ");
    assertThat(new String(out.get(3).value(), StandardCharsets.UTF_8)).isEqualTo(noModel);
    assertThat(DeadLetters.header(out.get(3).headers(), DeadLetters.MESSAGE)).contains("model");
    assertThat(DeadLetters.header(out.get(7).headers(), DeadLetters.MESSAGE)).contains("/etc/passwd");
    assertThat(out).allSatisfy(r -> {
      assertThat(DeadLetters.header(r.headers(), DeadLetters.STAGE)).isEqualTo("router");
      assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE)).matches(".+-0-\\d+");
    });
    assertThat(requests.isEmpty()).isTrue();
    assertThat(meters.counter("camstream.router.dead.lettered", "reason", "IMAGE_NOT_ALLOWED").count()).isEqualTo(4);
  }

  @Test
  void livePolicyOverridesTakeEffectForTheNextEventAndTombstonesRemoveThem() throws Exception {
    policies.pipeInput("line:L2", "{\"enableExplain\": false}");
    send("L1", event("a1", "L1", 0.3, false));
    send("L2", event("a2", "L2", 0.3, false));
    assertThat(selectedIds()).containsExactly("a1");

    // line+model is narrower than line, so it wins; a bad override is ignored and the good one stays.
    policies.pipeInput("line:L2|model:cls", "{\"enableExplain\": true, \"explainAll\": true, "
        + "\"privacy\": \"heatmap-only\"}");
    policies.pipeInput("line:L2|model:cls", "{\"enableExplain\": \"maybe\"}");
    policies.pipeInput("not-a-scope", "{\"enableExplain\": false}");
    send("L2", event("a3", "L2", 0.99, false));
    List<JsonNode> reqs = requestValues();
    assertThat(reqs).hasSize(1);
    assertThat(reqs.get(0).get("reasons").toString()).isEqualTo("[\"always\"]");
    assertThat(reqs.get(0).at("/policy/privacy").asText()).isEqualTo("heatmap-only");

    policies.pipeInput("line:L2|model:cls", (String) null);
    policies.pipeInput("line:L2", (String) null);
    send("L2", event("a4", "L2", 0.3, false));
    assertThat(selectedIds()).containsExactly("a4");
    assertThat(meters.counter("camstream.router.policies.rejected").count()).isEqualTo(2);
  }

  @Test
  void fileDefaultsAndFileScopesApplyUnderTopicOverrides() throws Exception {
    start(new PolicyFile(new PolicyPatch(null, 0.9, false, null, null, null, "gradcampp", null, null),
        Map.of("model:cls", new PolicyPatch(null, null, null, null, null, "conv_last", null, null, null))));
    send("L1", event("f1", "L1", 0.8, true));
    JsonNode req = requestValues().get(0);
    assertThat(req.get("reasons").toString()).isEqualTo("[\"low-confidence\"]");
    assertThat(req.at("/policy/method").asText()).isEqualTo("gradcampp");
    assertThat(req.at("/policy/targetLayer").asText()).isEqualTo("conv_last");

    policies.pipeInput("model:cls", "{\"confidenceBelow\": 0.5, \"targetLayer\": \"conv_mid\"}");
    send("L1", event("f2", "L1", 0.8, false));
    send("L1", event("f3", "L1", 0.4, false));
    List<JsonNode> reqs = requestValues();
    assertThat(reqs).extracting(r -> r.at("/event/eventId").asText()).containsExactly("f3");
    assertThat(reqs.get(0).at("/policy/targetLayer").asText()).isEqualTo("conv_mid");
  }

  @Test
  void auditSamplingPicksTheSameEventsAsAnIndependentSha256Reading() throws Exception {
    policies.pipeInput("model:cls", "{\"auditSampleRate\": 0.25, \"explainNewSamples\": false}");
    List<String> expected = new ArrayList<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    BigInteger quarter = BigInteger.ONE.shiftLeft(62); // 0.25 * 2^64
    for (int i = 0; i < 200; i++) {
      String id = "audit-" + i;
      send("L1", event(id, "L1", 0.99, false));
      byte[] d = sha.digest(id.getBytes(StandardCharsets.UTF_8));
      if (new BigInteger(1, java.util.Arrays.copyOf(d, 8)).compareTo(quarter) < 0) {
        expected.add(id);
      }
    }
    assertThat(expected).hasSizeBetween(30, 70);
    assertThat(selectedIds()).containsExactlyElementsOf(expected);
  }

  private List<JsonNode> requestValues() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (byte[] v : requests.readValuesToList()) {
      out.add(Json.tree(v));
    }
    return out;
  }

  private List<String> selectedIds() throws Exception {
    return requestValues().stream().map(r -> r.at("/event/eventId").asText()).toList();
  }
}
