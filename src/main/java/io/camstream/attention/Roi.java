package io.camstream.attention;

/**
 * A region of interest as fractions of the image: left {@code x}, top {@code y}, width {@code w}, height {@code h},
 * all in [0,1] with {@code x + w <= 1} and {@code y + h <= 1}.
 */
public record Roi(double x, double y, double w, double h) {

  /** The whole image: nothing is outside it. */
  public static final Roi WHOLE = new Roi(0, 0, 1, 1);

  /** @throws IllegalArgumentException when the box is not inside the unit square or has no area */
  public Roi {
    if (!(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 1 + 1e-9 && y + h <= 1 + 1e-9)) {
      throw new IllegalArgumentException(
          "roi must be fractions of the image with x+w<=1, y+h<=1 and positive size, got x=" + x + " y=" + y
              + " w=" + w + " h=" + h);
    }
  }

  /** Area of the intersection of this box with {@code [x0,x1] x [y0,y1]}. */
  public double overlap(double x0, double y0, double x1, double y1) {
    double ox = Math.min(x1, x + w) - Math.max(x0, x);
    double oy = Math.min(y1, y + h) - Math.max(y0, y);
    return ox > 0 && oy > 0 ? ox * oy : 0;
  }
}
