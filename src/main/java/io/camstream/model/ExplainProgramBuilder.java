package io.camstream.model;

import io.camstream.model.grad.GradContext;
import io.camstream.model.grad.GradOpMaker;
import io.camstream.model.grad.GradOpMakers;
import io.camstream.model.grad.OpVariantException;
import io.camstream.model.grad.UnsupportedOpException;
import io.camstream.model.proto.Framework.BlockDesc;
import io.camstream.model.proto.Framework.OpDesc;
import io.camstream.model.proto.Framework.ProgramDesc;
import io.camstream.model.proto.Framework.VarDesc;
import io.camstream.model.proto.Framework.VarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Program surgery: builds the explain program (forward ops + grad ops from the target back to the layer), and the
 * forward-only and cut-at-layer variants that benchmarks, gradient-free methods and tests need. Pure Java: every
 * problem is reported as an exception here, never by the native engine.
 */
public final class ExplainProgramBuilder {

  private ExplainProgramBuilder() {}

  /**
   * Explain program for a classification target: the seed feed {@code [N,K]} is the gradient of the score with
   * respect to the logits; a row of zeros means "the predicted class" (an arg-max one-hot computed in the program,
   * so one pass gives prediction and gradients).
   */
  public static ExplainProgram classification(ProgramGraph g, String layer, String logits, String output) {
    return classification(g, layer, logits, output, ExplainProgram.Fetch.GRADIENT);
  }

  /**
   * As {@link #classification(ProgramGraph, String, String, String)}, handing back what {@code fetch} names for
   * the layer: the whole gradient, or only a gradient-weighted sum of the activations formed in the program.
   */
  public static ExplainProgram classification(ProgramGraph g, String layer, String logits, String output,
      ExplainProgram.Fetch fetch) {
    if (!g.hasVar(logits)) {
      throw new SpecMismatchException("logits '" + logits + "' is not a variable of the program; set the spec's"
          + " logits to the input of the final softmax, or leave it out to have it found");
    }
    long[] logitDims = g.dims(logits);
    int k = (int) logitDims[logitDims.length - 1];
    if (logitDims.length != 2 || k <= 0) {
      throw new SpecMismatchException("logits '" + logits + "' must be [N,K] with a static K, found "
          + java.util.Arrays.toString(logitDims) + "; set the spec's logits to the input of the final softmax");
    }
    return build(g, layer, logits, output, Mode.CLASS, new long[] {k}, fetch);
  }

  /**
   * Explain program for a dense target. d(score)/d(output) = {@code camstream_seed} + 1[output &gt;
   * camstream_threshold]: a box target feeds the box mask and a threshold above 1, a threshold target feeds zeros and
   * the threshold, so the mask of "pixels above the threshold" is computed in the same pass that needs it.
   */
  public static ExplainProgram dense(ProgramGraph g, String layer, String output) {
    return dense(g, layer, output, output, ExplainProgram.Fetch.GRADIENT);
  }

  /** A dense target taken on {@code target} (segmentation logits before a per-pixel softmax) beside the output. */
  public static ExplainProgram dense(ProgramGraph g, String layer, String target, String output,
      ExplainProgram.Fetch fetch) {
    long[] d = g.dims(target);
    return build(g, layer, target, output, Mode.DENSE, java.util.Arrays.copyOfRange(d, 1, d.length), fetch);
  }

  /**
   * Explain program for a detection target: the seed feed (shaped like the class scores without N) is the gradient
   * of the score with respect to the raw class scores, one-hot on the chosen (candidate, class); the raw boxes
   * ({@code boxes}) are fetched so the candidate can be chosen by IoU from a first pass with a zero seed.
   */
  public static ExplainProgram detection(ProgramGraph g, String layer, String scores, String boxes,
      ExplainProgram.Fetch fetch) {
    long[] d = g.dims(scores);
    for (int i = 1; i < d.length; i++) {
      if (d[i] <= 0) {
        throw new SpecMismatchException("logits '" + scores + "' has dims " + java.util.Arrays.toString(d)
            + ": detection targets need a static candidate count (export with a fixed input size)");
      }
    }
    return build(g, layer, scores, boxes, Mode.DETECTION, java.util.Arrays.copyOfRange(d, 1, d.length), fetch);
  }

  /** How the target's gradient comes from the seed feed. */
  private enum Mode { CLASS, DENSE, DETECTION }

