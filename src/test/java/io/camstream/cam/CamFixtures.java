package io.camstream.cam;

import java.util.List;
import java.util.Random;

/** Seeded inputs shared by the CAM tests. */
final class CamFixtures {

  private CamFixtures() {}

  /** Post-ReLU-like activations (non-negative, many zeros) and signed gradients, like a real conv layer. */
  static FeatureMaps random(long seed, int channels, int height, int width) {
    Random rnd = new Random(seed);
    int n = channels * height * width;
    float[] a = new float[n];
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) Math.max(0, rnd.nextGaussian());
      g[i] = (float) (0.1 * rnd.nextGaussian());
    }
    return new FeatureMaps(a, g, channels, height, width);
  }

  static float[] randomPattern(long seed, int n) {
    Random rnd = new Random(seed);
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) rnd.nextGaussian();
    }
    return p;
  }

  /** A scorer whose score is {@code sum(mask ⊙ pattern)}: masks covering the pattern's hot places score high. */
  static MaskedScorer patternScorer(float[] pattern) {
    return (List<float[]> masks, int h, int w) -> {
      float[] out = new float[masks.size()];
      for (int m = 0; m < out.length; m++) {
        out[m] = (float) dot(masks.get(m), pattern);
      }
      return out;
    };
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /** Independent Pearson correlation for assertions. */
  static double correlation(double[] a, double[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i] / a.length;
      mb += b[i] / b.length;
    }
    double cov = 0;
    double va = 0;
    double vb = 0;
    for (int i = 0; i < a.length; i++) {
      cov += (a[i] - ma) * (b[i] - mb);
      va += (a[i] - ma) * (a[i] - ma);
      vb += (b[i] - mb) * (b[i] - mb);
    }
    return cov / Math.sqrt(va * vb);
  }

  static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
