package io.camstream.model.grad;

import io.camstream.model.Ops;
import io.camstream.model.proto.Framework.OpDesc;
import io.camstream.model.proto.Framework.VarType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one registry of grad-op makers, keyed by forward op type. Slot names follow Paddle 2.3's grad op
 * definitions; each maker was checked against finite differences on real models (see the tests).
 */
public final class GradOpMakers {

  private static final Map<String, GradOpMaker> MAKERS = new TreeMap<>();

  static {
    // activations whose gradient is computed from the forward output
    for (String t : List.of("relu", "relu6", "sigmoid", "hard_sigmoid", "tanh")) {
      MAKERS.put(t, activation(t + "_grad", "Out"));
    }
    // activations whose gradient is computed from the forward input
    for (String t : List.of("hard_swish", "swish", "leaky_relu", "gelu", "silu", "mish")) {
      MAKERS.put(t, activation(t + "_grad", "X"));
    }
    for (String t : List.of("elementwise_add", "elementwise_sub", "elementwise_mul")) {
      MAKERS.put(t, binary(t + "_grad"));
    }
    MAKERS.put("elementwise_div", GradOpMakers::elementwiseDiv);
    MAKERS.put("conv2d", GradOpMakers::conv2d);
    MAKERS.put("depthwise_conv2d", conv("depthwise_conv2d_grad"));
    MAKERS.put("conv2d_transpose", conv("conv2d_transpose_grad"));
    MAKERS.put("depthwise_conv2d_transpose", conv("depthwise_conv2d_transpose_grad"));
    MAKERS.put("batch_norm", GradOpMakers::batchNorm);
    MAKERS.put("pool2d", fromX("pool2d_grad", true));
    // squeeze-excitation means (PP-YOLOE's CSPResNet) and the channel mean and max of spatial attention
    // (PP-LiteSeg): sum and mean grad ops read X for its shape, max and min also Out for the ties
    MAKERS.put("reduce_mean", fromX("reduce_mean_grad", false));
    MAKERS.put("reduce_sum", fromX("reduce_sum_grad", false));
    MAKERS.put("reduce_max", fromX("reduce_max_grad", true));
    MAKERS.put("reduce_min", fromX("reduce_min_grad", true));
    // vision transformers (ViT, DeiT): layer norms over the embedding, the class token sliced out for the head
    MAKERS.put("layer_norm", GradOpMakers::layerNorm);
    MAKERS.put("slice", GradOpMakers::slice);
    // Exporters differ: Paddle 2.x writes an XShape output (its grad op reads X's dims from it); newer exporters
    // leave it out or leave the slot empty. Without it the gradient is reshaped (transposed) back shape-free.
    for (String t : List.of("reshape2", "flatten_contiguous_range", "squeeze2", "unsqueeze2")) {
      MAKERS.put(t, viaXShapeOr(t + "_grad", GradOpMakers::reshapeBack));
    }
    MAKERS.put("transpose2", viaXShapeOr("transpose2_grad", GradOpMakers::transposeBack));
    // the XShape-less first versions of the same ops
    for (String t : List.of("reshape", "flatten", "squeeze", "unsqueeze")) {
      MAKERS.put(t, GradOpMakers::reshapeBack);
    }
    MAKERS.put("transpose", GradOpMakers::transposeBack);
    MAKERS.put("matmul", binary("matmul_grad"));
    MAKERS.put("matmul_v2", binary("matmul_v2_grad"));
    MAKERS.put("mul", binary("mul_grad"));
    MAKERS.put("scale", GradOpMakers::scale);
    MAKERS.put("dropout", GradOpMakers::dropout);
    MAKERS.put("softmax", GradOpMakers::softmax);
    MAKERS.put("concat", GradOpMakers::concat);
    MAKERS.put("split", GradOpMakers::split);
    for (String t : List.of("nearest_interp_v2", "bilinear_interp_v2", "nearest_interp", "bilinear_interp")) {
      MAKERS.put(t, GradOpMakers.interp(t + "_grad"));
    }
  }

  private GradOpMakers() {}

  public static Optional<GradOpMaker> forType(String opType) {
    return Optional.ofNullable(MAKERS.get(opType));
  }

  public static List<String> supportedTypes() {
    return new ArrayList<>(MAKERS.keySet());
  }

