package io.camstream.cam;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Straightforward reference formulas, written independently of the production code: double precision, indexed
 * as {@code A[k][i][j]}, pixel loops outside channel loops, and a Jacobi eigen-solver instead of power iteration.
 * Every result has ReLU applied.
 */
final class ReferenceCams {

  private ReferenceCams() {}

  static double[] compute(String method, FeatureMaps f, float[] scorePattern) {
    double[][][] a = tensor(f.activation(), f);
    double[][][] g = f.gradient() == null ? null : tensor(f.gradient(), f);
    double[][] map = switch (method) {
      case "gradcam" -> weighted(a, gradCamWeights(g));
      case "gradcampp" -> weighted(a, gradCamPlusPlusWeights(a, g));
      case "xgradcam" -> weighted(a, xGradCamWeights(a, g));
      case "hirescam" -> elementwise(a, g, false);
      case "layercam" -> elementwise(a, g, true);
      case "eigencam" -> eigen(a);
      case "scorecam" -> weighted(a, scoreCamWeights(a, scorePattern, ScoreCam.DEFAULT_TOP_N));
      default -> throw new IllegalArgumentException(method);
    };
    double[] out = new double[f.area()];
    for (int i = 0; i < f.height(); i++) {
      for (int j = 0; j < f.width(); j++) {
        out[i * f.width() + j] = Math.max(0, map[i][j]);
      }
    }
    return out;
  }

  static double[][][] tensor(float[] flat, FeatureMaps f) {
    double[][][] t = new double[f.channels()][f.height()][f.width()];
    int idx = 0;
    for (int k = 0; k < f.channels(); k++) {
      for (int i = 0; i < f.height(); i++) {
        for (int j = 0; j < f.width(); j++) {
          t[k][i][j] = flat[idx++];
        }
      }
    }
    return t;
  }