  private static ExplainProgram build(ProgramGraph g, String layer, String target, String output,
      Mode mode, long[] seedShape, ExplainProgram.Fetch fetch) {
    checkLayer(g, layer);
    if (!g.hasVar(target)) {
      throw new SpecMismatchException("target variable '" + target + "' is not in the program; check the spec's"
          + " output and logits");
    }
    Set<String> below = g.descendants(layer);
    if (!below.contains(target)) {
      throw new IllegalArgumentException("target '" + target + "' does not depend on layer '" + layer + "'");
    }
    Set<String> above = g.ancestors(target);
    Set<String> needsGrad = new HashSet<>(below);
    needsGrad.retainAll(above);

    List<OpDesc> path = new ArrayList<>();
    for (OpDesc op : g.ops()) {
      boolean feedsTarget = Ops.allOutputs(op).stream().anyMatch(needsGrad::contains);
      boolean readsLayer = Ops.allInputs(op).stream().anyMatch(needsGrad::contains);
      if (feedsTarget && readsLayer) {
        if (GradOpMakers.forType(op.getType()).isEmpty()) {
          throw new UnsupportedOpException(op.getType(), layer);
        }
        path.add(op);
      }
    }
    checkNoInPlace(path, needsGrad);

    Surgery s = new Surgery(g);
    List<String> feeds = new ArrayList<>(g.feeds());
    feeds.add(ExplainProgram.SEED);
    s.declareLike(ExplainProgram.SEED, target, true);
    String targetGrad;
    if (mode == Mode.CLASS) {
      targetGrad = s.classSeed(target, seedShape[0]);
    } else if (mode == Mode.DETECTION) {
      targetGrad = ExplainProgram.SEED; // the one-hot seed is the gradient itself
    } else {
      feeds.add(ExplainProgram.THRESHOLD);
      s.declare(ExplainProgram.THRESHOLD, VarType.Type.FP32, -1, 1, 1, 1);
      s.markFeedNew(ExplainProgram.THRESHOLD);
      targetGrad = s.thresholdSeed(target);
    }

    Backward bw = new Backward(g, s, needsGrad, path, target, targetGrad);
    for (int i = path.size() - 1; i >= 0; i--) {
      OpDesc op = path.get(i);
      GradOpMaker maker = GradOpMakers.forType(op.getType()).orElseThrow();
      try {
        maker.make(op, bw);
      } catch (OpVariantException e) {
        throw new OpVariantException(e.opType(), e.detail(), layer);
      } catch (UnsupportedOpException e) {
        throw new UnsupportedOpException(e.opType(), layer);
      } catch (IllegalArgumentException e) {
        // a slot or attribute the maker expects is missing or different: the exporter wrote another variant
        throw new OpVariantException(op.getType(), "is written in a form camstream does not know ("
            + e.getMessage() + ")", layer);
      }
    }
    String layerGrad = bw.outGrad(layer);
    if (layerGrad == null) {
      throw new IllegalStateException("no gradient reached layer " + layer);
    }
    if (!layerGrad.equals(ExplainProgram.grad(layer))) {
      throw new IllegalStateException("gradient of " + layer + " ended in " + layerGrad);
    }
    List<String> fetches = new ArrayList<>();
    fetches.add(output);
    if (!target.equals(output)) {
      fetches.add(target);
    }
    if (fetch == ExplainProgram.Fetch.GRADIENT) {
      fetches.addAll(List.of(layer, layerGrad));
    } else {
      String weights = switch (fetch) {
        case MEAN_GRADIENT_SUM -> {
          String means = s.channelMean(layerGrad, ExplainProgram.gradMean(layer), layer);
          fetches.add(means);
          yield means;
        }
        case GRADIENT_SUM -> layerGrad;
        case POSITIVE_GRADIENT_SUM -> s.relu(layerGrad, layer);
        case GRADIENT -> throw new IllegalStateException(); // handled above
      };
      fetches.add(s.channelSum(s.product(layer, weights, layer), ExplainProgram.weightedSum(layer), layer));
    }
    return new ExplainProgram(s.finish(feeds, fetches), feeds, fetches, layer, target, seedShape);
  }

  /** The original forward ops with a different fetch list (layer listings, gradient-free methods, benchmarks). */
  public static ExplainProgram forward(ProgramGraph g, List<String> fetches) {
    for (String f : fetches) {
      g.var(f);
    }
    Surgery s = new Surgery(g);
    return new ExplainProgram(s.finish(g.feeds(), fetches), g.feeds(), fetches, null, null, new long[0]);
  }

