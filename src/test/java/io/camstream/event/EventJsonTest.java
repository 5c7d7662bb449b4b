package io.camstream.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.policy.Policy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {

  @Test
  void anEventKeepsEveryFieldThroughARequestRoundTrip() throws Exception {
    ObjectNode json = Events.classificationNode("e1", "L1", "cls", 0.42, true, "file:/img/a.png");
    assertThat(Schemas.violations(Schemas.INFERENCE_EVENT, json)).isEmpty();
    InferenceEvent e = InferenceEvent.of(json);
    assertThat(e.prediction().confidence()).isEqualTo(0.42);
    assertThat(e.model().key()).isEqualTo("cls@1");
    assertThat(e.newSample()).isTrue();

    ExplainRequest req = new ExplainRequest(e, Policy.BUILT_IN, List.of("low-confidence", "new-sample"));
    byte[] bytes = JsonSerdes.explainRequest().serializer().serialize("t", req);
    JsonNode tree = Json.tree(bytes);
    assertThat(Schemas.violations(Schemas.EXPLAIN_REQUEST, tree)).isEmpty();
    assertThat(tree.get("event")).isEqualTo(json);
    assertThat(tree.at("/event/vendorField/kept/2").asInt()).isEqualTo(3);

    ExplainRequest back = JsonSerdes.explainRequest().deserializer().deserialize("t", bytes);
    assertThat(back.event().toJson()).isEqualTo(json);
    assertThat(back.policy()).isEqualTo(Policy.BUILT_IN);
  }

  @Test
  void theSchemaRejectsWhatTheContractForbids() throws Exception {
    ObjectNode noModel = Events.classificationNode("e1", "L1", "cls", 0.4, false, "file:/a.png");
    noModel.remove("model");
    assertThat(Schemas.violations(Schemas.INFERENCE_EVENT, noModel)).anyMatch(m -> m.contains("model"));

    ObjectNode epoch = Events.classificationNode("e1", "L1", "cls", 0.4, false, "file:/a.png");
    epoch.put("timestamp", 1764298800000L);
    assertThat(Schemas.violations(Schemas.INFERENCE_EVENT, epoch)).isNotEmpty();

    ObjectNode badTime = Events.classificationNode("e1", "L1", "cls", 0.4, false, "file:/a.png");
    badTime.put("timestamp", "yesterday");
    assertThat(Schemas.violations(Schemas.INFERENCE_EVENT, badTime)).anyMatch(m -> m.contains("timestamp"));

    ObjectNode ftp = Events.classificationNode("e1", "L1", "cls", 0.4, false, "ftp://x/a.png");
    assertThat(Schemas.violations(Schemas.INFERENCE_EVENT, ftp)).anyMatch(m -> m.contains("uri"));

    ObjectNode both = Events.classificationNode("e1", "L1", "cls", 0.4, false, "file:/a.png");
    both.putArray("detections");
    assertThat(Schemas.violations(Schemas.INFERENCE_EVENT, both)).isNotEmpty();
  }

  @Test
  void reviewDecisionsAndAlertsRoundTripWithUnknownFields() throws Exception {
    String json = "{\"eventId\":\"e1\",\"decision\":\"relabel\",\"label\":\"7\",\"comment\":null,"
        + "\"reviewer\":\"ana\",\"decidedAt\":\"2026-11-28T04:00:00Z\",\"ticket\":\"Q-12\"}";
    ReviewDecision d = Json.read(json.getBytes(), ReviewDecision.class);
    assertThat(d.decision()).isEqualTo(ReviewDecision.Decision.RELABEL);
    assertThat(d.extra()).containsEntry("ticket", "Q-12");
    JsonNode back = Json.tree(Json.bytes(d));
    assertThat(back).isEqualTo(Json.MAPPER.readTree(json));
    assertThat(Schemas.violations(Schemas.REVIEW_DECISION, back)).isEmpty();

    Alert a = new Alert("attention-outside-roi", "cls", "L1", "0",
        new Alert.Window("2026-11-28T03:00:00Z", "2026-11-28T03:05:00Z"), 0.7, 0.5, "70% of the heat lies outside");
    assertThat(Schemas.violations(Schemas.ALERT, Json.tree(Json.bytes(a)))).isEmpty();
  }

  @Test
  void aReviewRecordMatchesItsSchema() throws Exception {
    InferenceEvent e = InferenceEvent.of(Events.classificationNode("e1", "L1", "cls", 0.3, false, "file:/a.png"));
    String sha = "a".repeat(64);
    ReviewRecord r = new ReviewRecord(e.eventId(), e.lineId(), e.cameraId(), e.timestamp(),
        new ReviewRecord.Image(e.image().uri(), 192, 48), new ReviewRecord.Model("cls", "1", sha),
        new ReviewRecord.Prediction(0, "0", 0.3), null,
        new ReviewRecord.Selection(List.of("low-confidence"), Policy.BUILT_IN),
        new ReviewRecord.Explanation("gradcam", "conv1", Map.of("kind", "class", "classIndex", 0), 0,
            new ReviewRecord.ModelPrediction(0, "0", 0.9), new ReviewRecord.Grid(2, 1, new float[] {0f, 1f}),
            new ReviewRecord.Peak(150, 20), List.of(new ReviewRecord.Region(96, 0, 96, 48, 0.8))),
        new ReviewRecord.Artifacts(null, "file:/tmp/h.png"), new ReviewRecord.Hashes(sha, sha),
        Map.of("engine", 12.5), new ReviewRecord.ExplainerInfo("host", "cpu", "dev"), e.attributes(), Map.of());
    JsonNode tree = Json.tree(Json.bytes(r));
    assertThat(Schemas.violations(Schemas.REVIEW_RECORD, tree)).isEmpty();
    assertThat(JsonSerdes.reviewRecord().deserializer().deserialize("t", Json.bytes(r)).explanation().grid().values())
        .containsExactly(0f, 1f);
  }
}
