package io.camstream.explain;

import io.camstream.cam.CamMath;

/**
 * How alike two heatmaps are, on the 8-bit heatmaps at the original image size: Pearson correlation of the pixel
 * values, and the IoU of their hottest 20 % of pixels (the regions an engineer would look at).
 */
public final class Similarity {

  public static final double TOP_FRACTION = 0.2;

  private Similarity() {}

  public static double pearson(int[] a, int[] b) {
    check(a, b);
    float[] fa = toFloat(a);
    float[] fb = toFloat(b);
    boolean flatA = isFlat(a);
    boolean flatB = isFlat(b);
    if (flatA || flatB) {
      return flatA && flatB ? 1.0 : 0.0; // two flat maps are the same picture; a flat and a shaped one share nothing
    }
    return CamMath.pearson(fa, fb);
  }

  private static boolean isFlat(int[] v) {
    for (int x : v) {
      if (x != v[0]) {
        return false;
      }
    }
    return true;
  }

  private static float[] toFloat(int[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = v[i];
    }
    return f;
  }

  /** IoU of the pixels at or above each map's own 80th percentile. */
  public static double topIou(int[] a, int[] b) {
    check(a, b);
    int ta = threshold(a);
    int tb = threshold(b);
    long inter = 0;
    long union = 0;
    for (int i = 0; i < a.length; i++) {
      boolean ha = a[i] >= ta;
      boolean hb = b[i] >= tb;
      if (ha && hb) {
        inter++;
      }
      if (ha || hb) {
        union++;
      }
    }
    return union == 0 ? 1.0 : inter / (double) union;
  }

  /** The smallest value among the top 20 % (ties included, so a flat map counts whole). */
  static int threshold(int[] v) {
    int[] hist = new int[256];
    for (int x : v) {
      hist[x]++;
    }
    long need = (long) Math.ceil(v.length * TOP_FRACTION);
    long seen = 0;
    for (int t = 255; t >= 0; t--) {
      seen += hist[t];
      if (seen >= need) {
        return t;
      }
    }
    return 0;
  }

  private static void check(int[] a, int[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("heatmaps must have the same, non-zero size: " + a.length + " vs " + b.length);
    }
  }
}
