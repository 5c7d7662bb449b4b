package io.camstream.engine;

import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small models written by the tests themselves, with every attribute an exporter would write. */
final class TinyModels {

  static final int C = 4;
  static final int K = 3;
  static final int S = 8;

  private TinyModels() {}

  static ProgramWriter.Op conv(ProgramWriter w, String type, String in, String filter, String out, int stride,
      int pad, int groups) {
    return w.op(type).in("Input", in).in("Filter", filter).out("Output", out)
        .ints("strides", stride, stride).ints("paddings", pad, pad).ints("dilations", 1, 1).i("groups", groups)
        .s("data_format", "NCHW").s("padding_algorithm", "EXPLICIT").b("use_cudnn", false).b("use_mkldnn", false)
        .b("use_addto", false).i("workspace_size_MB", 512).b("exhaustive_search", false)
        .b("fuse_relu_before_depthwise_conv", false).b("use_quantizer", false).s("mkldnn_data_type", "float32")
        .b("fuse_relu", false).s("fuse_activation", "").f("fuse_alpha", 0f).f("fuse_beta", 0f)
        .b("fuse_residual_connection", false).b("force_fp32_output", false).b("is_test", true);
  }

  static ProgramWriter.Op eltwise(ProgramWriter w, String type, String x, String y, String out, int axis) {
    return w.op(type).in("X", x).in("Y", y).out("Out", out).i("axis", axis).b("use_mkldnn", false)
        .s("x_data_format", "").s("y_data_format", "").s("mkldnn_data_type", "float32").f("Scale_x", 1f)
        .f("Scale_y", 1f).f("Scale_out", 1f);
  }

  static ProgramWriter.Op pool(ProgramWriter w, String in, String out, String type, int k, boolean global) {
    return pool(w, in, out, type, k, k, 0, true, false, false).b("global_pooling", global);
  }

  /** A pool2d with every window attribute given; {@code k} is the output size when {@code adaptive}. */
  static ProgramWriter.Op pool(ProgramWriter w, String in, String out, String type, int k, int stride, int pad,
      boolean exclusive, boolean adaptive, boolean ceil) {
    return w.op("pool2d").in("X", in).out("Out", out).s("pooling_type", type).ints("ksize", k, k)
        .ints("strides", stride, stride).ints("paddings", pad, pad).b("exclusive", exclusive)
        .b("adaptive", adaptive).b("ceil_mode", ceil).s("data_format", "NCHW").s("padding_algorithm", "EXPLICIT")
        .b("use_cudnn", false).b("use_mkldnn", false).b("is_test", true);
  }

