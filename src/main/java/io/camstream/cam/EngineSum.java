package io.camstream.cam;

/**
 * A map of the form {@code sum_k w_k ⊙ A_k} whose weights come from the gradient alone, so an engine can form it
 * beside the backward pass: per-channel gradient means (Grad-CAM), the gradient itself (HiResCAM), or its positive
 * part (LayerCAM).
 */
public enum EngineSum {
  /** {@code w_k} = the spatial mean of {@code g_k}. */
  MEAN_GRADIENT,
  /** {@code w_k} = {@code g_k}, per location. */
  GRADIENT,
  /** {@code w_k} = {@code ReLU(g_k)}, per location. */
  POSITIVE_GRADIENT
}
