package io.camstream.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.camstream.explain.ExplainException;
import org.junit.jupiter.api.Test;

class EigenCamTest {

  private static final int H = 6;
  private static final int W = 8;

  /** A_k = c_k * p: the only principal direction is p itself, so the map is ReLU(p - mean(p)) up to scale. */
  @Test
  void rankOneActivationsRecoverTheSpatialPattern() throws ExplainException {
    float[] pattern = new float[H * W];
    for (int i = 0; i < H; i++) {
      for (int j = 0; j < W; j++) {
        // A bump centred at (2, 5) on a faint ramp.
        pattern[i * W + j] = (float) (Math.exp(-((i - 2) * (i - 2) + (j - 5) * (j - 5)) / 3.0) + 0.01 * j);
      }
    }
    double[] channelScale = {0.3, 1.7, 0.9, 2.4, 0.1};
    FeatureMaps f = rankOne(pattern, channelScale);

    float[] map = new EigenCam().compute(f, null);

    double mean = 0;
    for (float v : pattern) {
      mean += v / pattern.length;
    }
    double[] expected = new double[H * W];
    for (int p = 0; p < expected.length; p++) {
      expected[p] = Math.max(0, pattern[p] - mean);
    }
    assertThat(CamFixtures.correlation(CamFixtures.toDouble(map), expected)).isCloseTo(1.0, offset(1e-9));
    assertThat(CamMath.argmax(map)).isEqualTo(2 * W + 5);
  }

  @Test
  void signFollowsTheChannelMeanWhicheverWayChannelsPoint() throws ExplainException {
    float[] pattern = CamFixtures.randomPattern(11, H * W);
    // Mostly negative scales: the principal direction is still p, but the channel mean now runs against p.
    FeatureMaps f = rankOne(pattern, new double[] {-1.0, -2.0, 0.5});

    float[] map = new EigenCam().compute(f, null);

    double[] channelMean = new double[H * W];
    double[] raw = new double[H * W];
    for (int p = 0; p < H * W; p++) {
      channelMean[p] = (-1.0 - 2.0 + 0.5) / 3 * pattern[p];
      raw[p] = map[p];
    }
    assertThat(CamFixtures.correlation(raw, channelMean)).isGreaterThan(0.5);
  }

  @Test
  void constantChannelsGiveAnAllZeroMap() throws ExplainException {
    float[] a = new float[3 * H * W];
    java.util.Arrays.fill(a, 2.5f);
    assertThat(new EigenCam().compute(FeatureMaps.of(a, 3, H, W), null)).containsOnly(0f);
  }

  private static FeatureMaps rankOne(float[] pattern, double[] channelScale) {
    float[] a = new float[channelScale.length * H * W];
    for (int k = 0; k < channelScale.length; k++) {
      for (int p = 0; p < H * W; p++) {
        a[k * H * W + p] = (float) (channelScale[k] * pattern[p]);
      }
    }
    return FeatureMaps.of(a, channelScale.length, H, W);
  }
}
