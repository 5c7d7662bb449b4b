package io.camstream.cam;

/**
 * Small helpers on row-major maps. All of them loop sequentially with double accumulators, so results are
 * bit-identical from run to run.
 */
public final class CamMath {

  private CamMath() {}

  /**
   * Min-max scales a map to [0,1]: the minimum becomes 0, the maximum exactly 1. A constant map (all zeros
   * included) has no contrast to show and becomes all zeros, never NaN.
   *
   * @throws IllegalArgumentException if the map is empty or holds a non-finite value
   */
  public static float[] normalize(float[] map) {
    requireFiniteNonEmpty(map);
    float min = map[0];
    float max = map[0];
    for (float v : map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float[] out = new float[map.length];
    double range = (double) max - min;
    if (range > 0) {
      for (int i = 0; i < map.length; i++) {
        out[i] = (float) ((map[i] - (double) min) / range);
      }
    }
    return out;
  }

  /**
   * Copies the {@code w x h} rectangle at ({@code x}, {@code y}) out of a {@code width x height} map.
   *
   * @throws IllegalArgumentException if the rectangle is empty or leaves the map
   */
  public static float[] crop(float[] map, int width, int height, int x, int y, int w, int h) {
    if (map.length != (long) width * height) {
      throw new IllegalArgumentException("map has " + map.length + " values, expected " + width + "x" + height);
    }
    if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > width || y + h > height) {
      throw new IllegalArgumentException(
          "crop " + w + "x" + h + "+" + x + "+" + y + " does not fit in a " + width + "x" + height + " map");
    }
    float[] out = new float[w * h];
    for (int r = 0; r < h; r++) {
      System.arraycopy(map, (y + r) * width + x, out, r * w, w);
    }
    return out;
  }

  /**
   * Pearson correlation of two equally long arrays. Returns 0 when either has zero variance, because no linear
   * relation can be measured (rather than NaN, which would leak into JSON).
   */
  public static double pearson(float[] a, float[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("need two non-empty arrays of equal length, got " + a.length + " and " + b.length);
    }
    double meanA = 0;
    double meanB = 0;
    for (int i = 0; i < a.length; i++) {
      meanA += a[i];
      meanB += b[i];
    }
    meanA /= a.length;
    meanB /= b.length;
    double cov = 0;
    double varA = 0;
    double varB = 0;
    for (int i = 0; i < a.length; i++) {
      double da = a[i] - meanA;
      double db = b[i] - meanB;
      cov += da * db;
      varA += da * da;
      varB += db * db;
    }
    if (varA == 0 || varB == 0) {
      return 0;
    }
    return cov / Math.sqrt(varA * varB);
  }

  /** Index of the largest value; the first one in array order on ties. */
  public static int argmax(float[] values) {
    requireFiniteNonEmpty(values);
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private static void requireFiniteNonEmpty(float[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("empty map");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException("value " + values[i] + " at index " + i + " is not finite");
      }
    }
  }
}
