package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.cam.CamMath;
import io.camstream.cam.FeatureMaps;
import io.camstream.cam.GradCamPlusPlus;
import io.camstream.model.ExplainProgram;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Grad-CAM++ where it agrees across engines at r &lt; 0.9999: its weight {@code g^3 / (2 g^2 + sum(A) g^3)} has a
 * pole wherever a channel's activations sum negative, so float32 rounding in the gradient, whichever engine does
 * it, moves the map. The engines' gradients agree (r &gt; 0.9999999); Paddle's own gradient with noise of the size
 * the engines differ by (absolute, then relative) gives a map that agrees with Paddle's no better than ONNX
 * Runtime's does.
 */
class GradCamPlusPlusConditioningIT {

  @ParameterizedTest
  @CsvSource({"ocr-textline-cls, hard_swish_5.tmp_0, textline_en_180.png",
      "ocr-db-det, concat_0.tmp_0, rapidocr_text_rec.jpg",
      "ocr-db-det, nearest_interp_v2_3.tmp_0, rapidocr_text_rec.jpg"})
  void onnxAgreesWithPaddleAsWellAsPaddleAgreesWithItselfUnderRounding(String model, String layer, String image)
      throws Exception {
    try (ModelRuntime rt = EngineFixture.runtime(model)) {
      List<Blob> feeds = rt.defaultTargetFeeds(EngineFixture.input(rt, image));
      Map<String, Blob> p = run(rt, layer, "paddle", feeds);
      Map<String, Blob> o = run(rt, layer, "onnxruntime", feeds);
      Blob a = p.get(layer);
      float[] gp = p.get(ExplainProgram.grad(layer)).data();
      float[] go = o.get(ExplainProgram.grad(layer)).data();
      // how far the engines' gradients are apart: the spread of their difference
      double sq = 0;
      for (int i = 0; i < gp.length; i++) {
        sq += (double) (go[i] - gp[i]) * (go[i] - gp[i]);
      }
      double rms = Math.sqrt(sq / gp.length);
      double gradients = CamMath.pearson(gp, go);
      // and relative to each value, over the values that are not rounding residue
      double max = 0;
      for (float v : gp) {
        max = Math.max(max, Math.abs(v));
      }
      double rsq = 0;
      int n = 0;
      for (int i = 0; i < gp.length; i++) {
        if (Math.abs(gp[i]) > 1e-3 * max) {
          double rel = (go[i] - gp[i]) / (double) gp[i];
          rsq += rel * rel;
          n++;
        }
      }
      double relRms = Math.sqrt(rsq / Math.max(1, n));
      float[] camP = cam(a, gp);
      double engines = CamMath.pearson(camP, cam(o.get(layer), go));
      double worstSelf = 1;
      Random random = new Random(7);
      for (int trial = 0; trial < 5; trial++) {
        float[] noisy = gp.clone();
        for (int i = 0; i < noisy.length; i++) {
          noisy[i] = (float) (gp[i] + rms * random.nextGaussian());
        }
        worstSelf = Math.min(worstSelf, CamMath.pearson(camP, cam(a, noisy)));
        for (int i = 0; i < noisy.length; i++) {
          noisy[i] = (float) (gp[i] * (1 + relRms * random.nextGaussian()));
        }
        worstSelf = Math.min(worstSelf, CamMath.pearson(camP, cam(a, noisy)));
      }
      System.out.printf("gradcampp %s %s: gradients r = %.9f, differ by %.2e rms (%.2e relative); maps: ONNX vs Paddle r = %.7f, "
          + "Paddle vs Paddle with that noise r >= %.7f%n", model, layer, gradients, rms, relRms, engines, worstSelf);
      assertThat(gradients).as("the engines' gradients").isGreaterThan(0.9999999);
      assertThat(engines).as("ONNX vs Paddle, against Paddle vs itself under the same rounding noise")
          .isGreaterThanOrEqualTo(Math.min(0.9999, worstSelf));
    }
  }

  private static Map<String, Blob> run(ModelRuntime rt, String layer, String engine, List<Blob> feeds)
      throws Exception {
    ModelRuntime.Loaded l = rt.program(layer, ModelRuntime.Kind.EXPLAIN, engine);
    assertThat(l.engine()).isEqualTo(engine);
    try (Backend.Session s = l.byDevice().get("cpu").newSession()) {
      return s.run(feeds);
    }
  }

  private static float[] cam(Blob activation, float[] gradient) throws Exception {
    long[] d = activation.shape();
    return new GradCamPlusPlus().compute(new FeatureMaps(activation.data(), gradient, (int) d[1], (int) d[2],
        (int) d[3]), null);
  }
}
