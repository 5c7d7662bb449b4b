package io.camstream.cam;

/**
 * Grad-CAM++: {@code w_k = sum_ij alpha_ij ReLU(g_ij)} with
 * {@code alpha_ij = g_ij^2 / (2 g_ij^2 + (sum_ab A_ab) g_ij^3)} (zero where {@code g_ij = 0}), the closed form that
 * assumes an exponential score, as pytorch-grad-cam computes it.
 *
 * <p>Chattopadhay et al., "Grad-CAM++: Improved Visual Explanations for Deep Convolutional Networks", WACV 2018,
 * https://arxiv.org/abs/1710.11063 (Eq. 19 and 7).
 */
public final class GradCamPlusPlus extends WeightedCam {

  private static final double EPS = 1e-6;

  public GradCamPlusPlus() {
    super("gradcampp", true);
  }

  @Override
  protected double[] channelWeights(FeatureMaps f, MaskedScorer scorer) {
    int area = f.area();
    float[] a = f.activation();
    float[] g = f.gradient();
    double[] weights = new double[f.channels()];
    for (int k = 0; k < weights.length; k++) {
      int base = k * area;
      double sumA = 0;
      for (int p = base; p < base + area; p++) {
        sumA += a[p];
      }
      double w = 0;
      for (int p = base; p < base + area; p++) {
        double gp = g[p];
        // Only positive gradients contribute (ReLU in Eq. 7), which also covers alpha = 0 where g = 0.
        if (gp > 0) {
          double g2 = gp * gp;
          w += gp * g2 / (2 * g2 + sumA * g2 * gp + EPS);
        }
      }
      weights[k] = w;
    }
    return weights;
  }
}