  private static GradOpMaker activation(String gradType, String dependsOn) {
    return (op, ctx) -> {
      String x = Ops.in(op, "X");
      if (!ctx.needs(x)) {
        return;
      }
      String dep = dependsOn.equals("Out") ? Ops.out(op, "Out") : x;
      ctx.emit(GradOps.like(op, gradType)
          .addInputs(Ops.var(dependsOn, dep))
          .addInputs(Ops.var("Out@GRAD", ctx.outGrad(Ops.out(op, "Out"))))
          .addOutputs(Ops.var("X@GRAD", ctx.inGrad(x)))
          .build());
    };
  }

  /** Ops of two inputs whose grad op reads X, Y and Out@GRAD (element-wise arithmetic, matrix products). */
  private static GradOpMaker binary(String gradType) {
    return (op, ctx) -> {
      OpDesc.Builder b = GradOps.like(op, gradType);
      GradOps.copyInputs(b, op, "X", "Y");
      b.addInputs(Ops.var("Out@GRAD", ctx.outGrad(Ops.out(op, "Out"))));
      GradOps.gradOutput(b, op, "X", ctx);
      GradOps.gradOutput(b, op, "Y", ctx);
      ctx.emit(b.build());
    };
  }

  private static void elementwiseDiv(OpDesc op, GradContext ctx) {
    OpDesc.Builder b = GradOps.like(op, "elementwise_div_grad");
    GradOps.copyInputs(b, op, "X", "Y");
    b.addInputs(Ops.var("Out", Ops.out(op, "Out")));
    b.addInputs(Ops.var("Out@GRAD", ctx.outGrad(Ops.out(op, "Out"))));
    GradOps.gradOutput(b, op, "X", ctx);
    GradOps.gradOutput(b, op, "Y", ctx);
    ctx.emit(b.build());
  }

  private static GradOpMaker conv(String gradType) {
    return (op, ctx) -> {
      OpDesc.Builder b = GradOps.like(op, gradType);
      GradOps.copyInputs(b, op, "Input", "Filter");
      b.addInputs(Ops.var("Output@GRAD", ctx.outGrad(Ops.out(op, "Output"))));
      GradOps.gradOutput(b, op, "Input", ctx);
      ctx.emit(b.build());
    };
  }

  /**
   * conv2d: for a plain stride-1 convolution the input gradient is itself a stride-1 convolution of the output
   * gradient with the filter transposed (in/out channels swapped) and flipped, padded by k-1-p. Paddle's CPU
   * conv2d_grad builds an (in-channels x k x k) by (H x W) column buffer and scatters it back (col2im), which costs
   * more than the forward pass; the forward convolution of the gradient does the same arithmetic on a buffer
   * k*k*out-channels high, a few times smaller. Other convolutions use conv2d_grad.
   */
  private static void conv2d(OpDesc op, GradContext ctx) {
    String input = Ops.in(op, "Input");
    if (!ctx.needs(input)) {
      return;
    }
    String filter = Ops.in(op, "Filter");
    long[] w = ctx.dims(filter);
    if (!plainStrideOne(op) || w.length != 4 || w[2] <= 0 || w[3] <= 0) {
      conv("conv2d_grad").make(op, ctx);
      return;
    }
    int ph = Ops.attr(op, "paddings").getInts(0);
    int pw = Ops.attr(op, "paddings").getInts(1);
    String transposed = ctx.temp("camstream_filter_t", w[1], w[0], w[2], w[3]);
    String shape = ctx.temp("camstream_filter_t_shape", 0, w[0], w[1], w[2], w[3]);
    ctx.emit(OpDesc.newBuilder().setType("transpose2").addInputs(Ops.var("X", filter))
        .addOutputs(Ops.var("Out", transposed)).addOutputs(Ops.var("XShape", shape))
        .addAttrs(Ops.intsA("axis", 1, 0, 2, 3)).build());
    String flipped = ctx.temp("camstream_filter_tf", w[1], w[0], w[2], w[3]);
    ctx.emit(OpDesc.newBuilder().setType("flip").addInputs(Ops.var("X", transposed))
        .addOutputs(Ops.var("Out", flipped)).addAttrs(Ops.intsA("axis", 2, 3)).build());
    ctx.emit(GradOps.like(op, "conv2d", Ops.intsA("paddings", (int) w[2] - 1 - ph, (int) w[3] - 1 - pw))
        .addInputs(Ops.var("Input", ctx.outGrad(Ops.out(op, "Output"))))
        .addInputs(Ops.var("Filter", flipped))
        .addOutputs(Ops.var("Output", ctx.inGrad(input))).build());
  }

