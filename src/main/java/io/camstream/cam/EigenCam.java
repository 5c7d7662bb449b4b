package io.camstream.cam;

/**
 * Eigen-CAM: the activations, reshaped to (HW x C) and centred per channel, projected onto their first principal
 * component; no gradients, no class discrimination. As in pytorch-grad-cam's {@code get_2d_projection}.
 *
 * <p>The sign of a principal component is arbitrary, so it is fixed to make the map correlate positively with
 * the channel-mean activation; the component itself comes from power iteration on the C x C scatter matrix from a
 * fixed start vector, so the result is deterministic.
 *
 * <p>Muhammad and Yeasin, "Eigen-CAM: Class Activation Map using Principal Components", IJCNN 2020,
 * https://arxiv.org/abs/2008.00299 (Eq. 4-5).
 */
public final class EigenCam extends BaseCam {

  private static final int MAX_ITERATIONS = 2000;
  private static final double TOLERANCE = 1e-13;

  public EigenCam() {
    super("eigencam", false);
  }

  @Override
  protected double[] camMap(FeatureMaps f, MaskedScorer scorer) {
    int c = f.channels();
    int area = f.area();
    double[][] centred = centredChannels(f);
    double[] v = topEigenvector(scatter(centred));
    double[] projection = new double[area];
    for (int k = 0; k < c; k++) {
      double vk = v[k];
      double[] row = centred[k];
      for (int p = 0; p < area; p++) {
        projection[p] += row[p] * vk;
      }
    }
    if (signAgainstChannelMean(f, projection) < 0) {
      for (int p = 0; p < area; p++) {
        projection[p] = -projection[p];
      }
    }
    return projection;
  }

  private static double[][] centredChannels(FeatureMaps f) {
    int area = f.area();
    float[] a = f.activation();
    double[][] rows = new double[f.channels()][area];
    for (int k = 0; k < rows.length; k++) {
      double mean = 0;
      for (int p = 0; p < area; p++) {
        mean += a[k * area + p];
      }
      mean /= area;
      for (int p = 0; p < area; p++) {
        rows[k][p] = a[k * area + p] - mean;
      }
    }
    return rows;
  }

  /** {@code X^T X} for X = the centred (HW x C) matrix; its top eigenvector is X's first right singular vector. */
  private static double[][] scatter(double[][] rows) {
    int c = rows.length;
    double[][] s = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = i; j < c; j++) {
        double sum = 0;
        for (int p = 0; p < rows[i].length; p++) {
          sum += rows[i][p] * rows[j][p];
        }
        s[i][j] = sum;
        s[j][i] = sum;
      }
    }
    return s;
  }

  /** Power iteration; the matrix is positive semi-definite, so the iterate never flips sign between steps. */
  private static double[] topEigenvector(double[][] s) {
    int c = s.length;
    double[] v = new double[c];
    // Uneven start so that it is not orthogonal to the top eigenvector of a symmetric-looking matrix.
    for (int k = 0; k < c; k++) {
      v[k] = 1.0 + (double) k / c;
    }
    if (normalise(v) == 0) {
      return v;
    }
    double[] next = new double[c];
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      for (int i = 0; i < c; i++) {
        double sum = 0;
        for (int j = 0; j < c; j++) {
          sum += s[i][j] * v[j];
        }
        next[i] = sum;
      }
      if (normalise(next) == 0) {
        // All channels are constant: there is no principal direction and the projection is zero anyway.
        return next;
      }
      double change = 0;
      for (int i = 0; i < c; i++) {
        change = Math.max(change, Math.abs(next[i] - v[i]));
      }
      double[] t = v;
      v = next;
      next = t;
      if (change < TOLERANCE) {
        break;
      }
    }
    return v;
  }

  private static double normalise(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
    return norm;
  }

  /**
   * +1 or -1: the sign that makes the projection correlate positively with the channel-mean activation; when the
   * correlation is exactly zero, the sign that makes the largest-magnitude value (first on ties) positive.
   */
  private static double signAgainstChannelMean(FeatureMaps f, double[] projection) {
    int area = f.area();
    float[] a = f.activation();
    // The channel sum has the same correlation sign as the channel mean.
    double[] channelSum = new double[area];
    for (int k = 0; k < f.channels(); k++) {
      for (int p = 0; p < area; p++) {
        channelSum[p] += a[k * area + p];
      }
    }
    double meanOfSum = 0;
    double meanOfProjection = 0;
    for (int p = 0; p < area; p++) {
      meanOfSum += channelSum[p];
      meanOfProjection += projection[p];
    }
    meanOfSum /= area;
    meanOfProjection /= area;
    double cov = 0;
    for (int p = 0; p < area; p++) {
      cov += (channelSum[p] - meanOfSum) * (projection[p] - meanOfProjection);
    }
    if (cov != 0) {
      return Math.signum(cov);
    }
    int largest = 0;
    for (int p = 1; p < area; p++) {
      if (Math.abs(projection[p]) > Math.abs(projection[largest])) {
        largest = p;
      }
    }
    return projection[largest] < 0 ? -1 : 1;
  }
}
