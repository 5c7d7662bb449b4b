package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.cam.CamMethod;
import io.camstream.cam.CamMethods;
import io.camstream.cam.FeatureMaps;
import io.camstream.model.ExplainProgram;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A@GRAD from the explain program (program surgery + grad ops, run by Paddle Inference) against central finite
 * differences through the head of the network cut off at the layer, on both shipped models, for the default layer
 * and layers further back (through squeeze-excite gates, batch norms, depthwise convs, the FPN's nearest
 * upsampling and concat, and the DB head's transposed convs); on Paddle Inference and on ONNX Runtime.
 */
class ExplainGradientsIT {

  /** Both engines: the Paddle program and its compiled ONNX graph must each pass. */
  static final List<String> ENGINES = List.of("paddle", "onnxruntime");

  private static ModelRuntime cls;
  private static ModelRuntime det;

  @BeforeAll
  static void load() throws Exception {
    cls = EngineFixture.runtime("ocr-textline-cls");
    det = EngineFixture.runtime("ocr-db-det");
  }

  @AfterAll
  static void close() {
    cls.close();
    det.close();
  }

  /**
   * Grad-CAM's program fetches only the gradient's channel means: they are the means of the full gradient. On ONNX
   * Runtime, a target read by a stride-1 conv (the detector's concat_0, its 3x3 head conv; the depthwise convs in
   * the classifier) gets them in closed form from the conv's output gradient, never building the full gradient.
   */
  @ParameterizedTest
  @CsvSource({"ocr-textline-cls, hard_swish_17.tmp_0, textline_en_0.png, paddle",
      "ocr-textline-cls, hard_swish_17.tmp_0, textline_en_0.png, onnxruntime",
      "ocr-textline-cls, hard_swish_12.tmp_0, textline_en_0.png, onnxruntime",
      "ocr-textline-cls, hard_swish_5.tmp_0, textline_en_0.png, onnxruntime",
      "ocr-db-det, concat_0.tmp_0, doc_synthetic_en.png, paddle",
      "ocr-db-det, concat_0.tmp_0, doc_synthetic_en.png, onnxruntime",
      "ocr-db-det, nearest_interp_v2_3.tmp_0, doc_synthetic_en.png, onnxruntime",
      "ocr-db-det, batch_norm_48.tmp_4, doc_synthetic_en.png, onnxruntime"})
  void channelMeanProgramMatchesTheFullGradient(String model, String layer, String image, String engine)
      throws Exception {
    ModelRuntime rt = model.equals("ocr-db-det") ? det : cls;
    List<Blob> feeds = rt.defaultTargetFeeds(EngineFixture.input(rt, image));
    Blob full;
    Blob means;
    ModelRuntime.Loaded meanProgram = rt.program(layer, ModelRuntime.Kind.EXPLAIN_MEAN, engine);
    assertThat(meanProgram.engine()).isEqualTo(engine);
    try (Backend.Session a = rt.program(layer, ModelRuntime.Kind.EXPLAIN, engine).byDevice().get("cpu")
        .newSession(); Backend.Session b = meanProgram.byDevice().get("cpu").newSession()) {
      full = a.run(feeds).get(io.camstream.model.ExplainProgram.grad(layer));
      means = b.run(feeds).get(io.camstream.model.ExplainProgram.gradMean(layer));
    }
    int c = (int) full.shape()[1];
    int area = (int) (full.shape()[2] * full.shape()[3]);
    assertThat(means.shape()).containsExactly(1, c, 1, 1);
    double scale = 0;
    double[] ref = new double[c];
    for (int k = 0; k < c; k++) {
      for (int p = 0; p < area; p++) {
        ref[k] += full.data()[k * area + p];
      }
      ref[k] /= area;
      scale = Math.max(scale, Math.abs(ref[k]));
    }
    for (int k = 0; k < c; k++) {
      assertThat((double) means.data()[k]).as("channel %d", k).isCloseTo(ref[k],
          org.assertj.core.data.Offset.offset(1e-5 * scale));
    }
  }

  /**
   * Grad-CAM, HiResCAM and LayerCAM programs form the weighted sum over channels in the engine and hand back only
   * that map: after ReLU it equals the method's plain-Java map from the full program's A and A@GRAD. The detector's
   * layer runs the ONNX shortcuts (the DB head's upsampler pair differentiated in blocks, the channel sums as matrix
   * products); the deeper layers the gradient through the FPN.
   */
  @ParameterizedTest
  @CsvSource({"ocr-textline-cls, hard_swish_17.tmp_0, textline_en_0.png",
      "ocr-textline-cls, hard_swish_5.tmp_0, textline_en_0.png",
      "ocr-db-det, concat_0.tmp_0, doc_synthetic_en.png",
      "ocr-db-det, nearest_interp_v2_3.tmp_0, doc_synthetic_en.png"})
  void engineFormedSumsEqualTheMethodsMaps(String model, String layer, String image) throws Exception {
    ModelRuntime rt = model.equals("ocr-db-det") ? det : cls;
    List<Blob> feeds = rt.defaultTargetFeeds(EngineFixture.input(rt, image));
    for (String engine : ENGINES) {
      Map<String, Blob> full;
      try (Backend.Session s = rt.program(layer, ModelRuntime.Kind.EXPLAIN, engine).byDevice().get("cpu")
          .newSession()) {
        full = s.run(feeds);
      }
      Blob a = full.get(layer);
      FeatureMaps f = new FeatureMaps(a.item(0), full.get(ExplainProgram.grad(layer)).item(0), (int) a.shape()[1],
          (int) a.shape()[2], (int) a.shape()[3]);
      for (String method : List.of("gradcam", "hirescam", "layercam")) {
        CamMethod m = CamMethods.byName(method);
        ModelRuntime.Kind kind = ModelRuntime.Kind.of(m);
        assertThat(kind.formsSum()).isTrue();
        ModelRuntime.Loaded l = rt.program(layer, kind, engine);
        assertThat(l.engine()).isEqualTo(engine);
        assertThat(l.program().fetches()).doesNotContain(layer, ExplainProgram.grad(layer));
        Blob sum;
        try (Backend.Session s = l.byDevice().get("cpu").newSession()) {
          sum = s.run(feeds).get(ExplainProgram.weightedSum(layer));
        }
        assertThat(sum.shape()).containsExactly(1, 1, a.shape()[2], a.shape()[3]);
        float[] want = m.compute(f, null);
        float[] got = m.fromEngineSum(sum.item(0));
        double scale = 0;
        for (float v : want) {
          scale = Math.max(scale, v);
        }
        assertThat(scale).as("%s %s on %s gives a map", method, layer, engine).isPositive();
        for (int i = 0; i < want.length; i++) {
          assertThat((double) got[i]).as("%s %s on %s, pixel %d", method, layer, engine, i)
              .isCloseTo(want[i], org.assertj.core.data.Offset.offset(2e-5 * scale));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hard_swish_17.tmp_0", "hard_swish_12.tmp_0", "hard_swish_5.tmp_0", "relu_0.tmp_0"})
  void classifierGradientMatchesFiniteDifferences(String layer) throws Exception {
    Blob x = EngineFixture.input(cls, "textline_en_0.png");
    float[] seed = {1f, 0f}; // d(logit of class 0)
    GradientCheck.run(cls, layer, x, seed, 0, 16, 8, EngineFixture.CACHE, 1e-3f, 1e-2f, ENGINES).forEach((e, r) ->
        assertThat(r.relativeError()).as("%s on %s: %s", layer, e, r).isLessThan(0.02));
  }

  @ParameterizedTest
  @CsvSource({
      "concat_0.tmp_0, 1e-3, 1e-2",
      "batch_norm_48.tmp_4, 1e-3, 1e-2",
      "nearest_interp_v2_3.tmp_0, 1e-3, 1e-2",
      "elementwise_add_8, 1e-3, 1e-2",
      // the stem's output feeds ~40 downstream kinks per path; only a small step stays in the linear regime
      "hardswish_0.tmp_0, 3e-5, 3e-4"})
  void detectorGradientMatchesFiniteDifferences(String layer, float absStep, float relStep) throws Exception {
    Blob x = EngineFixture.input(det, "rapidocr_text_rec.jpg");
    int h = (int) x.shape()[2];
    int w = (int) x.shape()[3];
    float[] box = new float[h * w];
    for (int y = h / 4; y < 3 * h / 4; y++) {
      Arrays.fill(box, y * w + w / 4, y * w + 3 * w / 4, 1f); // sum of the probability map in the centre box
    }
    GradientCheck.run(det, layer, x, box, -1, 16, 8, EngineFixture.CACHE, absStep, relStep, ENGINES).forEach((e, r) ->
        assertThat(r.relativeError()).as("%s on %s: %s", layer, e, r).isLessThan(0.02));
  }
}