  /**
   * Average-pooling windows of common backbones after a layer A = relu(conv3x3(x)) [N,4,H,W], H and W free, side
   * by side: 2x2 stride 2 in ceil mode (ResNet-vd's shortcut), 3x3 stride 2 padding 1 in ceil mode counting the
   * padding (at 8x8 a 5x5 output whose last window lies half in the padding), 3x3 stride 1 padding 1 exclusive, and
   * adaptive to 3x3 (PSP and PP-LiteSeg pyramids: windows that overlap). Each pooled map is squared and summed
   * over H and W, so the score depends on where each window sits; concat -> matmul_v2 + b = logits -> softmax.
   */
  static ProgramWriter pools() {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, -1, -1);
    int n = 4;
    w.param("conv_w", new long[] {C, 3, 3, 3}, ProgramWriter.random(C * 27, 41, 0.4f));
    w.param("fc_w", new long[] {n * C, K}, ProgramWriter.random(n * C * K, 42, 0.3f));
    w.param("fc_b", new long[] {K}, ProgramWriter.random(K, 43, 0.1f));
    w.var("c0", -1, C, -1, -1).var("A", -1, C, -1, -1).var("f", -1, n * C).var("l0", -1, K).var("logits", -1, K)
        .var("probs", -1, K);
    conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    w.op("relu").in("X", "c0").out("Out", "A").add();
    pool(w, "A", "p0", "avg", 2, 2, 0, true, false, true).b("global_pooling", false).add();
    pool(w, "A", "p1", "avg", 3, 2, 1, false, false, true).b("global_pooling", false).add();
    pool(w, "A", "p2", "avg", 3, 1, 1, true, false, false).b("global_pooling", false).add();
    pool(w, "A", "p3", "avg", 3, 1, 0, true, true, false).b("global_pooling", false).add();
    String[] sums = new String[n];
    for (int i = 0; i < n; i++) {
      String p = "p" + i;
      w.var(p, -1, C, i == 3 ? 3 : -1, i == 3 ? 3 : -1).var("q" + i, -1, C, -1, -1).var("s" + i, -1, C);
      eltwise(w, "elementwise_mul", p, p, "q" + i, -1).add();
      reduce(w, "reduce_sum", "q" + i, "s" + i, false, 2, 3).add();
      sums[i] = "s" + i;
    }
    w.op("concat").in("X", sums).out("Out", "f").i("axis", 1).add();
    return linearHead(w);
  }

  /**
   * x[N,3,8,8] -> conv3x3(4) + bias -> relu = A -> {maxpool2x2 -> global avg} + {global avg} -> flatten ->
   * matmul_v2 W[4,3] + b = logits -> softmax. A has two consumers, so its gradient is a sum.
   */
  static ProgramWriter classifier() {
    return classifier("relu");
  }

  /** The same classifier with another activation ({@code mish}, ...) applied to A before the pools. */
  static ProgramWriter classifier(String activation) {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    w.param("conv_w", new long[] {C, 3, 3, 3}, ProgramWriter.random(C * 27, 1, 0.3f));
    w.param("conv_b", new long[] {C}, ProgramWriter.random(C, 2, 0.1f));
    w.param("fc_w", new long[] {C, K}, ProgramWriter.random(C * K, 3, 1f));
    w.param("fc_b", new long[] {K}, ProgramWriter.random(K, 4, 0.1f));
    for (String v : new String[] {"c0", "c1", "A"}) {
      w.var(v, -1, C, S, S);
    }
    w.var("m", -1, C, S / 2, S / 2).var("p1", -1, C, 1, 1).var("p2", -1, C, 1, 1).var("p", -1, C, 1, 1);
    w.var("f", -1, C).var("fx", 0, -1, C, 1, 1).var("l0", -1, K).var("logits", -1, K).var("probs", -1, K);
    conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    eltwise(w, "elementwise_add", "c0", "conv_b", "c1", 1).add();
    w.op("relu").in("X", "c1").out("Out", "A").add();
    String a = "A";
    if (!activation.equals("relu")) {
      // one more activation after the layer, so its gradient op is on the explain path
      w.var("A2", -1, C, S, S);
      ProgramWriter.Op act = w.op(activation).in("X", "A").out("Out", "A2");
      if (activation.equals("mish")) {
        act.f("threshold", 20f).b("use_mkldnn", false);
      }
      act.add();
      a = "A2";
    }
    pool(w, a, "m", "max", 2, false).add();
    pool(w, "m", "p1", "avg", 1, true).add();
    pool(w, a, "p2", "avg", 1, true).add();
    eltwise(w, "elementwise_add", "p1", "p2", "p", -1).add();
    w.op("flatten_contiguous_range").in("X", "p").out("Out", "f").out("XShape", "fx").i("start_axis", 1)
        .i("stop_axis", -1).add();
    return linearHead(w);
  }

  /**
   * Reductions of attention blocks after a layer A = tanh(conv3x3(x)) [N,4,8,8] (no ties for the max and min):
   * a squeeze-excitation, A * hard_sigmoid(conv1x1(mean over H,W, kept)) = y (PP-YOLOE's CSPResNet); a spatial
   * attention, y * (max over channels + mean over channels, kept) = q (PP-LiteSeg); features sum of q over H,W,
   * mean of y over the last two axes counted from the end, min of y over H,W -> concat -> matmul_v2 + b = logits
   * -> softmax.
   */
  static ProgramWriter reductions() {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    w.param("conv_w", new long[] {C, 3, 3, 3}, ProgramWriter.random(C * 27, 61, 0.5f));
    w.param("se_w", new long[] {C, C, 1, 1}, ProgramWriter.random(C * C, 62, 1f));
    w.param("fc_w", new long[] {3 * C, K}, ProgramWriter.random(3 * C * K, 63, 1f));
    w.param("fc_b", new long[] {K}, ProgramWriter.random(K, 64, 0.1f));
    w.var("c0", -1, C, S, S).var("A", -1, C, S, S).var("m", -1, C, 1, 1).var("se", -1, C, 1, 1)
        .var("s", -1, C, 1, 1).var("y", -1, C, S, S).var("mx", -1, 1, S, S).var("mn", -1, 1, S, S)
        .var("t", -1, 1, S, S).var("q", -1, C, S, S).var("f1", -1, C).var("f2", -1, C).var("f3", -1, C)
        .var("f", -1, 3 * C).var("l0", -1, K).var("logits", -1, K).var("probs", -1, K);
    conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    w.op("tanh").in("X", "c0").out("Out", "A").add();
    reduce(w, "reduce_mean", "A", "m", true, 2, 3).add();
    conv(w, "conv2d", "m", "se_w", "se", 1, 0, 1).add();
    w.op("hard_sigmoid").in("X", "se").out("Out", "s").f("slope", 0.2f).f("offset", 0.5f).add();
    eltwise(w, "elementwise_mul", "A", "s", "y", -1).add();
    reduce(w, "reduce_max", "y", "mx", true, 1).add();
    reduce(w, "reduce_mean", "y", "mn", true, 1).add();
    eltwise(w, "elementwise_add", "mx", "mn", "t", -1).add();
    eltwise(w, "elementwise_mul", "y", "t", "q", -1).add();
    reduce(w, "reduce_sum", "q", "f1", false, 2, 3).add();
    reduce(w, "reduce_mean", "y", "f2", false, -2, -1).add();
    reduce(w, "reduce_min", "y", "f3", false, 2, 3).add();
    w.op("concat").in("X", "f1", "f2", "f3").out("Out", "f").i("axis", 1).add();
    return linearHead(w);
  }

  /**
   * A vision transformer (ViT, DeiT) after its patch embedding A = conv2x2/2(x) [N,4,4,4]: flatten -> transpose =
   * tokens [N,16,4]; a class token [1,1,4] expanded to the batch (expand_v2 with its shape from shape(x) and -1
   * constants, as paddle.expand exports it) in front -> + position embedding = e [N,17,4] -> layer_norm ->
   * one-head self-attention (q.k^T scaled, softmax, times the normed tokens) -> matmul_v2 -> gelu -> + e ->
   * layer_norm (no scale or bias) -> {class token sliced out with its axis dropped, as ViT's head takes it; the
   * last 8 tokens sliced from the end and averaged} -> concat -> matmul_v2 + b = logits -> softmax.
   */
  static ProgramWriter transformer() {
    ProgramWriter w = new ProgramWriter();
    int t = (S / 2) * (S / 2);
    int l = t + 1;
    w.feed("x", -1, 3, S, S);
    w.param("patch_w", new long[] {C, 3, 2, 2}, ProgramWriter.random(C * 12, 71, 0.6f));
    w.param("cls_token", new long[] {1, 1, C}, ProgramWriter.random(C, 78, 1f));
    w.param("pos", new long[] {1, l, C}, ProgramWriter.random(l * C, 79, 0.3f));
    w.param("ln_s", new long[] {C}, ProgramWriter.random(C, 72, 1f));
    w.param("ln_b", new long[] {C}, ProgramWriter.random(C, 73, 0.2f));
    w.param("wq", new long[] {C, C}, ProgramWriter.random(C * C, 80, 1f));
    w.param("wk", new long[] {C, C}, ProgramWriter.random(C * C, 81, 1f));
    w.param("mlp_w", new long[] {C, C}, ProgramWriter.random(C * C, 74, 1f));
    w.param("fc_w", new long[] {2 * C, K}, ProgramWriter.random(2 * C * K, 75, 1f));
    w.param("fc_b", new long[] {K}, ProgramWriter.random(K, 76, 0.1f));
    var i32 = io.camstream.model.proto.Framework.VarType.Type.INT32;
    w.var("xs", i32, false, 4).var("b", i32, false, 1).var("m1", i32, false, 1).var("m2", i32, false, 1);
    w.var("A", -1, C, S / 2, S / 2).var("fl", -1, C, t).var("tok", -1, t, C).var("ct", -1, 1, C)
        .var("seq", -1, l, C).var("e", -1, l, C).var("n1", -1, l, C).var("n1m", -1).var("n1v", -1)
        .var("q", -1, l, C).var("k", -1, l, C).var("qk", -1, l, l).var("qks", -1, l, l).var("att", -1, l, l)
        .var("o", -1, l, C).var("h", -1, l, C).var("g", -1, l, C).var("r", -1, l, C).var("n2", -1, l, C)
        .var("n2m", -1).var("n2v", -1).var("cls", -1, C).var("rest", -1, t / 2, C).var("avg", -1, C)
        .var("f", -1, 2 * C).var("l0", -1, K).var("logits", -1, K).var("probs", -1, K);
    conv(w, "conv2d", "x", "patch_w", "A", 2, 0, 1).add();
    w.op("flatten_contiguous_range").in("X", "A").out("Out", "fl").i("start_axis", 2).i("stop_axis", 3).add();
    w.op("transpose2").in("X", "fl").out("Out", "tok").ints("axis", 0, 2, 1).s("data_format", "AnyLayout")
        .b("use_mkldnn", false).add();
    w.op("shape").in("Input", "x").out("Out", "xs").add();
    slice(w, "xs", "b", 0, 0, 1).ints("decrease_axis", 0).add();
    for (String m : List.of("m1", "m2")) {
      w.op("fill_constant").out("Out", m).i("dtype", 2).ints("shape", 1).f("value", -1f).s("str_value", "-1")
          .b("force_cpu", false).add();
    }
    w.op("expand_v2").in("X", "cls_token").in("expand_shapes_tensor", "b", "m1", "m2").out("Out", "ct")
        .ints("shape", -1, -1, -1).add();
    w.op("concat").in("X", "ct", "tok").out("Out", "seq").i("axis", 1).add();
    eltwise(w, "elementwise_add", "seq", "pos", "e", -1).add();
    layerNorm(w, "e", "n1").in("Scale", "ln_s").in("Bias", "ln_b").add();
    matmul(w, "n1", "wq", "q", false).add();
    matmul(w, "n1", "wk", "k", false).add();
    matmul(w, "q", "k", "qk", true).add();
    w.op("scale").in("X", "qk").out("Out", "qks").f("scale", 0.5f).f("bias", 0f).b("bias_after_scale", true).add();
    softmax(w, "qks", "att").add();
    matmul(w, "att", "n1", "o", false).add();
    matmul(w, "o", "mlp_w", "h", false).add();
    w.op("gelu").in("X", "h").out("Out", "g").b("approximate", false).b("use_mkldnn", false).b("use_cudnn", false)
        .add();
    eltwise(w, "elementwise_add", "e", "g", "r", -1).add();
    layerNorm(w, "r", "n2").add();
    slice(w, "n2", "cls", 1, 0, 1).ints("decrease_axis", 1).add();
    slice(w, "n2", "rest", 1, -t / 2, Integer.MAX_VALUE).ints("decrease_axis").add();
    reduce(w, "reduce_mean", "rest", "avg", false, 1).add();
    w.op("concat").in("X", "cls", "avg").out("Out", "f").i("axis", 1).add();
    return linearHead(w);
  }

  /** features f [N,F] -> matmul_v2 fc_w + fc_b = logits -> softmax = probs, fetched. */
  private static ProgramWriter linearHead(ProgramWriter w) {
    matmul(w, "f", "fc_w", "l0", false).add();
    eltwise(w, "elementwise_add", "l0", "fc_b", "logits", -1).add();
    softmax(w, "logits", "probs").add();
    return w.fetch("probs");
  }

  private static ProgramWriter.Op softmax(ProgramWriter w, String in, String out) {
    return w.op("softmax").in("X", in).out("Out", out).i("axis", -1).b("use_cudnn", false)
        .s("data_format", "AnyLayout").b("use_mkldnn", false).b("is_test", true);
  }

  private static ProgramWriter.Op matmul(ProgramWriter w, String x, String y, String out, boolean transY) {
    return w.op("matmul_v2").in("X", x).in("Y", y).out("Out", out).b("trans_x", false).b("trans_y", transY);
  }

  private static ProgramWriter.Op layerNorm(ProgramWriter w, String in, String out) {
    return w.op("layer_norm").in("X", in).out("Y", out).out("Mean", out + "m").out("Variance", out + "v")
        .f("epsilon", 1e-5f).i("begin_norm_axis", 2).b("use_mkldnn", false).s("mkldnn_data_type", "float32")
        .b("is_test", true);
  }

  private static ProgramWriter.Op slice(ProgramWriter w, String in, String out, int axis, int start, int end) {
    return w.op("slice").in("Input", in).out("Out", out).ints("axes", axis).ints("starts", start)
        .ints("ends", end).ints("infer_flags", 1);
  }

  private static ProgramWriter.Op reduce(ProgramWriter w, String type, String in, String out, boolean keep,
      int... dims) {
    return w.op(type).in("X", in).out("Out", out).ints("dim", dims).b("keep_dim", keep).b("reduce_all", false)
        .i("in_dtype", -1).i("out_dtype", -1).b("use_mkldnn", false);
  }

  /**
   * Activations of transformer and detector backbones after a layer A = conv3x3(x) [N,4,8,8] (no relu, so the
   * negative side is reached): leaky_relu -> gelu (erf) -> gelu (tanh approximation) -> silu -> global avg ->
   * flatten -> matmul_v2 + b = logits -> softmax.
   */
  static ProgramWriter activations() {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    w.param("conv_w", new long[] {C, 3, 3, 3}, ProgramWriter.random(C * 27, 51, 0.6f));
    w.param("fc_w", new long[] {C, K}, ProgramWriter.random(C * K, 52, 1f));
    w.param("fc_b", new long[] {K}, ProgramWriter.random(K, 53, 0.1f));
    for (String v : new String[] {"A", "lr", "ge", "gt", "si"}) {
      w.var(v, -1, C, S, S);
    }
    w.var("p", -1, C, 1, 1).var("f", -1, C).var("l0", -1, K).var("logits", -1, K).var("probs", -1, K);
    conv(w, "conv2d", "x", "conv_w", "A", 1, 1, 1).add();
    w.op("leaky_relu").in("X", "A").out("Out", "lr").f("alpha", 0.1f).add();
    w.op("gelu").in("X", "lr").out("Out", "ge").b("approximate", false).b("use_mkldnn", false)
        .b("use_cudnn", false).add();
    w.op("gelu").in("X", "ge").out("Out", "gt").b("approximate", true).b("use_mkldnn", false)
        .b("use_cudnn", false).add();
    w.op("silu").in("X", "gt").out("Out", "si").add();
    pool(w, "si", "p", "avg", 1, true).add();
    w.op("flatten_contiguous_range").in("X", "p").out("Out", "f").i("start_axis", 1).i("stop_axis", -1).add();
    return linearHead(w);
  }

  /**
   * The ops of common classifier heads after a layer A: relu6 = A -> split -> {swish, hard_sigmoid} -> concat ->
   * conv2d_transpose -> bilinear_interp_v2 -> sigmoid -> transpose2 -> transpose2 -> unsqueeze2 -> squeeze2 ->
   * {nearest_interp_v2 + conv2d stride 2} -> depthwise_conv2d -> tanh -> pool2d -> reshape2 -> dropout -> mul -> hard_swish ->
   * matmul -> elementwise_sub -> relu -> elementwise_mul -> scale = logits -> softmax.
   */
  static ProgramWriter heads() {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    w.param("conv_w", new long[] {6, 3, 3, 3}, ProgramWriter.random(6 * 27, 5, 0.4f));
    w.param("convt_w", new long[] {6, 4, 2, 2}, ProgramWriter.random(6 * 16, 6, 0.4f));
    w.param("dw_w", new long[] {4, 1, 3, 3}, ProgramWriter.random(36, 7, 0.5f));
    w.param("s2_w", new long[] {4, 4, 3, 3}, ProgramWriter.random(144, 13, 0.3f));
    w.param("mul_w", new long[] {4, 5}, ProgramWriter.random(20, 8, 1f));
    w.param("mm_w", new long[] {5, K}, ProgramWriter.random(5 * K, 9, 1f));
    float[] subB = ProgramWriter.random(K, 10, 0.2f);
    for (int i = 0; i < K; i++) {
      subB[i] -= 3f; // keeps the relu after the subtraction open, so gradients flow for every class
    }
    w.param("sub_b", new long[] {K}, subB);
    w.param("mul_b", new long[] {K}, ProgramWriter.random(K, 12, 1f));
    w.var("c0", -1, 6, S, S).var("A", -1, 6, S, S).var("a1", -1, 3, S, S).var("a2", -1, 3, S, S);
    w.var("s1", -1, 3, S, S).var("s2", -1, 3, S, S).var("cat", -1, 6, S, S).var("ct", -1, 4, 2 * S, 2 * S);
    w.var("bi", -1, 4, S, S).var("sg", -1, 4, S, S).var("t1", -1, S, S, 4).var("t1x", 0, -1, 4, S, S);
    w.var("t2", -1, 4, S, S).var("t2x", 0, -1, S, S, 4).var("u", -1, 4, S, S, 1).var("ux", 0, -1, 4, S, S);
    w.var("q", -1, 4, S, S).var("qx", 0, -1, 4, S, S, 1).var("ni", -1, 4, S / 2, S / 2);
    w.var("sc", -1, 4, S / 2, S / 2).var("ns", -1, 4, S / 2, S / 2).var("dw", -1, 4, S / 2, S / 2).var("th", -1, 4, S / 2, S / 2).var("pp", -1, 4, 1, 1);
    w.var("r", -1, 4).var("rx", 0, -1, 4, 1, 1).var("dr", -1, 4).var("drm", io.camstream.model.proto.Framework.VarType.Type.UINT8, false, -1, 4);
    w.var("mu", -1, 5).var("hs", -1, 5).var("mm", -1, K).var("sb", -1, K).var("re", -1, K).var("em", -1, K);
    w.var("logits", -1, K).var("probs", -1, K);
    conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    w.op("relu6").in("X", "c0").out("Out", "A").f("threshold", 6f).add();
    w.op("split").in("X", "A").out("Out", "a1", "a2").i("axis", 1).i("num", 2).ints("sections").add();
    w.op("swish").in("X", "a1").out("Out", "s1").f("beta", 1f).add();
    w.op("hard_sigmoid").in("X", "a2").out("Out", "s2").f("slope", 0.2f).f("offset", 0.5f).add();
    w.op("concat").in("X", "s1", "s2").out("Out", "cat").i("axis", 1).add();
    w.op("conv2d_transpose").in("Input", "cat").in("Filter", "convt_w").out("Output", "ct")
        .ints("strides", 2, 2).ints("paddings", 0, 0).ints("dilations", 1, 1).i("groups", 1)
        .ints("output_size").ints("output_padding").s("data_format", "NCHW").s("padding_algorithm", "EXPLICIT")
        .b("use_cudnn", false).b("use_mkldnn", false).i("workspace_size_MB", 512).b("is_test", true)
        .b("fuse_relu", false).s("fuse_activation", "").f("fuse_alpha", 0f).f("fuse_beta", 0f)
        .b("force_fp32_output", false).s("mkldnn_data_type", "float32").add();
    interp(w, "bilinear_interp_v2", "ct", "bi", "bilinear", 0.5f).add();
    w.op("sigmoid").in("X", "bi").out("Out", "sg").add();
    w.op("transpose2").in("X", "sg").out("Out", "t1").out("XShape", "t1x").ints("axis", 0, 2, 3, 1)
        .s("data_format", "AnyLayout").b("use_mkldnn", false).add();
    w.op("transpose2").in("X", "t1").out("Out", "t2").out("XShape", "t2x").ints("axis", 0, 3, 1, 2)
        .s("data_format", "AnyLayout").b("use_mkldnn", false).add();
    w.op("unsqueeze2").in("X", "t2").out("Out", "u").out("XShape", "ux").ints("axes", 4).add();
    w.op("squeeze2").in("X", "u").out("Out", "q").out("XShape", "qx").ints("axes", 4).add();
    interp(w, "nearest_interp_v2", "q", "ni", "nearest", 0.5f).add();
    conv(w, "conv2d", "q", "s2_w", "sc", 2, 1, 1).add(); // strided: conv2d_grad, not the forward-conv form
    eltwise(w, "elementwise_add", "ni", "sc", "ns", -1).add();
    conv(w, "depthwise_conv2d", "ns", "dw_w", "dw", 1, 1, 4).add();
    w.op("tanh").in("X", "dw").out("Out", "th").add();
    pool(w, "th", "pp", "avg", 1, true).add();
    w.op("reshape2").in("X", "pp").out("Out", "r").out("XShape", "rx").ints("shape", -1, 4).add();
    w.op("dropout").in("X", "r").out("Out", "dr").out("Mask", "drm").f("dropout_prob", 0.3f).b("is_test", true)
        .s("dropout_implementation", "downgrade_in_infer").b("fix_seed", false).i("seed", 0).add();
    w.op("mul").in("X", "dr").in("Y", "mul_w").out("Out", "mu").i("x_num_col_dims", 1).i("y_num_col_dims", 1)
        .b("use_mkldnn", false).f("scale_x", 1f).floats("scale_y", 1f).f("scale_out", 1f)
        .b("force_fp32_output", false).add();
    w.op("hard_swish").in("X", "mu").out("Out", "hs").f("threshold", 6f).f("scale", 6f).f("offset", 3f).add();
    w.op("matmul").in("X", "hs").in("Y", "mm_w").out("Out", "mm").b("transpose_X", false)
        .b("transpose_Y", false).f("alpha", 1f).add();
    eltwise(w, "elementwise_sub", "mm", "sub_b", "sb", -1).add();
    w.op("relu").in("X", "sb").out("Out", "re").add();
    eltwise(w, "elementwise_mul", "re", "mul_b", "em", -1).add();
    w.op("scale").in("X", "em").out("Out", "logits").f("scale", 2f).f("bias", 0.1f).b("bias_after_scale", true)
        .add();
    softmax(w, "logits", "probs").add();
    return w.fetch("probs");
  }

  /**
   * The reshape-type ops as newer exporters write them: no XShape output, an empty XShape slot, attributes a 2.x
   * exporter never wrote ({@code with_quant_attr}, {@code op_device}); {@code legacy} uses the first
   * versions (transpose, reshape, squeeze, unsqueeze, flatten) instead. relu = A -> transpose(0,2,3,1) ->
   * unsqueeze(1) -> squeeze(1) -> transpose(0,3,1,2) -> tanh -> reshape([0,4,64]) -> transpose(0,2,1) -> flatten
   * -> matmul_v2 + b = logits -> softmax.
   */
  static ProgramWriter reshapeVariants(boolean legacy) {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    w.param("conv_w", new long[] {C, 3, 3, 3}, ProgramWriter.random(C * 27, 31, 0.4f));
    w.param("fc_w", new long[] {C * S * S, K}, ProgramWriter.random(C * S * S * K, 32, 0.3f));
    w.param("fc_b", new long[] {K}, ProgramWriter.random(K, 33, 0.1f));
    w.var("c0", -1, C, S, S).var("A", -1, C, S, S).var("t1", -1, S, S, C).var("u", -1, 1, S, S, C)
        .var("q", -1, S, S, C).var("t2", -1, C, S, S).var("th", -1, C, S, S).var("r", -1, C, S * S)
        .var("rt", -1, S * S, C).var("f", -1, C * S * S).var("l0", -1, K).var("logits", -1, K).var("probs", -1, K);
    conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    w.op("relu").in("X", "c0").out("Out", "A").add();
    String v = legacy ? "" : "2";
    newer(w.op("transpose" + v).in("X", "A").out("Out", "t1").ints("axis", 0, 2, 3, 1)).add();
    ProgramWriter.Op u = w.op("unsqueeze" + v).in("X", "t1").out("Out", "u").ints("axes", 1);
    (legacy ? u : u.out("XShape")).add(); // newer exporters: an XShape slot with no variable
    ProgramWriter.Op q = w.op("squeeze" + v).in("X", "u").out("Out", "q");
    (legacy ? q.ints("axes", 1) : newer(q.ints("axes", 1))).add();
    newer(w.op("transpose" + v).in("X", "q").out("Out", "t2").ints("axis", 0, 3, 1, 2)).add();
    w.op("tanh").in("X", "t2").out("Out", "th").add();
    newer(w.op("reshape" + v).in("X", "th").out("Out", "r").ints("shape", 0, C, S * S)).add();
    newer(w.op("transpose" + v).in("X", "r").out("Out", "rt").ints("axis", 0, 2, 1)).add();
    (legacy ? w.op("flatten").in("X", "rt").out("Out", "f").i("axis", 1)
        : newer(w.op("flatten_contiguous_range").in("X", "rt").out("Out", "f").i("start_axis", 1)
            .i("stop_axis", -1))).add();
    return linearHead(w);
  }

  /** Attributes newer exporters add to every op. */
  private static ProgramWriter.Op newer(ProgramWriter.Op op) {
    return op.b("with_quant_attr", false).s("op_device", "");
  }

  private static ProgramWriter.Op interp(ProgramWriter w, String type, String in, String out, String method,
      float scale) {
    return w.op(type).in("X", in).out("Out", out).s("interp_method", method).s("data_layout", "NCHW")
        .i("out_d", -1).i("out_h", -1).i("out_w", -1).floats("scale", scale, scale).b("align_corners", false)
        .i("align_mode", 1).b("use_mkldnn", false);
  }

  /** A spec for a tiny model written into {@code dir}. */
  static ModelSpec spec(Path dir, String id, String layer, String logits, String output) throws IOException {
    return spec(dir, id, layer, logits, output, null);
  }

  /** As above, with {@code engine: ...} in the YAML when not null. */
  static ModelSpec spec(Path dir, String id, String layer, String logits, String output, String engine)
      throws IOException {
    return spec(dir, id, layer, logits, output, engine,
        "{resize: fixed, height: " + S + ", width: " + S + ", scale: 0.00392156862745098}");
  }

  /** A spec whose input size is free (the program's H and W stay -1; samples and trials are 8x12). */
  static ModelSpec freeSizeSpec(Path dir, String id, String layer, String logits, String output)
      throws IOException {
    return spec(dir, id, layer, logits, output, null, "{resize: longest-side, limitSideLen: 64, multiple: 4, height: "
        + S + ", width: " + S + ", scale: 0.00392156862745098}");
  }

  private static ModelSpec spec(Path dir, String id, String layer, String logits, String output, String engine,
      String input) throws IOException {
    Path yaml = dir.resolve(id + ".yaml");
    Files.writeString(yaml, String.join("\n",
        "id: " + id,
        "version: \"1\"",
        "files: {dir: " + dir.toAbsolutePath() + "}",
        "task: classification",
        "input: " + input,
        "output: " + output,
        "logits: " + logits,
        "targetLayer: " + layer,
        engine == null ? "" : "engine: " + engine,
        ""));
    return ModelSpec.load(yaml);
  }
}
