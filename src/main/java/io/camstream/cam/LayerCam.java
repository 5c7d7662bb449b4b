package io.camstream.cam;

/**
 * LayerCAM: {@code ReLU(sum_k ReLU(g_k) ⊙ A_k)}, per-location weights from positive gradients only, which keeps
 * fine detail in shallow layers.
 *
 * <p>Jiang et al., "LayerCAM: Exploring Hierarchical Class Activation Maps for Localization", IEEE TIP 30, 2021,
 * https://doi.org/10.1109/TIP.2021.3089943 (Eq. 6-7).
 */
public final class LayerCam extends BaseCam {

  public LayerCam() {
    super("layercam", true);
  }

  @Override
  public EngineSum engineSum() {
    return EngineSum.POSITIVE_GRADIENT;
  }

  @Override
  protected double[] camMap(FeatureMaps f, MaskedScorer scorer) {
    return HiResCam.gradientTimesActivation(f, true);
  }
}
