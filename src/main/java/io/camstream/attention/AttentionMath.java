package io.camstream.attention;

/**
 * Summaries of a heat map over the unit image square. Cell values are heat mass per cell (all cells have the same
 * area), and a cell's mass sits at its centre for centroid and spread; it is spread evenly over the cell for ROI
 * shares, so a box edge through a cell splits its mass by area.
 */
public final class AttentionMath {

  private AttentionMath() {}

  /** Heat-mass-weighted mean of cell centres; the image centre for a grid without heat. */
  public static Centroid centroid(HeatGrid g) {
    double mass = 0;
    double sx = 0;
    double sy = 0;
    for (int r = 0; r < g.height(); r++) {
      for (int c = 0; c < g.width(); c++) {
        double v = g.at(c, r);
        mass += v;
        sx += v * (c + 0.5) / g.width();
        sy += v * (r + 0.5) / g.height();
      }
    }
    return mass == 0 ? new Centroid(0.5, 0.5) : new Centroid(sx / mass, sy / mass);
  }

  /**
   * Standard deviation of the heat mass around its centroid: the root of the mass-weighted mean squared distance
   * of cell centres from the centroid, in image fractions. 0 for a grid without heat.
   */
  public static double spread(HeatGrid g) {
    Centroid c0 = centroid(g);
    double mass = 0;
    double s = 0;
    for (int r = 0; r < g.height(); r++) {
      for (int c = 0; c < g.width(); c++) {
        double v = g.at(c, r);
        double dx = (c + 0.5) / g.width() - c0.x();
        double dy = (r + 0.5) / g.height() - c0.y();
        mass += v;
        s += v * (dx * dx + dy * dy);
      }
    }
    return mass == 0 ? 0 : Math.sqrt(s / mass);
  }

  /** Heat mass (in cell units, like {@link HeatGrid#mass()}) that lies outside the box. */
  public static double outsideMass(HeatGrid g, Roi roi) {
    double cellArea = 1.0 / ((double) g.width() * g.height());
    double out = 0;
    for (int r = 0; r < g.height(); r++) {
      double y0 = (double) r / g.height();
      double y1 = (double) (r + 1) / g.height();
      for (int c = 0; c < g.width(); c++) {
        double v = g.at(c, r);
        if (v == 0) {
          continue;
        }
        double inside = roi.overlap((double) c / g.width(), y0, (double) (c + 1) / g.width(), y1) / cellArea;
        out += v * Math.max(0, 1 - inside);
      }
    }
    return out;
  }

  /** Share in [0,1] of the heat mass outside the box; 0 for a grid without heat. */
  public static double outsideShare(HeatGrid g, Roi roi) {
    double mass = g.mass();
    return mass == 0 ? 0 : outsideMass(g, roi) / mass;
  }
}
