package io.camstream.cam;

import io.camstream.explain.ExplainException;
import java.util.List;

/**
 * Runs the model on masked copies of the input image and returns the explained target's score for each mask;
 * the forward passes that perturbation methods such as Score-CAM need. The engine implements it.
 */
@FunctionalInterface
public interface MaskedScorer {

  /**
   * Scores the input image multiplied by each mask.
   *
   * @param masks feature-resolution masks, each {@code maskHeight * maskWidth} row-major values in [0,1]; the
   *     implementation upsamples each one to the model input before multiplying
   * @param maskHeight mask height (the feature-map height)
   * @param maskWidth mask width (the feature-map width)
   * @return one target score per mask, in mask order
   * @throws ExplainException when the forward passes fail
   */
  float[] scores(List<float[]> masks, int maskHeight, int maskWidth) throws ExplainException;
}
