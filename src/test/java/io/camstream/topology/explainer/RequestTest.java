package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.explain.ExplainInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an explain request becomes for the engine: the line's class, or each selected box with its own class. */
class RequestTest {

  @Test
  void aDetectionEventsBoxesGoWithTheirOwnClasses() throws Exception {
    ObjectNode r = Requests.request("e-1", "picodet", "1", "file:///x.png", "full");
    var detections = ((ObjectNode) r.get("event")).putArray("detections");
    detections.addObject().put("label", "scratch").put("classIndex", 2).put("confidence", 0.31)
        .putObject("box").put("x", 10).put("y", 20).put("w", 30).put("h", 40);
    detections.addObject().put("label", "dent").put("classIndex", 5).put("confidence", 0.22)
        .putObject("box").put("x", 50).put("y", 60).put("w", 5).put("h", 6);
    List<ExplainInput> inputs = Request.parse(Requests.bytes(r)).toInputs(new byte[] {1});
    // least confident first, each box with the class the line gave it
    assertThat(inputs).extracting(ExplainInput::classIndex).containsExactly(5, 2);
    assertThat(inputs.get(0).box()).containsExactly(50, 60, 5, 6);
    assertThat(inputs.get(1).box()).containsExactly(10, 20, 30, 40);
  }

  @Test
  void aClassificationEventExplainsTheReportedClass() throws Exception {
    List<ExplainInput> inputs = Request.parse(Requests.bytes(Requests.request("e-2", "ocr-textline-cls", "2.0",
        "file:///x.png", "full"))).toInputs(new byte[] {1});
    assertThat(inputs).singleElement().satisfies(in -> {
      assertThat(in.classIndex()).isZero();
      assertThat(in.box()).isNull();
    });
  }
}
