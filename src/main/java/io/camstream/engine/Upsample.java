package io.camstream.engine;

/** Plain-Java bilinear resize of a single-channel map (half-pixel centres, as OpenCV's INTER_LINEAR). */
final class Upsample {

  private Upsample() {}

  static float[] bilinear(float[] src, int sw, int sh, int dw, int dh) {
    float[] out = new float[dw * dh];
    double fx = sw / (double) dw;
    double fy = sh / (double) dh;
    for (int y = 0; y < dh; y++) {
      double sy = Math.max(0, Math.min(sh - 1, (y + 0.5) * fy - 0.5));
      int y0 = (int) Math.floor(sy);
      int y1 = Math.min(sh - 1, y0 + 1);
      double wy = sy - y0;
      for (int x = 0; x < dw; x++) {
        double sx = Math.max(0, Math.min(sw - 1, (x + 0.5) * fx - 0.5));
        int x0 = (int) Math.floor(sx);
        int x1 = Math.min(sw - 1, x0 + 1);
        double wx = sx - x0;
        double top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
        double bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
        out[y * dw + x] = (float) (top * (1 - wy) + bottom * wy);
      }
    }
    return out;
  }
}
