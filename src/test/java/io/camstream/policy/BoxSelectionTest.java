package io.camstream.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.event.Events;
import io.camstream.event.InferenceEvent;
import io.camstream.event.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoxSelectionTest {

  private static final Policy BELOW_HALF = Policy.BUILT_IN.apply(PolicyJson.patch("{\"confidenceBelow\": 0.5}"));

  @Test
  void boxesBelowTheThresholdLeastConfidentFirstCappedByMaxBoxes() {
    InferenceEvent e = detections(new double[] {0.40, 0.90, 0.10, 0.40, 0.20}, true, true, true, true, true);
    assertThat(detectionsOf(BoxSelection.select(e, BELOW_HALF))).containsExactly(2, 4, 0); // cap 3, ties by order
    Policy two = BELOW_HALF.apply(PolicyJson.patch("{\"maxBoxes\": 2}"));
    assertThat(detectionsOf(BoxSelection.select(e, two))).containsExactly(2, 4);
    assertThat(BoxSelection.select(e, two).get(0).box()).containsExactly(10, 20, 31, 41);
  }

  @Test
  void noneBelowTheThresholdExplainsTheLeastConfidentBox() {
    InferenceEvent e = detections(new double[] {0.95, 0.70, 0.80}, true, true, true);
    assertThat(detectionsOf(BoxSelection.select(e, BELOW_HALF))).containsExactly(1);
  }

  @Test
  void detectionsWithoutABoxOrWithAnEmptyBoxAreNotTargets() {
    InferenceEvent e = detections(new double[] {0.10, 0.30}, false, true);
    assertThat(detectionsOf(BoxSelection.select(e, BELOW_HALF))).containsExactly(1);
    assertThat(BoxSelection.select(detections(new double[] {0.1}, false), BELOW_HALF)).isEmpty();
    ObjectNode n = node(new double[] {0.1}, true);
    ((ObjectNode) n.at("/detections/0/box")).put("w", 0);
    assertThat(BoxSelection.select(InferenceEvent.of(n), BELOW_HALF)).isEmpty();
  }

  @Test
  void classificationEventsHaveNoBoxes() {
    InferenceEvent e = InferenceEvent.of(Events.classificationNode("e1", "L1", "cls", 0.1, false, "file:/x.png"));
    assertThat(BoxSelection.select(e, BELOW_HALF)).isEmpty();
  }

  @Test
  void maxBoxesIsAValidatedPolicyFieldAndOldRecordsReadTheDefault() {
    assertThat(Policy.BUILT_IN.maxBoxes()).isEqualTo(Policy.DEFAULT_MAX_BOXES);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyJson.patch("{\"maxBoxes\": 0}"))
        .hasMessageContaining("maxBoxes");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyJson.patch("{\"maxBoxes\": 17}"))
        .hasMessageContaining("maxBoxes");
    Policy recordedBefore = Json.MAPPER.convertValue(Json.MAPPER.createObjectNode().put("enableExplain", true)
        .put("confidenceBelow", 0.5), Policy.class);
    assertThat(recordedBefore.maxBoxes()).isEqualTo(Policy.DEFAULT_MAX_BOXES);
  }

  private static List<Integer> detectionsOf(List<BoxSelection.Selected> s) {
    return s.stream().map(BoxSelection.Selected::detection).toList();
  }

  private static InferenceEvent detections(double[] confidences, boolean... boxed) {
    return InferenceEvent.of(node(confidences, boxed));
  }

  private static ObjectNode node(double[] confidences, boolean... boxed) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("eventId", "e1").put("lineId", "L1").put("timestamp", "2026-11-28T03:00:00Z");
    n.putObject("model").put("id", "det").put("version", "1");
    n.putObject("image").put("uri", "file:/x.png").put("width", 100).put("height", 100);
    ArrayNode d = n.putArray("detections");
    for (int i = 0; i < confidences.length; i++) {
      ObjectNode o = d.addObject().put("label", "text").put("confidence", confidences[i]);
      if (boxed[i]) {
        o.putObject("box").put("x", 10.5).put("y", 20).put("w", 30).put("h", 40.2);
      }
    }
    return n;
  }
}
