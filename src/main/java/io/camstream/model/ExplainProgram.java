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
}
