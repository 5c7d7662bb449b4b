package io.camstream.cam;

import io.camstream.explain.ExplainException;

/** Methods whose map is {@code ReLU(sum_k w_k A_k)} and differ only in the channel weights {@code w_k}. */
public abstract class WeightedCam extends BaseCam {

  protected WeightedCam(String name, boolean requiresGradients) {
    super(name, requiresGradients);
  }

  @Override
  protected final double[] camMap(FeatureMaps features, MaskedScorer scorer) throws ExplainException {
    return weightedSum(features, channelWeights(features, scorer));
  }

  /** One weight per channel. */
  protected abstract double[] channelWeights(FeatureMaps features, MaskedScorer scorer) throws ExplainException;
}
