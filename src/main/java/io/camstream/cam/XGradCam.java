package io.camstream.cam;

/**
 * XGrad-CAM: {@code w_k = sum_ij (A_ij g_ij) / (sum_ij A_ij + eps)}, the activation-weighted gradient that makes
 * the map satisfy the sensitivity and conservation axioms.
 *
 * <p>Fu et al., "Axiom-based Grad-CAM: Towards Accurate Visualization and Explanation of CNNs", BMVC 2020,
 * https://arxiv.org/abs/2008.02312 (Eq. 9).
 */
public final class XGradCam extends WeightedCam {

  private static final double EPS = 1e-7;

  public XGradCam() {
    super("xgradcam", true);
  }

  @Override
  protected double[] channelWeights(FeatureMaps f, MaskedScorer scorer) {
    int area = f.area();
    float[] a = f.activation();
    float[] g = f.gradient();
    double[] weights = new double[f.channels()];
    for (int k = 0; k < weights.length; k++) {
      double sumA = 0;
      double sumAg = 0;
      for (int p = k * area, end = p + area; p < end; p++) {
        sumA += a[p];
        sumAg += (double) a[p] * g[p];
      }
      weights[k] = sumAg / (sumA + EPS);
    }
    return weights;
  }
}
