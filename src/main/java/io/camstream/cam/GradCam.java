package io.camstream.cam;

/**
 * Grad-CAM: {@code w_k} is the spatial mean of the gradient of channel k.
 *
 * <p>Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization", ICCV 2017,
 * https://arxiv.org/abs/1610.02391 (Eq. 1).
 */
public final class GradCam extends WeightedCam {

  public GradCam() {
    super("gradcam", true);
  }

  @Override
  public EngineSum engineSum() {
    return EngineSum.MEAN_GRADIENT;
  }

  @Override
  protected double[] channelWeights(FeatureMaps f, MaskedScorer scorer) {
    int area = f.area();
    float[] g = f.gradient();
    double[] weights = new double[f.channels()];
    for (int k = 0; k < weights.length; k++) {
      double sum = 0;
      for (int p = k * area, end = p + area; p < end; p++) {
        sum += g[p];
      }
      weights[k] = sum / area;
    }
    return weights;
  }
}
