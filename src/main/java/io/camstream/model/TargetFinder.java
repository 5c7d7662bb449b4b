package io.camstream.model;

import io.camstream.model.proto.Framework.OpDesc;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Finds what a spec may leave out: the output (the program's only fetch), the task and the logits (the input of
 * the final softmax, or of the final sigmoid for multi-label classifiers and dense maps), by walking back from the
 * output through ops that only rearrange or rescale values. Whatever the spec names wins.
 */
public final class TargetFinder {

  /** Ops between the logits' activation and the fetched output that exporters add (scale x1, reshape, ...). */
  private static final Set<String> PASS_THROUGH = Set.of("scale", "dropout", "reshape2", "reshape",
      "flatten_contiguous_range", "flatten", "squeeze2", "squeeze", "unsqueeze2", "unsqueeze", "transpose2",
      "transpose", "assign");

  /** The resolved targets and how they were found, for {@code camstream layers}. */
  public record Targets(ModelSpec.Task task, String output, String logits, String how) {}

  private TargetFinder() {}

  public static Targets find(ProgramGraph g, ModelSpec.Task task, String output, String logits) {
    if (task == ModelSpec.Task.DETECTION || task == null && output == null && logits == null && rawHead(g) != null) {
      return detection(g, output, logits);
    }
    String out = output != null ? checked(g, output, "output") : onlyFetch(g);
    String given = logits != null ? checked(g, logits, "logits") : null;
    String found = null;
    String activation = null;
    String v = out;
    for (int guard = 0; guard < 64; guard++) {
      int p = g.producerOf(v);
      if (p < 0) {
        break;
      }
      OpDesc op = g.ops().get(p);
      List<String> x = Ops.args(op, true, "X");
      if (x.size() != 1) {
        break;
      }
      if (op.getType().equals("softmax") || op.getType().equals("sigmoid")) {
        found = x.get(0);
        activation = op.getType();
        break;
      }
      if (!PASS_THROUGH.contains(op.getType())) {
        break;
      }
      v = x.get(0);
    }
    int outRank = g.dims(out).length;
    ModelSpec.Task t = task != null ? task
        : given != null ? ModelSpec.Task.CLASSIFICATION
        : outRank == 4 ? ModelSpec.Task.DENSE
        : outRank == 2 ? ModelSpec.Task.CLASSIFICATION
        : null;
    if (t == null) {
      throw new SpecMismatchException("output '" + out + "' has dims " + Arrays.toString(g.dims(out))
          + ": cannot tell the task; set task (classification or dense) and logits in the spec");
    }
    if (t == ModelSpec.Task.DENSE) {
      // a per-pixel softmax over classes (segmentation): class targets are taken on its input, the logits
      String segLogits = given != null ? given
          : "softmax".equals(activation) && g.dims(found).length == 4 ? found : null;
      return new Targets(t, out, segLogits, segLogits != null ? "dense map; segment logits: " + segLogits
          : output == null ? "output: the program's fetch, dense map" : "dense map from the spec");
    }
    String l = given != null ? given : found != null ? found : out;
    if (g.dims(l).length != 2) {
      throw new SpecMismatchException("logits '" + l + "' has dims " + Arrays.toString(g.dims(l))
          + ", not [N,K]; set logits in the spec to the class scores before the final softmax");
    }
    String how = given != null ? "logits from the spec"
        : found != null ? "logits: input of the final " + activation
        : "logits: the output itself (no softmax or sigmoid before it)";
    return new Targets(t, out, l, how);
  }

  /**
   * A detector exported without NMS: {@code output} the raw candidate boxes [N,M,4] (x1,y1,x2,y2 in input pixels),
   * {@code logits} the class scores [N,C,M] or [N,M,C]; found among the fetches when the spec names neither.
   */
  private static Targets detection(ProgramGraph g, String output, String logits) {
    String[] found = output == null || logits == null ? rawHead(g) : null;
    if (found == null && (output == null || logits == null)) {
      throw new SpecMismatchException("task detection: the fetches " + g.fetches() + " are not one [N,M,4] box"
          + " tensor and one [N,C,M] score tensor; set output (raw boxes) and logits (raw class scores)");
    }
    String boxes = output != null ? checked(g, output, "output") : found[0];
    String scores = logits != null ? checked(g, logits, "logits") : found[1];
    long[] b = g.dims(boxes);
    if (b.length != 3 || b[2] != 4) {
      throw new SpecMismatchException("output '" + boxes + "' has dims " + Arrays.toString(b) + ", not [N,M,4]:"
          + " for task detection set output to the raw candidate boxes (before NMS)");
    }
    if (scoreLayout(g.dims(scores), b[1]) == 0) {
      throw new SpecMismatchException("logits '" + scores + "' has dims " + Arrays.toString(g.dims(scores))
          + ", not [N,C," + b[1] + "] or [N," + b[1] + ",C]: for task detection set logits to the raw class scores");
    }
    String how = output != null && logits != null ? "detection; boxes and scores from the spec"
        : "detection; raw boxes " + boxes + ", class scores " + scores;
    return new Targets(ModelSpec.Task.DETECTION, boxes, scores, how);
  }

  /** {boxes, scores} when the float fetches are exactly a [N,M,4] and a matching score tensor, else null. */
  static String[] rawHead(ProgramGraph g) {
    List<String> floats = g.fetches().stream().filter(g::isFloatTensor).toList();
    if (floats.size() != 2) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      long[] b = g.dims(floats.get(i));
      String other = floats.get(1 - i);
      if (b.length == 3 && b[2] == 4 && b[1] > 0 && scoreLayout(g.dims(other), b[1]) != 0) {
        return new String[] {floats.get(i), other};
      }
    }
    return null;
  }

  /**
   * Where the candidates are in a score tensor for {@code m} candidates: 2 for [N,C,M] (PP-PicoDet, PP-YOLOE;
   * also when C = M), 1 for [N,M,C], 0 when it fits neither or its sizes are not static.
   */
  public static int scoreLayout(long[] s, long m) {
    if (s.length != 3 || m <= 0 || s[1] <= 0 || s[2] <= 0) {
      return 0;
    }
    return s[2] == m ? 2 : s[1] == m ? 1 : 0;
  }

  private static String checked(ProgramGraph g, String var, String key) {
    if (!g.hasVar(var)) {
      throw new SpecMismatchException(key + " '" + var + "' is not a variable of the program (fetched: "
          + g.fetches() + "); fix " + key + " or leave it out to have it found");
    }
    return var;
  }

  private static String onlyFetch(ProgramGraph g) {
    List<String> floats = g.fetches().stream().filter(g::isFloatTensor).toList();
    if (floats.size() != 1) {
      throw new SpecMismatchException("the program fetches " + g.fetches() + ": set output to the one to explain");
    }
    return floats.get(0);
  }
}
