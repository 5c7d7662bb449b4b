package io.camstream.cam;

import io.camstream.explain.ExplainException;

/** One way to turn a layer's activations (and gradients) into a class activation map. Implementations are stateless. */
public interface CamMethod {

  /** The registry name, e.g. {@code gradcam}. */
  String name();

  /** Whether {@link FeatureMaps#gradient()} must be present; when false the engine can skip the backward pass. */
  boolean requiresGradients();

  /**
   * True when the method reads the gradient only through its per-channel spatial means (Grad-CAM). The engine may
   * then fetch those means instead of the whole gradient tensor and pass them broadcast over each channel.
   */
  default boolean usesGradientMeansOnly() {
    return false;
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
