package io.camstream.attention;

/**
 * One review's contribution to the statistics: its heat map resampled to the fixed grid, normalised to a peak of
 * 1 like the explainer's grid, and the ROI that the line's policy had when the review was made.
 */
public record AttentionSample(HeatGrid grid, Roi roi, long timestamp) {

  public AttentionSample {
    if (grid == null || roi == null) {
      throw new IllegalArgumentException("sample needs a grid and a roi");
    }
  }
}
