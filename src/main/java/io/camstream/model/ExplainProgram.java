package io.camstream.model;

import io.camstream.model.proto.Framework.ProgramDesc;
import java.util.List;

/**
 * A generated program and how to drive it: feeds in column order and fetches in column order. For an explain
 * program the feeds are {@code [input, camstream_seed]} and the fetches {@code [output, logits?, A, A@GRAD]}.
 *
 * @param seedShape shape of the seed per image (without batch): {@code [K]} for classification, the output's
 *     dims for dense targets; empty when the program has no seed
 */
public record ExplainProgram(
    ProgramDesc program,
    List<String> feeds,
    List<String> fetches,
    String layer,
    String target,
    long[] seedShape) {

  public static final String SEED = "camstream_seed";
  public static final String THRESHOLD = "camstream_threshold";

  public static String grad(String var) {
    return var + "@GRAD";
  }

  /** The per-channel spatial mean of a 4-D variable's gradient, [N,C,1,1]. */
  public static String gradMean(String var) {
    return var + "@GRAD@MEAN";
  }

  /** A 4-D variable's activations summed over channels with gradient weights ({@link Fetch}), [N,1,H,W]. */
  public static String weightedSum(String var) {
    return var + "@WEIGHTED_SUM";
  }

  /**
   * What an explain program hands back for its layer A: the activations and the whole gradient, or only
   * {@code sum_k w_k * A_k} with weights made from the gradient in the same pass (and, for channel means, the
   * means), so a feature-map-sized tensor never leaves the engine.
   */
  public enum Fetch {
    /** A and A@GRAD. */
    GRADIENT,
    /** The channel means of A@GRAD, and A weighted by them. */
    MEAN_GRADIENT_SUM,
    /** A weighted by A@GRAD per location. */
    GRADIENT_SUM,
    /** A weighted by ReLU(A@GRAD) per location. */
    POSITIVE_GRADIENT_SUM
  }
}