  /** Stride 1, dilation 1, one group, explicit symmetric [ph, pw] padding, NCHW, no fused extras. */
  private static boolean plainStrideOne(OpDesc op) {
    OpDesc.Attr strides = Ops.attr(op, "strides");
    OpDesc.Attr dilations = Ops.attr(op, "dilations");
    OpDesc.Attr paddings = Ops.attr(op, "paddings");
    return strides != null && strides.getIntsList().stream().allMatch(v -> v == 1)
        && (dilations == null || dilations.getIntsList().stream().allMatch(v -> v == 1))
        && Ops.intAttr(op, "groups", 1) == 1
        && paddings != null && paddings.getIntsCount() == 2
        && Ops.stringAttr(op, "padding_algorithm", "EXPLICIT").equals("EXPLICIT")
        && Ops.stringAttr(op, "data_format", "NCHW").matches("NCHW|AnyLayout")
        && Ops.args(op, true, "Bias").isEmpty() && Ops.args(op, true, "ResidualData").isEmpty();
  }

  private static void batchNorm(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "X");
    if (!ctx.needs(x)) {
      return;
    }
    // Inference statistics: the grad kernel must use the running Mean/Variance (use_global_stats), and newer Paddle
    // refuses is_test=true in a grad op.
    OpDesc.Builder b = GradOps.like(op, "batch_norm_grad", Ops.boolA("is_test", false),
        Ops.boolA("use_global_stats", true));
    GradOps.copyInputs(b, op, "X", "Scale", "Bias", "Mean", "Variance");
    b.addInputs(Ops.var("SavedMean", Ops.out(op, "SavedMean")));
    b.addInputs(Ops.var("SavedVariance", Ops.out(op, "SavedVariance")));
    b.addInputs(Ops.var("Y@GRAD", ctx.outGrad(Ops.out(op, "Y"))));
    b.addOutputs(Ops.var("X@GRAD", ctx.inGrad(x)));
    // no Scale@GRAD / Bias@GRAD outputs: the kernel then skips the two per-channel reductions
    ctx.emit(b.build());
  }

  /** Ops of one input X and one output Out whose grad op reads X (and Out when {@code readsOut}) and Out@GRAD. */
  private static GradOpMaker fromX(String gradType, boolean readsOut) {
    return (op, ctx) -> {
      String x = Ops.in(op, "X");
      if (!ctx.needs(x)) {
        return;
      }
      String out = Ops.out(op, "Out");
      OpDesc.Builder b = GradOps.like(op, gradType).addInputs(Ops.var("X", x));
      if (readsOut) {
        b.addInputs(Ops.var("Out", out));
      }
      ctx.emit(b.addInputs(Ops.var("Out@GRAD", ctx.outGrad(out))).addOutputs(Ops.var("X@GRAD", ctx.inGrad(x)))
          .build());
    };
  }

  private static void layerNorm(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "X");
    if (!ctx.needs(x)) {
      return;
    }
    if (Ops.args(op, false, "Mean").isEmpty() || Ops.args(op, false, "Variance").isEmpty()) {
      throw new OpVariantException("layer_norm", "has no Mean or Variance output, which its grad op reads");
    }
    OpDesc.Builder b = GradOps.like(op, "layer_norm_grad").addInputs(Ops.var("X", x))
        .addInputs(Ops.var("Mean", Ops.out(op, "Mean"))).addInputs(Ops.var("Variance", Ops.out(op, "Variance")));
    GradOps.copyInputs(b, op, "Scale", "Bias");
    if (!Ops.args(op, true, "Scale").isEmpty()) {
      // Paddle 2.3's CPU kernel multiplies the output gradient by the scale only when the scale's own gradient is
      // asked for: without it, X@GRAD comes out as if the scale were ones
      String scale = Ops.in(op, "Scale");
      b.addOutputs(Ops.var("Scale@GRAD", ctx.temp("camstream_unused_grad", scale)));
    }
    String y = Ops.out(op, "Y");
    ctx.emit(b.addInputs(Ops.var("Y@GRAD", ctx.outGrad(y))).addOutputs(Ops.var("X@GRAD", ctx.inGrad(x))).build());
  }

  private static void slice(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "Input");
    if (!ctx.needs(x)) {
      return;
    }
    for (String t : List.of("StartsTensor", "EndsTensor", "StartsTensorList", "EndsTensorList")) {
      if (!Ops.args(op, true, t).isEmpty()) {
        throw new OpVariantException("slice", "takes its bounds from tensor inputs");
      }
    }
    String out = Ops.out(op, "Out");
    ctx.emit(GradOps.like(op, "slice_grad").addInputs(Ops.var("Input", x))
        .addInputs(Ops.var("Out@GRAD", ctx.outGrad(out))).addOutputs(Ops.var("Input@GRAD", ctx.inGrad(x))).build());
  }

  /**
   * The XShape grad op when the forward op has an XShape output (the form checked against Paddle 2.3 first),
   * else {@code shapeFree}.
   */
  private static GradOpMaker viaXShapeOr(String gradType, GradOpMaker shapeFree) {
    return (op, ctx) -> {
      String x = Ops.in(op, "X");
      if (!ctx.needs(x)) {
        return;
      }
      List<String> xshape = Ops.args(op, false, "XShape");
      if (xshape.size() != 1 || xshape.get(0).equals(Ops.EMPTY) || !ctx.declared(xshape.get(0))) {
        shapeFree.make(op, ctx);
        return;
      }
      ctx.emit(GradOps.like(op, gradType)
          .addInputs(Ops.var("XShape", xshape.get(0)))
          .addInputs(Ops.var("Out@GRAD", ctx.outGrad(Ops.out(op, "Out"))))
          .addOutputs(Ops.var("X@GRAD", ctx.inGrad(x))).build());
    };
  }

  /**
   * Reshape-type ops (reshape, flatten, squeeze, unsqueeze) only rearrange dims, so X@GRAD is Out@GRAD reshaped
   * to X's run-time shape: {@code shape(X)} as reshape2's Shape input, which also covers dynamic dims. Only the
   * attributes reshape2 itself reads are written, so newer forward attribute sets do not matter.
   */
  private static void reshapeBack(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "X");
    if (!ctx.needs(x)) {
      return;
    }
    long[] xd = ctx.dims(x);
    String shape = ctx.temp("camstream_shape", VarType.Type.INT32, xd.length);
    ctx.emit(OpDesc.newBuilder().setType("shape").addInputs(Ops.var("Input", x))
        .addOutputs(Ops.var("Out", shape)).build());
    int[] attr = new int[xd.length];
    for (int i = 0; i < xd.length; i++) {
      attr[i] = (int) Math.max(xd[i], 0); // ignored when Shape is given; 0 = copy the dim
    }
    ctx.emit(OpDesc.newBuilder().setType("reshape2")
        .addInputs(Ops.var("X", ctx.outGrad(Ops.out(op, "Out")))).addInputs(Ops.var("Shape", shape))
        .addOutputs(Ops.var("Out", ctx.inGrad(x)))
        .addOutputs(Ops.var("XShape", ctx.temp("camstream_xshape", VarType.Type.FP32, xshape(ctx.dims(
            Ops.out(op, "Out")))))).addAttrs(Ops.intsA("shape", attr)).build());
  }

  /** transpose: X@GRAD is Out@GRAD transposed by the inverse permutation. */
  private static void transposeBack(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "X");
    if (!ctx.needs(x)) {
      return;
    }
    int[] axis = Ops.intsAttr(op, "axis");
    if (axis == null) {
      throw new OpVariantException(op.getType(), "has no 'axis' attribute");
    }
    int[] inverse = new int[axis.length];
    for (int i = 0; i < axis.length; i++) {
      int a = axis[i] < 0 ? axis[i] + axis.length : axis[i];
      if (a < 0 || a >= axis.length) {
        throw new OpVariantException(op.getType(), "has axis " + java.util.Arrays.toString(axis)
            + ", not a permutation");
      }
      inverse[a] = i;
    }
    ctx.emit(OpDesc.newBuilder().setType("transpose2")
        .addInputs(Ops.var("X", ctx.outGrad(Ops.out(op, "Out")))).addOutputs(Ops.var("Out", ctx.inGrad(x)))
        .addOutputs(Ops.var("XShape", ctx.temp("camstream_xshape", VarType.Type.FP32, xshape(ctx.dims(
            Ops.out(op, "Out")))))).addAttrs(Ops.intsA("axis", inverse))
        .addAttrs(Ops.stringA("data_format", "AnyLayout")).addAttrs(Ops.boolA("use_mkldnn", false)).build());
  }

  /** Paddle's XShape declaration: {@code [0, dims...]} (carries the dims, holds no data). */
  private static long[] xshape(long[] dims) {
    long[] d = new long[dims.length + 1];
    System.arraycopy(dims, 0, d, 1, dims.length);
    return d;
  }

  private static void scale(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "X");
    if (!Ops.args(op, true, "ScaleTensor").isEmpty()) {
      throw new OpVariantException("scale", "takes its factor from a ScaleTensor input");
    }
    if (ctx.needs(x)) {
      ctx.emit(GradOps.scale(ctx.outGrad(Ops.out(op, "Out")), ctx.inGrad(x), Ops.floatAttr(op, "scale", 1f)));
    }
  }

  private static void dropout(OpDesc op, GradContext ctx) {
    // At inference dropout is the identity (upscale_in_train) or a fixed scale (downgrade_in_infer).
    String x = Ops.in(op, "X");
    if (ctx.needs(x)) {
      float p = Ops.floatAttr(op, "dropout_prob", 0.5f);
      boolean downgrade = Ops.stringAttr(op, "dropout_implementation", "downgrade_in_infer")
          .equals("downgrade_in_infer");
      ctx.emit(GradOps.scale(ctx.outGrad(Ops.out(op, "Out")), ctx.inGrad(x), downgrade ? 1f - p : 1f));
    }
  }

  private static void softmax(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "X");
    if (!ctx.needs(x)) {
      return;
    }
    String out = Ops.out(op, "Out");
    ctx.emit(GradOps.like(op, "softmax_grad")
        .addInputs(Ops.var("Out", out)).addInputs(Ops.var("Out@GRAD", ctx.outGrad(out)))
        .addOutputs(Ops.var("X@GRAD", ctx.inGrad(x))).build());
  }

  private static void concat(OpDesc op, GradContext ctx) {
    List<String> xs = Ops.args(op, true, "X");
    if (xs.stream().noneMatch(ctx::needs)) {
      return;
    }
    if (!Ops.args(op, true, "AxisTensor").isEmpty()) {
      throw new OpVariantException("concat", "takes its axis from an AxisTensor input");
    }
    ctx.emit(GradOps.like(op, "concat_grad")
        .addInputs(Ops.var("X", xs))
        .addInputs(Ops.var("Out@GRAD", ctx.outGrad(Ops.out(op, "Out"))))
        .addOutputs(Ops.var("X@GRAD", GradOps.gradList(xs, ctx))).build());
  }

  private static void split(OpDesc op, GradContext ctx) {
    String x = Ops.in(op, "X");
    if (!ctx.needs(x)) {
      return;
    }
    if (!Ops.args(op, true, "AxisTensor").isEmpty() || !Ops.args(op, true, "SectionsTensorList").isEmpty()) {
      throw new OpVariantException("split", "takes its axis or sections from tensor inputs");
    }
    // The gradient of split is the concatenation of its outputs' gradients; outputs that do not reach the target
    // contribute zeros of their own shape.
    List<String> parts = new ArrayList<>();
    for (String o : Ops.args(op, false, "Out")) {
      String g = ctx.outGrad(o);
      if (g == null) {
        g = ctx.temp("camstream_zero_grad", o);
        ctx.emit(OpDesc.newBuilder().setType("fill_any_like")
            .addInputs(Ops.var("X", o)).addOutputs(Ops.var("Out", g))
            .addAttrs(Ops.floatA("value", 0f)).addAttrs(Ops.intA("dtype", -1)).build());
      }
      parts.add(g);
    }
    ctx.emit(OpDesc.newBuilder().setType("concat")
        .addInputs(Ops.var("X", parts)).addOutputs(Ops.var("Out", ctx.inGrad(x)))
        .addAttrs(Ops.intA("axis", Ops.intAttr(op, "axis", 0))).build());
  }

  private static GradOpMaker interp(String gradType) {
    return (op, ctx) -> {
      String x = Ops.in(op, "X");
      if (!ctx.needs(x)) {
        return;
      }
      OpDesc.Builder b = GradOps.like(op, gradType);
      GradOps.copyInputs(b, op, "X", "OutSize", "SizeTensor", "Scale");
      b.addInputs(Ops.var("Out@GRAD", ctx.outGrad(Ops.out(op, "Out"))));
      b.addOutputs(Ops.var("X@GRAD", ctx.inGrad(x)));
      ctx.emit(b.build());
    };
  }
}
