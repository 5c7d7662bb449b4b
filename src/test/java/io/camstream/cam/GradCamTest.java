package io.camstream.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.camstream.explain.ExplainException;
import org.junit.jupiter.api.Test;

class GradCamTest {

  @Test
  void constantGradientsGiveReluOfTheWeightedActivationSum() throws ExplainException {
    int c = 6;
    int h = 4;
    int w = 9;
    FeatureMaps random = CamFixtures.random(3, c, h, w);
    double[] channelWeight = {0.8, -0.5, 0.3, -0.9, 0.05, 0.6};
    float[] g = new float[c * h * w];
    for (int k = 0; k < c; k++) {
      for (int p = 0; p < h * w; p++) {
        g[k * h * w + p] = (float) channelWeight[k];
      }
    }
    FeatureMaps f = new FeatureMaps(random.activation(), g, c, h, w);

    float[] map = CamMethods.byName("gradcam").compute(f, null);

    double[] expected = new double[h * w];
    for (int p = 0; p < h * w; p++) {
      double s = 0;
      for (int k = 0; k < c; k++) {
        s += channelWeight[k] * random.activation()[k * h * w + p];
      }
      expected[p] = Math.max(0, s);
    }
    assertThat(CamFixtures.correlation(CamFixtures.toDouble(map), expected)).isCloseTo(1.0, offset(1e-9));
    // Weights are the gradients themselves, so the map is not just proportional but equal.
    for (int p = 0; p < h * w; p++) {
      assertThat((double) map[p]).isCloseTo(expected[p], offset(1e-5));
    }
  }
}