  /**
   * The head of the network cut off at {@code layer}: the layer's producing op is removed and the layer becomes a
   * second feed, so its values can be perturbed (finite differences). The original input stays a feed because
   * other branches may still need it.
   */
  public static ExplainProgram head(ProgramGraph g, String layer, String target) {
    checkLayer(g, layer);
    OpDesc producer = g.ops().get(g.producerOf(layer));
    for (String other : Ops.allOutputs(producer)) {
      if (!other.equals(layer) && !g.isPersistable(other) && !g.consumersOf(other).isEmpty()) {
        throw new IllegalArgumentException("cannot cut at " + layer + ": its op also makes " + other + ", used later");
      }
    }
    Surgery s = new Surgery(g);
    s.skip(producer);
    List<String> feeds = new ArrayList<>(g.feeds());
    feeds.add(layer);
    s.markFeed(layer);
    return new ExplainProgram(s.finish(feeds, List.of(target)), feeds, List.of(target), layer, target, new long[0]);
  }

  static void checkLayer(ProgramGraph g, String layer) {
    if (!g.hasVar(layer)) {
      throw new UnknownLayerException(layer, g);
    }
    if (!g.isFloatTensor(layer) || g.isPersistable(layer) || g.producerOf(layer) < 0 || g.dims(layer).length != 4) {
      throw new UnknownLayerException(layer, g);
    }
  }

  private static void checkNoInPlace(List<OpDesc> path, Set<String> needsGrad) {
    Set<String> written = new HashSet<>();
    for (OpDesc op : path) {
      for (String o : Ops.allOutputs(op)) {
        if (needsGrad.contains(o) && !written.add(o)) {
          throw new OpVariantException(op.getType(), "writes " + o + " in place (in-place programs are not"
              + " supported)");
        }
      }
    }
  }

  /** Rewrites block 0: new feeds first, forward ops, appended ops, new fetches last; declares new variables. */
  private static final class Surgery {
    private final ProgramGraph g;
    private final Map<String, VarDesc> newVars = new LinkedHashMap<>();
    private final List<OpDesc> appended = new ArrayList<>();
    private final Set<OpDesc> skipped = new HashSet<>();
    private final Set<String> feedMarks = new HashSet<>();
    private int tempCount;

    Surgery(ProgramGraph g) {
      this.g = g;
    }

    void skip(OpDesc op) {
      skipped.add(op);
    }

    void markFeed(String var) {
      feedMarks.add(var);
    }

    void declareLike(String name, String like, boolean feed) {
      VarDesc.Builder v = g.var(like).toBuilder().setName(name).setPersistable(false).setNeedCheckFeed(feed)
          .setIsParameter(false).setStopGradient(false);
      newVars.put(name, v.build());
    }

    void declare(String name, VarType.Type dtype, long... dims) {
      VarType.TensorDesc.Builder t = VarType.TensorDesc.newBuilder().setDataType(dtype);
      for (long d : dims) {
        t.addDims(d);
      }
      newVars.put(name, VarDesc.newBuilder().setName(name)
          .setType(VarType.newBuilder().setType(VarType.Type.LOD_TENSOR)
              .setLodTensor(VarType.LoDTensorDesc.newBuilder().setTensor(t)))
          .build());
    }

    /** {@code out = mean of x over H and W}, [N,C,1,1]. */
    String channelMean(String x, String out, String like) {
      long[] d = g.dims(like);
      declare(out, VarType.Type.FP32, d[0], d[1], 1, 1);
      append(OpDesc.newBuilder().setType("reduce_mean").addInputs(Ops.var("X", x)).addOutputs(Ops.var("Out", out))
          .addAttrs(Ops.intsA("dim", 2, 3)).addAttrs(Ops.boolA("keep_dim", true))
          .addAttrs(Ops.boolA("reduce_all", false)).build());
      return out;
    }

    /** {@code out = sum of x over channels}, [N,1,H,W]. */
    String channelSum(String x, String out, String like) {
      long[] d = g.dims(like).clone();
      d[1] = 1;
      declare(out, VarType.Type.FP32, d);
      append(OpDesc.newBuilder().setType("reduce_sum").addInputs(Ops.var("X", x)).addOutputs(Ops.var("Out", out))
          .addAttrs(Ops.intsA("dim", 1)).addAttrs(Ops.boolA("keep_dim", true))
          .addAttrs(Ops.boolA("reduce_all", false)).build());
      return out;
    }

    /** {@code x * y}, y broadcast over x's shape (numpy rules, same rank). */
    String product(String x, String y, String like) {
      String out = temp(x + "@TIMES", like);
      append(OpDesc.newBuilder().setType("elementwise_mul").addInputs(Ops.var("X", x)).addInputs(Ops.var("Y", y))
          .addOutputs(Ops.var("Out", out)).addAttrs(Ops.intA("axis", -1)).build());
      return out;
    }

