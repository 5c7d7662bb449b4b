package io.camstream.cam;

/**
 * HiResCAM: {@code ReLU(sum_k g_k ⊙ A_k)}, the element-wise product instead of averaged gradients, so the map
 * shows exactly the locations the score's gradient uses.
 *
 * <p>Draelos and Carin, "Use HiResCAM instead of Grad-CAM for faithful explanations of convolutional neural
 * networks", 2020, https://arxiv.org/abs/2011.08891 (Eq. 5).
 */
public final class HiResCam extends BaseCam {

  public HiResCam() {
    super("hirescam", true);
  }

  @Override
  public EngineSum engineSum() {
    return EngineSum.GRADIENT;
  }

  @Override
  protected double[] camMap(FeatureMaps f, MaskedScorer scorer) {
    return gradientTimesActivation(f, false);
  }

  /** {@code sum_k g'_k ⊙ A_k}, where {@code g'} is g, or ReLU(g) when {@code positiveOnly}. */
  static double[] gradientTimesActivation(FeatureMaps f, boolean positiveOnly) {
    int area = f.area();
    float[] a = f.activation();
    float[] g = f.gradient();
    double[] map = new double[area];
    for (int k = 0; k < f.channels(); k++) {
      int base = k * area;
      for (int p = 0; p < area; p++) {
        double gp = g[base + p];
        if (positiveOnly && gp < 0) {
          continue;
        }
        map[p] += gp * a[base + p];
      }
    }
    return map;
  }
}
