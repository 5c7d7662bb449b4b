package io.camstream.cam;

import io.camstream.explain.ExplainException;

/** One way to turn a layer's activations (and gradients) into a class activation map. Implementations are stateless. */
public interface CamMethod {

  /** The registry name, e.g. {@code gradcam}. */
  String name();

  /** Whether {@link FeatureMaps#gradient()} must be present; when false the engine can skip the backward pass. */
  boolean requiresGradients();

  /**
   * The sum over channels an engine can form for this method in the same pass as the gradient, or null when the
   * method needs the activations and gradients themselves. With a form, the engine hands back only that
   * {@code [H,W]} sum and {@link #fromEngineSum} finishes the map, so no feature-map-sized tensor leaves the engine.
   */
  default EngineSum engineSum() {
    return null;
  }

  /**
   * The map from the engine's {@link #engineSum()} (before ReLU), equal to {@link #compute} on the same features
   * within float rounding.
   *
   * @throws ExplainException when the sum holds non-finite values
   */
  default float[] fromEngineSum(float[] sum) throws ExplainException {
    throw new UnsupportedOperationException(name() + " has no engine-formed sum");
  }

  /**
   * Computes the raw map for one image.
   *
   * @param features the layer's activations, plus gradients when {@link #requiresGradients()}
   * @param scorer forward passes on masked inputs; only perturbation methods (Score-CAM) use it, others accept null
   * @return {@code height * width} non-negative values (ReLU applied, not normalised), row-major
   * @throws ExplainException when the features contain non-finite values or the scorer fails
   */
  float[] compute(FeatureMaps features, MaskedScorer scorer) throws ExplainException;
}
