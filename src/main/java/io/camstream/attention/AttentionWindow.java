package io.camstream.attention;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The running aggregate of one window: sums, not means, so adding a sample is exact and order-free. Immutable; the
 * Streams aggregator replaces it with {@link #plus}. Stored as JSON in the windowed state stores.
 *
 * @param count samples added
 * @param width grid width
 * @param height grid height
 * @param sum element-wise sum of the sample grids
 * @param mass total heat mass of all samples
 * @param outsideMass heat mass outside each sample's own ROI, so a policy change within a window is honoured
 * @param roi ROI of the latest sample by timestamp
 * @param lastTimestamp timestamp of that sample
 */
public record AttentionWindow(
    long count, int width, int height, double[] sum, double mass, double outsideMass, Roi roi, long lastTimestamp) {

  /** The aggregate of no samples on a {@code width x height} grid. */
  public static AttentionWindow empty(int width, int height) {
    return new AttentionWindow(0, width, height, new double[width * height], 0, 0, Roi.WHOLE, Long.MIN_VALUE);
  }

  /** This window with one more sample, which must be on the same grid. */
  public AttentionWindow plus(AttentionSample s) {
    HeatGrid g = s.grid();
    if (g.width() != width || g.height() != height) {
      throw new IllegalArgumentException(
          "sample grid " + g.width() + "x" + g.height() + " does not match window grid " + width + "x" + height);
    }
    double[] next = sum.clone();
    double[] v = g.values();
    for (int i = 0; i < next.length; i++) {
      next[i] += v[i];
    }
    boolean latest = s.timestamp() >= lastTimestamp;
    return new AttentionWindow(
        count + 1,
        width,
        height,
        next,
        mass + g.mass(),
        outsideMass + AttentionMath.outsideMass(g, s.roi()),
        latest ? s.roi() : roi,
        latest ? s.timestamp() : lastTimestamp);
  }

  /** The mean map; all zero for an empty window. */
  @JsonIgnore
  public HeatGrid meanGrid() {
    double[] mean = new double[sum.length];
    if (count > 0) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] = sum[i] / count;
      }
    }
    return new HeatGrid(width, height, mean);
  }

  /** The statistics of the window. */
  public AttentionSummary summary() {
    HeatGrid mean = meanGrid();
    double share = mass == 0 ? 0 : Math.min(1, Math.max(0, outsideMass / mass));
    return new AttentionSummary(
        count, mean, AttentionMath.centroid(mean), AttentionMath.spread(mean), share, roi);
  }
}
