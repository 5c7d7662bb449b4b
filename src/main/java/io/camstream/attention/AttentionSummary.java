package io.camstream.attention;

/**
 * Statistics of one window: how many reviews, their mean heat map, its centroid and spread, and the share of
 * heat outside the ROI.
 *
 * @param count reviews in the window
 * @param mean mean heat map on the fixed grid
 * @param centroid centre of heat mass of the mean map, image fractions
 * @param spread standard deviation of the mean map's heat mass around the centroid, image fractions
 * @param outsideShare share of the heat outside each review's ROI, over all reviews of the window
 * @param roi the ROI of the latest review in the window
 */
public record AttentionSummary(
    long count, HeatGrid mean, Centroid centroid, double spread, double outsideShare, Roi roi) {

  /** True when no review in the window had any heat. */
  public boolean noHeat() {
    return mean.mass() == 0;
  }
}
