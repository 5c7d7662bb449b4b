package io.camstream.attention;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Renders a heat grid as a colour PNG for the atlas: bilinear upsampling, scaled so the grid's maximum is the
 * hottest colour, on a perceptual dark-to-bright map (black, purple, red, orange, pale yellow) that reads well on
 * a dark page.
 */
public final class HeatmapPng {

  /** Anchor colours of the map at 0, .25, .5, .75, 1 (close to matplotlib's inferno). */
  private static final int[][] ANCHORS = {
      {0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};

  private HeatmapPng() {}

  /** The colour of a value in [0,1] as 0xRRGGBB. */
  public static int colour(double v) {
    double t = Math.max(0, Math.min(1, v)) * (ANCHORS.length - 1);
    int i = Math.min((int) t, ANCHORS.length - 2);
    double f = t - i;
    int rgb = 0;
    for (int c = 0; c < 3; c++) {
      int x = (int) Math.round(ANCHORS[i][c] + f * (ANCHORS[i + 1][c] - ANCHORS[i][c]));
      rgb = (rgb << 8) | x;
    }
    return rgb;
  }

  /** A {@code width x height} image of the grid. */
  public static BufferedImage image(HeatGrid g, int width, int height) {
    double max = g.max();
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int py = 0; py < height; py++) {
      double gy = Math.max(0, Math.min(g.height() - 1, (py + 0.5) * g.height() / height - 0.5));
      int y0 = (int) gy;
      int y1 = Math.min(y0 + 1, g.height() - 1);
      double fy = gy - y0;
      for (int px = 0; px < width; px++) {
        double gx = Math.max(0, Math.min(g.width() - 1, (px + 0.5) * g.width() / width - 0.5));
        int x0 = (int) gx;
        int x1 = Math.min(x0 + 1, g.width() - 1);
        double fx = gx - x0;
        double v = (1 - fy) * ((1 - fx) * g.at(x0, y0) + fx * g.at(x1, y0))
            + fy * ((1 - fx) * g.at(x0, y1) + fx * g.at(x1, y1));
        img.setRGB(px, py, colour(max == 0 ? 0 : v / max));
      }
    }
    return img;
  }

  /** The grid as PNG bytes, {@code width x height} pixels. */
  public static byte[] png(HeatGrid g, int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image(g, width, height), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
