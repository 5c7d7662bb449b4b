package io.camstream.engine;

import io.camstream.explain.Explanation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;

/** Synthetic scenes of white squares on black, and how much of a map's heat falls on one of them. */
final class Squares {

  private Squares() {}

  /** A PNG of {@code width x height} with each {x, y, w, h} square white. */
  static byte[] png(int width, int height, int[]... squares) throws Exception {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int[] q : squares) {
      for (int y = q[1]; y < q[1] + q[3]; y++) {
        for (int x = q[0]; x < q[0] + q[2]; x++) {
          img.setRGB(x, y, 0xffffff);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** Share of the grid's heat inside {x, y, w, h} grown by {@code margin} pixels (a conv's reach). */
  static double shareInside(Explanation e, int[] box, int margin) {
    Explanation.Grid g = e.grid();
    double in = 0;
    double all = 0;
    for (int y = 0; y < g.height(); y++) {
      for (int x = 0; x < g.width(); x++) {
        double v = g.values()[y * g.width() + x];
        all += v;
        if (x >= box[0] - margin && x < box[0] + box[2] + margin && y >= box[1] - margin
            && y < box[1] + box[3] + margin) {
          in += v;
        }
      }
    }
    return in / all;
  }
}