  private static double[][] weighted(double[][][] a, double[] w) {
    int h = a[0].length;
    int wd = a[0][0].length;
    double[][] m = new double[h][wd];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < wd; j++) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
          s += w[k] * a[k][i][j];
        }
        m[i][j] = s;
      }
    }
    return m;
  }

  private static double sum(double[][] x) {
    double s = 0;
    for (double[] row : x) {
      for (double v : row) {
        s += v;
      }
    }
    return s;
  }

  private static double[] gradCamWeights(double[][][] g) {
    double[] w = new double[g.length];
    for (int k = 0; k < g.length; k++) {
      w[k] = sum(g[k]) / (g[k].length * g[k][0].length);
    }
    return w;
  }

  private static double[] gradCamPlusPlusWeights(double[][][] a, double[][][] g) {
    double[] w = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      double sumA = sum(a[k]);
      for (int i = 0; i < a[k].length; i++) {
        for (int j = 0; j < a[k][i].length; j++) {
          double gv = g[k][i][j];
          double alpha = gv == 0 ? 0 : Math.pow(gv, 2) / (2 * Math.pow(gv, 2) + sumA * Math.pow(gv, 3) + 1e-6);
          w[k] += alpha * Math.max(gv, 0);
        }
      }
    }
    return w;
  }

  private static double[] xGradCamWeights(double[][][] a, double[][][] g) {
    double[] w = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      double sumA = sum(a[k]);
      for (int i = 0; i < a[k].length; i++) {
        for (int j = 0; j < a[k][i].length; j++) {
          w[k] += a[k][i][j] * g[k][i][j] / (sumA + 1e-7);
        }
      }
    }
    return w;
  }

  private static double[][] elementwise(double[][][] a, double[][][] g, boolean reluGradient) {
    double[][] m = new double[a[0].length][a[0][0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        for (int k = 0; k < a.length; k++) {
          double gv = reluGradient ? Math.max(0, g[k][i][j]) : g[k][i][j];
          m[i][j] += gv * a[k][i][j];
        }
      }
    }
    return m;
  }

  /** Projection of the centred (HW x C) matrix on its top right singular vector, via a Jacobi eigen-solver. */
  private static double[][] eigen(double[][][] a) {
    int c = a.length;
    int h = a[0].length;
    int w = a[0][0].length;
    double[][] x = new double[h * w][c];
    for (int k = 0; k < c; k++) {
      double mean = sum(a[k]) / (h * w);
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          x[i * w + j][k] = a[k][i][j] - mean;
        }
      }
    }
    double[][] xtx = new double[c][c];
    for (double[] row : x) {
      for (int p = 0; p < c; p++) {
        for (int q = 0; q < c; q++) {
          xtx[p][q] += row[p] * row[q];
        }
      }
    }
    double[] v = jacobiTopEigenvector(xtx);
    double[][] m = new double[h][w];
    double[] meanMap = new double[h * w];
    double[] proj = new double[h * w];
    for (int r = 0; r < h * w; r++) {
      for (int k = 0; k < c; k++) {
        proj[r] += x[r][k] * v[k];
        meanMap[r] += a[k][r / w][r % w] / c;
      }
    }
    double sign = CamFixtures.correlation(proj, meanMap) < 0 ? -1 : 1;
    for (int r = 0; r < h * w; r++) {
      m[r / w][r % w] = sign * proj[r];
    }
    return m;
  }

  /** Cyclic Jacobi rotations until the off-diagonal vanishes; returns the eigenvector of the largest eigenvalue. */
  static double[] jacobiTopEigenvector(double[][] sym) {
    int n = sym.length;
    double[][] m = new double[n][];
    double[][] vec = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i] = sym[i].clone();
      vec[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p][q] * m[p][q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (Math.abs(m[p][q]) < 1e-300) {
            continue;
          }
          double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double cs = 1 / Math.sqrt(t * t + 1);
          double sn = t * cs;
          for (int k = 0; k < n; k++) {
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = cs * mkp - sn * mkq;
            m[k][q] = sn * mkp + cs * mkq;
          }
          for (int k = 0; k < n; k++) {
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = cs * mpk - sn * mqk;
            m[q][k] = sn * mpk + cs * mqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = vec[k][p];
            double vkq = vec[k][q];
            vec[k][p] = cs * vkp - sn * vkq;
            vec[k][q] = sn * vkp + cs * vkq;
          }
        }
      }
    }
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (m[i][i] > m[best][best]) {
        best = i;
      }
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = vec[i][best];
    }
    return v;
  }

  private static double[] scoreCamWeights(double[][][] a, float[] pattern, int topN) {
    int c = a.length;
    double[] channelMax = new double[c];
    for (int k = 0; k < c; k++) {
      channelMax[k] = Double.NEGATIVE_INFINITY;
      for (double[] row : a[k]) {
        for (double v : row) {
          channelMax[k] = Math.max(channelMax[k], v);
        }
      }
    }
    int[] chosen = IntStream.range(0, c).boxed()
        .sorted(Comparator.<Integer>comparingDouble(k -> -channelMax[k]).thenComparingInt(k -> k))
        .limit(topN).mapToInt(Integer::intValue).toArray();
    double[] scores = new double[chosen.length];
    for (int n = 0; n < chosen.length; n++) {
      double[][] ch = a[chosen[n]];
      double min = Double.POSITIVE_INFINITY;
      for (double[] row : ch) {
        for (double v : row) {
          min = Math.min(min, v);
        }
      }
      double range = channelMax[chosen[n]] - min;
      int w = ch[0].length;
      for (int i = 0; i < ch.length; i++) {
        for (int j = 0; j < w; j++) {
          double mask = range > 0 ? (ch[i][j] - min) / range : 0;
          scores[n] += mask * pattern[i * w + j];
        }
      }
    }
    double denom = 0;
    for (double s : scores) {
      denom += Math.exp(s);
    }
    double[] weights = new double[c];
    for (int n = 0; n < chosen.length; n++) {
      weights[chosen[n]] = Math.exp(scores[n]) / denom;
    }
    return weights;
  }
}
