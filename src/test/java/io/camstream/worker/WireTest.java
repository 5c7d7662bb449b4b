package io.camstream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The worker protocol: what goes over the socket comes back the same, floats bit for bit. */
class WireTest {

  private static Frame roundTrip(Frame f) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    f.write(new DataOutputStream(bytes));
    return Frame.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }

  @Test
  void inputsTravelWithTheirImageBytesAndOptions() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
    List<ExplainInput> in = List.of(
        new ExplainInput("ocr-textline-cls@2.0", png, "e1", "conv1", "gradcampp", 1, null, null, false),
        new ExplainInput("ocr-db-det@3.0", new byte[] {7}, "e2", null, null, null, new int[] {1, 2, 3, 4}, 0.4,
            true, 3),
        new ExplainInput("picodet@1", new byte[] {8}, "e3", null, null, 2, null, null, true, null,
            new int[] {5, 6, 7, 8}));
    List<ExplainInput> out = Wire.inputs(roundTrip(Wire.request(42, in)));
    assertThat(out).hasSize(3);
    assertThat(out.get(0).imageBytes()).isEqualTo(png);
    assertThat(out.get(0)).extracting(ExplainInput::modelId, ExplainInput::layer, ExplainInput::method,
        ExplainInput::classIndex, ExplainInput::withOverlay)
        .containsExactly("ocr-textline-cls@2.0", "conv1", "gradcampp", 1, false);
    assertThat(out.get(1).box()).containsExactly(1, 2, 3, 4);
    assertThat(out.get(1).threshold()).isEqualTo(0.4);
    assertThat(out.get(1).layer()).isNull();
    assertThat(out.get(1).classIndex()).isNull();
    assertThat(out.get(1).segmentClass()).isEqualTo(3);
    assertThat(out.get(0).segmentClass()).isNull();
    assertThat(out.get(2).detection()).containsExactly(5, 6, 7, 8);
    assertThat(out.get(2).classIndex()).isEqualTo(2);
    assertThat(out.get(1).detection()).isNull();
  }

  @Test
  void explanationsAndFailuresComeBackExactly() throws Exception {
    Random r = new Random(3);
    float[] grid = new float[6 * 4];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = r.nextFloat();
    }
    grid[5] = Float.MIN_VALUE;
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("kind", "class");
    target.put("classIndex", 1);
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("engine", 9.125);
    Explanation e = new Explanation(400, 64, new Explanation.ModelRef("m", "2.0", "abc"), "gradcam", "layer_1",
        new Explanation.Prediction(1, "180", 0.987654321, new float[] {0.012345679f, 0.98765432f}), target,
        new Explanation.Grid(6, 4, grid), new Explanation.Peak(10, 20),
        List.of(new Explanation.Region(1, 2, 3, 4, 0.625)), timings, new byte[] {1, 2, 3}, null,
        new Explanation.EngineRef("onnxruntime", "1.29.0"));
    ExplainException bad = new ExplainException(ExplainException.Reason.UNKNOWN_LAYER, "no layer x");
    Frame f = roundTrip(Wire.answer(7, List.of(e, bad), "cpu", "paddle", 12.5));
    assertThat(f.header().get("device").asText()).isEqualTo("cpu");
    List<Object> back = Wire.results(f);
    Explanation got = (Explanation) back.get(0);
    assertThat(got.grid().values()).isEqualTo(grid);
    assertThat(got.prediction().probabilities()).isEqualTo(e.prediction().probabilities());
    assertThat(got.prediction().score()).isEqualTo(0.987654321);
    assertThat(got.heatmapPng()).isEqualTo(new byte[] {1, 2, 3});
    assertThat(got.overlayPng()).isNull();
    assertThat(got.target()).isEqualTo(target);
    assertThat(got.regions()).isEqualTo(e.regions());
    assertThat(got.timingsMs()).isEqualTo(timings);
    assertThat(got.model()).isEqualTo(e.model());
    assertThat(got.engine()).isEqualTo(e.engine());
    ExplainException gotBad = (ExplainException) back.get(1);
    assertThat(gotBad.line()).isEqualTo(bad.line());
  }

  @Test
  void aBrokenStreamIsAnErrorNotAnAllocation() {
    byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Frame.read(new DataInputStream(new ByteArrayInputStream(huge))))
        .hasMessageContaining("broken worker stream");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Frame.read(new DataInputStream(new ByteArrayInputStream(new byte[0]))))
        .isInstanceOf(EOFException.class);
  }
}
