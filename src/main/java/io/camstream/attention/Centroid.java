package io.camstream.attention;

/** Centre of heat mass as fractions of the image width and height. */
public record Centroid(double x, double y) {

  /** Euclidean distance, in image fractions, to another centroid. */
  public double distanceTo(Centroid other) {
    return Math.hypot(x - other.x, y - other.y);
  }
}