    String relu(String x, String like) {
      String out = temp(x + "@RELU", like);
      append(OpDesc.newBuilder().setType("relu").addInputs(Ops.var("X", x)).addOutputs(Ops.var("Out", out)).build());
      return out;
    }

    void markFeedNew(String name) {
      newVars.put(name, newVars.get(name).toBuilder().setNeedCheckFeed(true).build());
    }

    /** seed + cast(output &gt; threshold): the dense target's gradient with respect to the output. */
    String thresholdSeed(String output) {
      String above = "camstream_above";
      String mask = "camstream_above_mask";
      String grad = ExplainProgram.grad(output);
      long[] dims = g.dims(output);
      declare(above, VarType.Type.BOOL, dims);
      declare(mask, VarType.Type.FP32, dims);
      declare(grad, VarType.Type.FP32, dims);
      append(OpDesc.newBuilder().setType("greater_than").addInputs(Ops.var("X", output))
          .addInputs(Ops.var("Y", ExplainProgram.THRESHOLD)).addOutputs(Ops.var("Out", above))
          .addAttrs(Ops.intA("axis", -1)).addAttrs(Ops.boolA("force_cpu", false)).build());
      append(OpDesc.newBuilder().setType("cast").addInputs(Ops.var("X", above)).addOutputs(Ops.var("Out", mask))
          .addAttrs(Ops.intA("in_dtype", 0)).addAttrs(Ops.intA("out_dtype", 5)).build());
      append(OpDesc.newBuilder().setType("elementwise_add").addInputs(Ops.var("X", ExplainProgram.SEED))
          .addInputs(Ops.var("Y", mask)).addOutputs(Ops.var("Out", grad)).addAttrs(Ops.intA("axis", -1)).build());
      return grad;
    }

    String temp(String base, String like) {
      String name = base + "_" + (tempCount++);
      declareLike(name, like, false);
      return name;
    }

    boolean declared(String name) {
      return newVars.containsKey(name) || g.hasVar(name);
    }

    void append(OpDesc op) {
      appended.add(op.toBuilder().addAttrs(Ops.intA("op_role", 1)).build());
    }

    /**
     * d(score)/d(logits) from the seed feed: the seed row itself, plus the one-hot of the predicted class scaled
     * by (1 - sum of the seed row), so an all-zero row selects the arg-max class.
     */
    String classSeed(String logits, long k) {
      String pred = "camstream_pred";
      String onehot = "camstream_pred_onehot";
      String mass = "camstream_seed_mass";
      String usePred = "camstream_use_pred";
      String predPart = "camstream_pred_part";
      String grad = ExplainProgram.grad(logits);
      declare(pred, VarType.Type.INT64, -1);
      declare(onehot, VarType.Type.FP32, -1, k);
      declare(mass, VarType.Type.FP32, -1, 1);
      declare(usePred, VarType.Type.FP32, -1, 1);
      declare(predPart, VarType.Type.FP32, -1, k);
      declare(grad, VarType.Type.FP32, -1, k);
      append(OpDesc.newBuilder().setType("arg_max").addInputs(Ops.var("X", logits)).addOutputs(Ops.var("Out", pred))
          .addAttrs(Ops.longA("axis", -1)).addAttrs(Ops.boolA("keepdims", false)).addAttrs(Ops.boolA("flatten", false))
          .addAttrs(Ops.intA("dtype", 3)).build());
      append(OpDesc.newBuilder().setType("one_hot_v2").addInputs(Ops.var("X", pred))
          .addOutputs(Ops.var("Out", onehot)).addAttrs(Ops.intA("depth", (int) k)).addAttrs(Ops.intA("dtype", 5))
          .addAttrs(Ops.boolA("allow_out_of_range", false)).build());
      append(OpDesc.newBuilder().setType("reduce_sum").addInputs(Ops.var("X", ExplainProgram.SEED))
          .addOutputs(Ops.var("Out", mass)).addAttrs(Ops.intsA("dim", 1)).addAttrs(Ops.boolA("keep_dim", true))
          .addAttrs(Ops.boolA("reduce_all", false)).build());
      append(OpDesc.newBuilder().setType("scale").addInputs(Ops.var("X", mass)).addOutputs(Ops.var("Out", usePred))
          .addAttrs(Ops.floatA("scale", -1f)).addAttrs(Ops.floatA("bias", 1f))
          .addAttrs(Ops.boolA("bias_after_scale", true)).build());
      append(OpDesc.newBuilder().setType("elementwise_mul").addInputs(Ops.var("X", onehot))
          .addInputs(Ops.var("Y", usePred)).addOutputs(Ops.var("Out", predPart)).addAttrs(Ops.intA("axis", -1))
          .build());
      append(OpDesc.newBuilder().setType("elementwise_add").addInputs(Ops.var("X", ExplainProgram.SEED))
          .addInputs(Ops.var("Y", predPart)).addOutputs(Ops.var("Out", grad)).addAttrs(Ops.intA("axis", -1))
          .build());
      return grad;
    }

