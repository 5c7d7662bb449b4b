package io.camstream.cam;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Score-CAM: each channel, min-max scaled to [0,1], masks the input; the channel's weight is the softmax of the
 * target scores of the masked inputs, as in pytorch-grad-cam. To bound the number of forward passes, only the
 * {@code topN} channels with the largest maximum activation are scored (lower channel index first on ties); the
 * others get weight 0.
 *
 * <p>Wang et al., "Score-CAM: Score-Weighted Visual Explanations for Convolutional Neural Networks", CVPR
 * Workshops 2020, https://arxiv.org/abs/1910.01279 (Eq. 5-6).
 */
public final class ScoreCam extends WeightedCam {

  /** Channels scored by default. */
  public static final int DEFAULT_TOP_N = 32;

  private final int topN;

  public ScoreCam() {
    this(DEFAULT_TOP_N);
  }

  /** @param topN how many channels to score (forward passes per image); at least 1 */
  public ScoreCam(int topN) {
    super("scorecam", false);
    if (topN < 1) {
      throw new IllegalArgumentException("scorecam topN must be at least 1, got " + topN);
    }
    this.topN = topN;
  }

  public int topN() {
    return topN;
  }

  @Override
  protected double[] channelWeights(FeatureMaps f, MaskedScorer scorer) throws ExplainException {
    if (scorer == null) {
      throw new IllegalArgumentException("scorecam needs a MaskedScorer for its forward passes");
    }
    int area = f.area();
    int[] chosen = strongestChannels(f);
    List<float[]> masks = new ArrayList<>(chosen.length);
    for (int k : chosen) {
      masks.add(CamMath.normalize(Arrays.copyOfRange(f.activation(), k * area, (k + 1) * area)));
    }
    float[] scores = scorer.scores(masks, f.height(), f.width());
    if (scores == null || scores.length != chosen.length) {
      throw new ExplainException(Reason.ENGINE_FAILED, "scorecam asked for " + chosen.length + " scores, got "
          + (scores == null ? "none" : scores.length));
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float s : scores) {
      if (!Float.isFinite(s)) {
        throw new ExplainException(Reason.ENGINE_FAILED, "scorecam got a non-finite score " + s);
      }
      max = Math.max(max, s);
    }
    double sum = 0;
    double[] exp = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      exp[i] = Math.exp(scores[i] - max);
      sum += exp[i];
    }
    double[] weights = new double[f.channels()];
    for (int i = 0; i < chosen.length; i++) {
      weights[chosen[i]] = exp[i] / sum;
    }
    return weights;
  }

  /** Indices of the {@code topN} channels with the largest maximum, by descending maximum then ascending index. */
  private int[] strongestChannels(FeatureMaps f) {
    int area = f.area();
    float[] a = f.activation();
    float[] channelMax = new float[f.channels()];
    Integer[] order = new Integer[f.channels()];
    for (int k = 0; k < order.length; k++) {
      float m = a[k * area];
      for (int p = k * area + 1; p < (k + 1) * area; p++) {
        m = Math.max(m, a[p]);
      }
      channelMax[k] = m;
      order[k] = k;
    }
    // Stable sort: equal maxima keep ascending channel order.
    Arrays.sort(order, (x, y) -> Float.compare(channelMax[y], channelMax[x]));
    int n = Math.min(topN, order.length);
    int[] chosen = new int[n];
    for (int i = 0; i < n; i++) {
      chosen[i] = order[i];
    }
    return chosen;
  }
}