    ProgramDesc finish(List<String> feeds, List<String> fetches) {
      BlockDesc old = g.program().getBlocks(0);
      BlockDesc.Builder b = old.toBuilder().clearOps().clearVars();
      for (VarDesc v : old.getVarsList()) {
        b.addVars(feedMarks.contains(v.getName()) ? v.toBuilder().setNeedCheckFeed(true).build() : v);
      }
      newVars.values().forEach(b::addVars);
      for (int i = 0; i < feeds.size(); i++) {
        b.addOps(Ops.feed(feeds.get(i), i));
      }
      for (OpDesc op : g.ops()) {
        if (!skipped.contains(op)) {
          b.addOps(op);
        }
      }
      appended.forEach(b::addOps);
      for (int i = 0; i < fetches.size(); i++) {
        b.addOps(Ops.fetch(fetches.get(i), i));
      }
      ProgramDesc.Builder p = g.program().toBuilder().clearBlocks().addBlocks(b);
      for (int i = 1; i < g.program().getBlocksCount(); i++) {
        p.addBlocks(g.program().getBlocks(i));
      }
      return p.build();
    }
  }

  /** The backward pass state: gradient names, contribution counts and lazy summation. */
  private static final class Backward implements GradContext {
    private final ProgramGraph g;
    private final Surgery s;
    private final Set<String> needsGrad;
    private final String target;
    private final String targetGrad;
    private final Map<String, Integer> expected = new HashMap<>();
    private final Map<String, List<String>> partials = new HashMap<>();
    private final Map<String, String> finalGrad = new HashMap<>();

    Backward(ProgramGraph g, Surgery s, Set<String> needsGrad, List<OpDesc> path, String target, String targetGrad) {
      this.g = g;
      this.s = s;
      this.needsGrad = needsGrad;
      this.target = target;
      this.targetGrad = targetGrad;
      for (OpDesc op : path) {
        for (String in : Ops.allInputs(op)) {
          if (needsGrad.contains(in)) {
            expected.merge(in, 1, Integer::sum);
          }
        }
      }
    }

    @Override
    public boolean needs(String var) {
      return needsGrad.contains(var) && !var.equals(target);
    }

    @Override
    public String inGrad(String var) {
      List<String> parts = partials.computeIfAbsent(var, k -> new ArrayList<>());
      String name = expected.getOrDefault(var, 0) <= 1
          ? ExplainProgram.grad(var)
          : ExplainProgram.grad(var) + "@RENAME@" + parts.size();
      parts.add(name);
      if (!s.declared(name)) {
        s.declareLike(name, var, false);
      }
      return name;
    }

    @Override
    public String outGrad(String var) {
      if (var.equals(target)) {
        return targetGrad;
      }
      String done = finalGrad.get(var);
      if (done != null) {
        return done;
      }
      List<String> parts = partials.get(var);
      if (parts == null || parts.isEmpty()) {
        return null;
      }
      String name = ExplainProgram.grad(var);
      if (parts.size() > 1) {
        if (!s.declared(name)) {
          s.declareLike(name, var, false);
        }
        s.append(OpDesc.newBuilder().setType("sum").addInputs(Ops.var("X", parts))
            .addOutputs(Ops.var("Out", name)).build());
      }
      finalGrad.put(var, name);
      return name;
    }

    @Override
    public String temp(String base, String likeVar) {
      return s.temp(base, likeVar);
    }

    @Override
    public String temp(String base, long... dims) {
      String name = base + "_" + (s.tempCount++);
      s.declare(name, VarType.Type.FP32, dims);
      return name;
    }

    @Override
    public String temp(String base, VarType.Type dtype, long... dims) {
      String name = base + "_" + (s.tempCount++);
      s.declare(name, dtype, dims);
      return name;
    }

    @Override
    public boolean declared(String var) {
      return s.declared(var);
    }

    @Override
    public long[] dims(String var) {
      return g.dims(var);
    }

    @Override
    public void emit(OpDesc op) {
      s.append(op);
    }
  }
}
