package io.camstream.model.onnx;

import io.camstream.model.Ops;
import io.camstream.model.Tensor;
import io.camstream.model.onnx.proto.Onnx.ModelProto;
import io.camstream.model.onnx.proto.Onnx.OperatorSetIdProto;
import io.camstream.model.onnx.proto.Onnx.TensorShapeProto;
import io.camstream.model.onnx.proto.Onnx.TypeProto;
import io.camstream.model.onnx.proto.Onnx.ValueInfoProto;
import io.camstream.model.proto.Framework.OpDesc;
import io.camstream.model.proto.Framework.ProgramDesc;
import io.camstream.model.proto.Framework.VarDesc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compiles a Paddle program (a model as shipped, or an explain program with its seed and grad ops) into one plain
 * forward ONNX graph, opset 17. Every grad op the makers emit is written as forward ONNX ops: a convolution's input
 * gradient as a ConvTranspose, activation gradients as element-wise masks, batch norm as its per-channel scale, and
 * so on. Weights become initializers; dims the program leaves free (-1) stay symbolic.
 *
 * <p>Anything without a translation throws {@link UnsupportedOnnxOpException} naming the op, so the caller keeps
 * the program on Paddle.
 */
public final class PaddleToOnnx {

  /** Opset 17: an opset 18 export exceeded 1e-4 on the detector (see notes); 17 agrees to 6e-5. */
  public static final int OPSET = 17;
  /** Bumped whenever a translation changes, so cached verdicts of older graphs are not reused. */
  public static final String VERSION = "18";

  /** tanh-approximated gelu's constants: sqrt(2/pi) and the cubic term's coefficient. */
  private static final float GELU_ALPHA = (float) Math.sqrt(2 / Math.PI);
  private static final float GELU_CUBIC = 0.044715f;

  private final ProgramDesc program;
  private final Map<String, Tensor> params;
  private final Map<String, VarDesc> vars = new HashMap<>();
  private final Map<String, String> xshapeOf = new HashMap<>();
  private final Map<String, OpDesc> producers = new HashMap<>();
  private final OnnxGraph g = new OnnxGraph();
  private final Set<String> initialized = new HashSet<>();
  /** reduce_mean ops over H and W of a conv's result that nothing else reads, with that conv (or conv_grad) op. */
  private final Map<OpDesc, ClosedForm> closedFormMeans = new HashMap<>();
  /** Transposed convs whose bias add (and batch norm) fold into their filter and bias, with the ops folded away. */
  private final Map<OpDesc, OpDesc[]> transposeFolds = new HashMap<>();
  private final Set<OpDesc> foldedAway = new HashSet<>();
  /** Input-gradient ops of a tiling transposed conv that end an upsampler pair's adjoint (see findTileChains). */
  private final Map<OpDesc, TileChain> tileChains = new HashMap<>();
  /** Channel sums of a product with per-channel weights, {@code sum_c w[n,c] A[n,c,h,w]}: the reduce, its operands. */
  private final Map<OpDesc, String[]> weightedSums = new HashMap<>();

  private PaddleToOnnx(ProgramDesc program, Map<String, Tensor> params) {
    this.program = program;
    this.params = params;
    for (VarDesc v : program.getBlocks(0).getVarsList()) {
      vars.put(v.getName(), v);
    }
  }

  /**
   * @param feedDims each feed in column order with its dims (-1 = free)
   * @param fetches the graph outputs, in order
   * @param params the program's persistable tensors
   */
  public static ModelProto compile(ProgramDesc program, Map<String, long[]> feedDims, List<String> fetches,
      Map<String, Tensor> params) {
    return new PaddleToOnnx(program, params).run(feedDims, fetches);
  }

  private ModelProto run(Map<String, long[]> feedDims, List<String> fetches) {
    List<OpDesc> ops = new ArrayList<>();
    for (OpDesc op : program.getBlocks(0).getOpsList()) {
      if (!op.getType().equals("feed") && !op.getType().equals("fetch")) {
        ops.add(op);
        for (String o : Ops.allOutputs(op)) {
          producers.putIfAbsent(o, op);
        }
        if (!Ops.args(op, false, "XShape").isEmpty() && !Ops.args(op, true, "X").isEmpty()) {
          xshapeOf.put(Ops.out(op, "XShape"), Ops.in(op, "X"));
        }
      }
    }
    for (Map.Entry<String, long[]> f : feedDims.entrySet()) {
      g.defineExternal(f.getKey(), OnnxGraph.FLOAT);
      g.proto().addInput(valueInfo(f.getKey(), OnnxGraph.FLOAT, f.getValue()));
    }
    List<OpDesc> live = live(ops, fetches);
    Map<String, Integer> readers = readers(live);
    findClosedFormMeans(live, fetches, readers);
    findWeightedSums(live, fetches, readers);
    findTileChains(live, fetches, readers);
    if (!closedFormMeans.isEmpty() || !weightedSums.isEmpty() || !tileChains.isEmpty()) {
      live = live(ops, fetches); // without the ops whose whole result only fed a shortcut
    }
    findTransposeFolds(live, fetches, readers(live));
    for (OpDesc op : live) {
      translate(op);
    }
    for (String f : fetches) {
      g.proto().addOutput(valueInfo(g.use(f), g.type(f), null));
    }
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("camstream").setProducerVersion(VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g.proto()).build();
  }

  /** The ops the fetches depend on, in program order (dead ops are not translated at all). */
  private List<OpDesc> live(List<OpDesc> ops, List<String> fetches) {
    Set<String> needed = new HashSet<>(fetches);
    boolean[] keep = new boolean[ops.size()];
    for (int i = ops.size() - 1; i >= 0; i--) {
      OpDesc op = ops.get(i);
      if (Ops.allOutputs(op).stream().anyMatch(needed::contains)) {
        keep[i] = true;
        needed.addAll(reads(op));
        // a grad op reading an XShape really reads the forward input's shape
        for (String in : Ops.allInputs(op)) {
          if (xshapeOf.containsKey(in)) {
            needed.add(xshapeOf.get(in));
          }
        }
      }
    }
    List<OpDesc> out = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (keep[i]) {
        out.add(ops.get(i));
      }
    }
    return out;
  }

  private static ValueInfoProto valueInfo(String name, int elemType, long[] dims) {
    TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(elemType);
    if (dims != null) {
      TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
      for (int i = 0; i < dims.length; i++) {
        TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
        if (dims[i] >= 0) {
          d.setDimValue(dims[i]);
        } else {
          d.setDimParam(i == 0 ? "N" : dims.length == 4 && i == 2 ? "H" : dims.length == 4 && i == 3 ? "W"
              : name + "_d" + i);
        }
        s.addDim(d);
      }
      t.setShape(s);
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
  }

  // ---- variables -------------------------------------------------------------------------------------------

  /** The ONNX value of a Paddle input variable; persistable ones become initializers on first use. */
  private String in(String var) {
    if (!g.isDefined(var) && params.containsKey(var) && initialized.add(var)) {
      Tensor t = params.get(var);
      g.initializer(var, t.dims(), t.data());
      g.defineExternal(var, OnnxGraph.FLOAT);
    }
    return g.use(var);
  }

  private String in(OpDesc op, String slot) {
    return in(Ops.in(op, slot));
  }

  private boolean has(OpDesc op, boolean input, String slot) {
    List<String> a = Ops.args(op, input, slot);
    return !a.isEmpty() && !a.get(0).equals(Ops.EMPTY);
  }

  /** Writes an op's float output slot from an ONNX value computed into a temporary. */
  private void out(OpDesc op, String slot, String value) {
    set(Ops.out(op, slot), value, OnnxGraph.FLOAT);
  }

  private void set(String var, String value, int type) {
    g.node("Identity", List.of(value), List.of(g.def(var, type)));
  }

  /** One node whose single output is the op's output slot. */
  private void emit(OpDesc op, String onnxType, String outSlot, List<String> inputs, Object... attrs) {
    g.node(onnxType, inputs, List.of(g.def(Ops.out(op, outSlot), OnnxGraph.FLOAT)), attrs);
  }

  private long[] dims(String var) {
    VarDesc v = vars.get(var);
    if (v != null && v.getType().hasLodTensor()) {
      return v.getType().getLodTensor().getTensor().getDimsList().stream().mapToLong(Long::longValue).toArray();
    }
    Tensor t = params.get(var);
    if (t != null) {
      return t.dims();
    }
    throw new UnsupportedOnnxOpException("?", "no declared dims for " + var);
  }

  private Tensor param(OpDesc op, String slot) {
    Tensor t = params.get(Ops.in(op, slot));
    if (t == null) {
      throw new UnsupportedOnnxOpException(op.getType(), slot + " is not a parameter");
    }
    return t;
  }

  // ---- attributes ------------------------------------------------------------------------------------------

  private static OpDesc.Attr attr(OpDesc op, String name) {
    return Ops.attr(op, name);
  }

  private static long[] ints(OpDesc op, String name, long... dflt) {
    OpDesc.Attr a = attr(op, name);
    if (a == null) {
      return dflt;
    }
    if (a.getLongsCount() > 0) {
      return a.getLongsList().stream().mapToLong(Long::longValue).toArray();
    }
    return a.getIntsList().stream().mapToLong(Integer::longValue).toArray();
  }

  private static long intOf(OpDesc op, String name, long dflt) {
    OpDesc.Attr a = attr(op, name);
    return a == null ? dflt : a.hasL() ? a.getL() : a.hasI() ? a.getI() : dflt;
  }

  private static float floatOf(OpDesc op, String name, float dflt) {
    return Ops.floatAttr(op, name, dflt);
  }

  private static boolean boolOf(OpDesc op, String name, boolean dflt) {
    OpDesc.Attr a = attr(op, name);
    return a == null || !a.hasB() ? dflt : a.getB();
  }

  private static String strOf(OpDesc op, String name, String dflt) {
    return Ops.stringAttr(op, name, dflt);
  }

  private static void nchw(OpDesc op) {
    String layout = strOf(op, "data_format", strOf(op, "data_layout", "NCHW"));
    if (!layout.equals("NCHW") && !layout.equals("AnyLayout")) {
      throw new UnsupportedOnnxOpException(op.getType(), "layout " + layout);
    }
  }

  /** Paddle paddings ([h, w] or [top, bottom, left, right]) as ONNX pads [top, left, bottom, right]. */
  private static long[] pads(OpDesc op) {
    String alg = strOf(op, "padding_algorithm", "EXPLICIT");
    if (alg.equals("VALID")) {
      return new long[] {0, 0, 0, 0};
    }
    if (alg.equals("SAME")) {
      throw new UnsupportedOnnxOpException(op.getType(), "padding_algorithm SAME");
    }
    long[] p = ints(op, "paddings", 0, 0);
    if (p.length == 2) {
      return new long[] {p[0], p[1], p[0], p[1]};
    }
    if (p.length == 4) {
      return new long[] {p[0], p[2], p[1], p[3]};
    }
    throw new UnsupportedOnnxOpException(op.getType(), "paddings " + Arrays.toString(p));
  }

  // ---- translation -----------------------------------------------------------------------------------------

  private void translate(OpDesc op) {
    if (foldedAway.contains(op)) {
      return; // computed by the transposed conv it follows
    }
    String t = op.getType();
    switch (t) {
      case "conv2d", "depthwise_conv2d" -> conv(op);
      case "conv2d_transpose", "depthwise_conv2d_transpose" -> convTranspose(op);
      case "conv2d_grad", "depthwise_conv2d_grad" -> convInputGrad(op);
      case "conv2d_transpose_grad", "depthwise_conv2d_transpose_grad" -> convTransposeInputGrad(op);
      case "batch_norm" -> batchNorm(op);
      case "batch_norm_grad" -> batchNormGrad(op);
      case "pool2d" -> pool(op);
      case "pool2d_grad" -> poolGrad(op);
      case "elementwise_add", "elementwise_sub", "elementwise_mul", "elementwise_div" -> elementwise(op);
      case "elementwise_add_grad", "elementwise_sub_grad", "elementwise_mul_grad", "elementwise_div_grad" ->
          elementwiseGrad(op);
      case "relu", "relu6", "sigmoid", "tanh", "hard_sigmoid", "hard_swish", "swish", "silu", "gelu", "leaky_relu",
          "mish" -> activation(op);
      case "relu_grad", "relu6_grad", "sigmoid_grad", "tanh_grad", "hard_sigmoid_grad", "hard_swish_grad",
          "swish_grad", "silu_grad", "gelu_grad", "leaky_relu_grad" -> activationGrad(op);
      case "matmul", "matmul_v2" -> matmul(op);
      case "matmul_grad", "matmul_v2_grad" -> matmulGrad(op);
      case "mul" -> mul(op);
      case "mul_grad" -> mulGrad(op);
      case "softmax" -> emit(op, "Softmax", "Out", List.of(in(op, "X")), "axis", intOf(op, "axis", -1));
      case "softmax_grad" -> softmaxGrad(op);
      case "scale" -> scale(op);
      case "concat" -> concat(op);
      case "concat_grad" -> concatGrad(op);
      case "split" -> split(op);
      case "slice" -> slice(op);
      case "slice_grad" -> sliceGrad(op);
      case "expand_v2" -> expand(op);
      case "layer_norm" -> layerNorm(op);
      case "layer_norm_grad" -> layerNormGrad(op);
      case "shape" -> g.node("Shape", List.of(in(op, "Input")), List.of(g.def(Ops.out(op, "Out"), OnnxGraph.INT64)));
      case "reshape2", "reshape" -> reshape(op);
      case "flatten_contiguous_range" -> flatten(op);
      case "squeeze2", "squeeze" -> emit(op, "Squeeze", "Out", axesInputs(op, in(op, "X")));
      case "unsqueeze2", "unsqueeze" -> unsqueeze(op);
      case "transpose2", "transpose" -> emit(op, "Transpose", "Out", List.of(in(op, "X")), "perm", ints(op, "axis"));
      case "reshape2_grad", "flatten_contiguous_range_grad", "squeeze2_grad", "unsqueeze2_grad", "reshape_grad",
          "squeeze_grad", "unsqueeze_grad" -> emit(op, "Reshape", "X@GRAD",
              List.of(in(op, "Out@GRAD"), g.op("Shape", forwardInput(op))));
      case "transpose2_grad", "transpose_grad" -> transposeGrad(op);
      case "nearest_interp", "nearest_interp_v2", "bilinear_interp", "bilinear_interp_v2" -> interp(op);
      case "nearest_interp_grad", "nearest_interp_v2_grad", "bilinear_interp_grad", "bilinear_interp_v2_grad" ->
          interpGrad(op);
      case "dropout" -> dropout(op);
      case "clip" -> clip(op);
      case "fill_constant" -> fillConstant(op);
      case "fill_any_like" -> emit(op, "ConstantOfShape", "Out", List.of(g.op("Shape", in(op, "X"))),
          "value", OnnxGraph.tensor(null, OnnxGraph.FLOAT, new long[] {1}, null,
              new float[] {floatOf(op, "value", 0f)}));
      case "sum" -> emit(op, "Sum", "Out", Ops.args(op, true, "X").stream().map(this::in).toList());
      case "flip" -> flip(op);
      case "reduce_mean", "reduce_sum", "reduce_max", "reduce_min" -> reduce(op);
      case "reduce_mean_grad", "reduce_sum_grad", "reduce_max_grad", "reduce_min_grad" -> reduceGrad(op);
      case "arg_max" -> g.node("ArgMax", List.of(in(op, "X")), List.of(g.def(Ops.out(op, "Out"), OnnxGraph.INT64)),
          "axis", intOf(op, "axis", -1), "keepdims", boolOf(op, "keepdims", false) ? 1 : 0);
      case "one_hot_v2" -> emit(op, "OneHot", "Out", List.of(in(op, "X"), g.longs(intOf(op, "depth", -1)),
          g.floats(new long[] {2}, 0f, 1f)), "axis", -1);
      case "greater_than" -> g.node("Greater", List.of(in(op, "X"), in(op, "Y")),
          List.of(g.def(Ops.out(op, "Out"), OnnxGraph.BOOL)));
      case "cast" -> cast(op);
      default -> throw new UnsupportedOnnxOpException(t, null);
    }
  }

  /** The forward input of a shape-only op's grad: its X slot, or the X recorded for its XShape. */
  private String forwardInput(OpDesc op) {
    if (has(op, true, "X")) {
      return in(op, "X");
    }
    String xs = Ops.in(op, "XShape");
    String x = xshapeOf.get(xs);
    if (x == null) {
      throw new UnsupportedOnnxOpException(op.getType(), "XShape " + xs + " has no forward op");
    }
    return in(x);
  }

  private void conv(OpDesc op) {
    nchw(op);
    long[] w = dims(Ops.in(op, "Filter"));
    List<String> inputs = new ArrayList<>(List.of(in(op, "Input"), in(op, "Filter")));
    if (has(op, true, "Bias")) {
      inputs.add(in(op, "Bias"));
    }
    if (has(op, true, "ResidualData")) {
      throw new UnsupportedOnnxOpException(op.getType(), "ResidualData");
    }
    emit(op, "Conv", "Output", inputs, "kernel_shape", new long[] {w[2], w[3]}, "strides", ints(op, "strides", 1, 1),
        "pads", pads(op), "dilations", ints(op, "dilations", 1, 1), "group", intOf(op, "groups", 1));
  }

  private void convTranspose(OpDesc op) {
    nchw(op);
    if (ints(op, "output_size").length > 0 || has(op, true, "Bias")) {
      throw new UnsupportedOnnxOpException(op.getType(), "output_size or bias");
    }
    long[] w = dims(Ops.in(op, "Filter"));
    long[] outPad = ints(op, "output_padding", 0, 0);
    List<String> inputs = List.of(in(op, "Input"), in(op, "Filter"));
    String out = Ops.out(op, "Output");
    OpDesc[] fold = transposeFolds.get(op);
    if (fold != null) {
      inputs = foldedFilterAndBias(op, fold[0], fold[1]);
      out = fold[1] != null ? Ops.out(fold[1], "Y") : Ops.out(fold[0], "Out");
    }
    g.node("ConvTranspose", inputs, List.of(g.def(out, OnnxGraph.FLOAT)),
        "kernel_shape", new long[] {w[2], w[3]}, "strides", ints(op, "strides", 1, 1), "pads", pads(op),
        "dilations", ints(op, "dilations", 1, 1), "group", intOf(op, "groups", 1),
        "output_padding", outPad.length == 2 ? outPad : new long[] {0, 0});
  }

  /**
   * ONNX Runtime folds a following bias add and batch norm into a Conv, not into a ConvTranspose, where they stay
   * two passes over the full-resolution output (the DB head's first upsampler: 0.4 + 0.7 ms at 240x320). Folded
   * here: with a = scale / sqrt(var + eps) per output channel, the filter is scaled by a and the bias is
   * a * (b - mean) + beta. Only where nothing else reads the intermediate results.
   */
  private void findTransposeFolds(List<OpDesc> live, List<String> fetches, Map<String, Integer> readers) {
    Map<String, OpDesc> readerOf = new HashMap<>();
    for (OpDesc op : live) {
      for (String in : Ops.allInputs(op)) {
        readerOf.put(in, op);
      }
    }
    for (OpDesc op : live) {
      if (!op.getType().equals("conv2d_transpose") || intOf(op, "groups", 1) != 1 || has(op, true, "Bias")
          || !params.containsKey(Ops.in(op, "Filter"))) {
        continue;
      }
      long cout = params.get(Ops.in(op, "Filter")).dims()[1];
      String conv = Ops.out(op, "Output");
      OpDesc add = soleReader(conv, "elementwise_add", "X", fetches, readers, readerOf);
      Tensor bias = add == null ? null : params.get(Ops.in(add, "Y"));
      if (bias == null || bias.dims().length != 1 || bias.dims()[0] != cout || intOf(add, "axis", -1) != 1) {
        continue;
      }
      OpDesc bn = soleReader(Ops.out(add, "Out"), "batch_norm", "X", fetches, readers, readerOf);
      if (bn != null && !foldableBn(bn)) {
        bn = null;
      }
      transposeFolds.put(op, new OpDesc[] {add, bn});
      foldedAway.add(add);
      if (bn != null) {
        foldedAway.add(bn);
      }
    }
  }

  /** The one live op reading {@code var}, in {@code slot}, if of {@code type}; {@code var} not fetched. */
  private static OpDesc soleReader(String var, String type, String slot, List<String> fetches,
      Map<String, Integer> readers, Map<String, OpDesc> readerOf) {
    OpDesc op = readerOf.get(var);
    return op != null && op.getType().equals(type) && readers.getOrDefault(var, 0) == 1 && !fetches.contains(var)
        && var.equals(Ops.in(op, slot)) ? op : null;
  }

  private List<String> foldedFilterAndBias(OpDesc op, OpDesc add, OpDesc bn) {
    Tensor filter = params.get(Ops.in(op, "Filter"));
    long[] d = filter.dims();
    int cout = (int) d[1];
    int taps = (int) (d[2] * d[3]);
    float[] b = params.get(Ops.in(add, "Y")).data();
    float[] a = new float[cout];
    Arrays.fill(a, 1f);
    if (bn != null) {
      a = bnScale(bn);
      b = bnShift(bn, a, b);
    }
    float[] f = filter.data().clone();
    for (int i = 0; i < f.length; i++) {
      f[i] *= a[(i / taps) % cout];
    }
    return List.of(in(op, "Input"), g.floats(d, f), g.floats(new long[] {cout}, b));
  }

  /**
   * Input gradient of a convolution: the transposed convolution of the output gradient with the same filter. The
   * begin padding is applied, the end padding is left off and the last stride-1 rows kept (output_padding), then
   * the result is cut to the input's size: rows a strided window never read get no gradient, as in Paddle.
   */
  private void convInputGrad(OpDesc op) {
    nchw(op);
    if (!has(op, false, "Input@GRAD")) {
      return;
    }
    long[] w = dims(Ops.in(op, "Filter"));
    long[] s = ints(op, "strides", 1, 1);
    long[] d = ints(op, "dilations", 1, 1);
    long[] p = pads(op);
    String x = in(op, "Input");
    String gradOut = in(op, "Output@GRAD");
    if (s[0] == 1 && s[1] == 1) {
      emit(op, "ConvTranspose", "Input@GRAD", List.of(gradOut, in(op, "Filter")), "kernel_shape",
          new long[] {w[2], w[3]}, "strides", s, "pads", p, "dilations", d, "group", intOf(op, "groups", 1));
      return;
    }
    String full = g.op("ConvTranspose", List.of(gradOut, in(op, "Filter")), "kernel_shape", new long[] {w[2], w[3]},
        "strides", s, "pads", new long[] {p[0], p[1], 0, 0}, "dilations", d, "group", intOf(op, "groups", 1),
        "output_padding", new long[] {s[0] - 1, s[1] - 1});
    String hw = g.op("Slice", List.of(g.op("Shape", x), g.longs(2), g.longs(4)));
    emit(op, "Slice", "Input@GRAD", List.of(full, g.longs(0, 0), hw, g.longs(2, 3)));
  }

  /** Input gradient of a transposed convolution: the convolution of the output gradient with the same filter. */
  private void convTransposeInputGrad(OpDesc op) {
    nchw(op);
    if (!has(op, false, "Input@GRAD")) {
      return;
    }
    TileChain chain = tileChains.get(op);
    if (chain != null) {
      tileChainInputGrad(op, chain);
      return;
    }
    long[] w = dims(Ops.in(op, "Filter"));
    Tensor filter = constant(Ops.in(op, "Filter"));
    if (filter != null && tiling(op, w)) {
      tilingTransposeInputGrad(op, filter);
      return;
    }
    emit(op, "Conv", "Input@GRAD", List.of(in(op, "Output@GRAD"), in(op, "Filter")), "kernel_shape",
        new long[] {w[2], w[3]}, "strides", ints(op, "strides", 1, 1), "pads", pads(op),
        "dilations", ints(op, "dilations", 1, 1), "group", intOf(op, "groups", 1));
  }

  /** A transposed conv whose windows tile its output: kernel = stride, square, no padding, one group. */
  private boolean tiling(OpDesc op, long[] w) {
    long[] st = ints(op, "strides", 1, 1);
    long[] out = ints(op, "output_padding");
    long[] size = ints(op, "output_size");
    return w.length == 4 && w[2] == w[3] && w[2] > 1 && st.length == 2 && st[0] == w[2] && st[1] == w[3]
        && Arrays.stream(pads(op)).allMatch(v -> v == 0) && Arrays.equals(ints(op, "dilations", 1, 1),
        new long[] {1, 1}) && intOf(op, "groups", 1) == 1 && Arrays.stream(out).allMatch(v -> v == 0)
        && size.length == 0 && !strOf(op, "padding_algorithm", "EXPLICIT").equals("SAME");
  }

  /**
   * The input gradient of a tiling transposed conv: each input pixel's window is its own block of the output
   * gradient, so it is SpaceToDepth then one matrix product, in NCHW. As a strided Conv, ONNX Runtime would run it
   * in NCHWc blocks and reorder the full-resolution tensors around the activation masks on both sides.
   */
  private void tilingTransposeInputGrad(OpDesc op, Tensor filter) {
    long[] w = filter.dims();
    int ci = (int) w[0];
    int co = (int) w[1];
    int s = (int) w[2];
    // SpaceToDepth puts output pixel (a, b) of each block, channel c, at depth (a*s + b)*Co + c
    float[] m = new float[ci * s * s * co];
    float[] f = filter.data();
    for (int i = 0; i < ci; i++) {
      for (int c = 0; c < co; c++) {
        for (int a = 0; a < s; a++) {
          for (int b = 0; b < s; b++) {
            m[i * s * s * co + (a * s + b) * co + c] = f[((i * co + c) * s + a) * s + b];
          }
        }
      }
    }
    String blocks = g.op("SpaceToDepth", in(op, "Output@GRAD"), "blocksize", (long) s);
    String prod = g.op("MatMul", List.of(g.floats(new long[] {ci, (long) s * s * co}, m),
        g.op("Reshape", List.of(blocks, g.longs(0, 0, -1)))));
    emit(op, "Reshape", "Input@GRAD", List.of(prod, shapeWithChannels(blocks, ci)));
  }

  /**
   * Two tiling transposed convs with a bias, an inference batch norm and a ReLU between them (the DB head's
   * upsamplers): {@code y = relu(bn(convT1(x) + b))}, then {@code convT2(y)}. Their adjoint, written op by op, brings
   * the gradient to y's full resolution, masks and scales it there, and then needs it in SpaceToDepth blocks for
   * convT1's adjoint: a copy of the whole tensor (1.5 ms of the detector's explain graph in ONNX Runtime). Kept in
   * blocks of x's resolution from the start, no full-resolution copy is made: convT2's adjoint takes the output
   * gradient in blocks of both strides at once, and the ReLU mask comes from convT1's forward product recomputed in
   * blocks with the batch-norm scale and shift folded in ({@code a*z > -(a*(b - mean) + beta)}), a matrix product
   * the size of convT1's own. The batch-norm scale of the gradient folds into convT1's adjoint matrix.
   */
  private void findTileChains(List<OpDesc> live, List<String> fetches, Map<String, Integer> readers) {
    for (OpDesc inner : live) {
      if (!inner.getType().equals("conv2d_transpose_grad") || !has(inner, false, "Input@GRAD")) {
        continue;
      }
      OpDesc addGrad = soleProducer(Ops.in(inner, "Output@GRAD"), "elementwise_add_grad", "X@GRAD", fetches, readers);
      OpDesc bnGrad = addGrad == null ? null
          : soleProducer(Ops.in(addGrad, "Out@GRAD"), "batch_norm_grad", "X@GRAD", fetches, readers);
      OpDesc reluGrad = bnGrad == null ? null
          : soleProducer(Ops.in(bnGrad, "Y@GRAD"), "relu_grad", "X@GRAD", fetches, readers);
      OpDesc outer = reluGrad == null ? null
          : soleProducer(Ops.in(reluGrad, "Out@GRAD"), "conv2d_transpose_grad", "Input@GRAD", fetches, readers);
      if (outer == null || !Ops.in(outer, "Input").equals(Ops.in(reluGrad, "Out"))) {
        continue;
      }
      // the forward chain the grads belong to: relu(batch_norm(convT1(x) + b)) read by convT2
      OpDesc relu = producers.get(Ops.in(reluGrad, "Out"));
      OpDesc bn = relu == null || !relu.getType().equals("relu") ? null : producers.get(Ops.in(relu, "X"));
      OpDesc add = bn == null || !bn.getType().equals("batch_norm") ? null : producers.get(Ops.in(bn, "X"));
      OpDesc convT = add == null || !add.getType().equals("elementwise_add") ? null
          : producers.get(Ops.in(add, "X"));
      if (convT == null || !convT.getType().equals("conv2d_transpose")
          || !Ops.out(convT, "Output").equals(Ops.in(addGrad, "X"))
          || !Ops.in(convT, "Input").equals(Ops.in(inner, "Input"))
          || !Ops.in(convT, "Filter").equals(Ops.in(inner, "Filter"))) {
        continue;
      }
      Tensor w1 = constant(Ops.in(inner, "Filter"));
      Tensor w2 = constant(Ops.in(outer, "Filter"));
      Tensor bias = params.get(Ops.in(add, "Y"));
      if (w1 == null || w2 == null || bias == null || !tiling(inner, w1.dims()) || !tiling(outer, w2.dims())
          || !tiling(convT, w1.dims()) || bias.dims().length != 1 || bias.dims()[0] != w1.dims()[1]
          || intOf(add, "axis", -1) != 1 || w2.dims()[0] != w1.dims()[1] || !foldableBn(bn)) {
        continue;
      }
      tileChains.put(inner, new TileChain(outer, bn, w1, w2, bias));
    }
  }

  /** The op writing {@code var} into {@code slot}, if of {@code type}, with no other output anything reads. */
  private OpDesc soleProducer(String var, String type, String slot, List<String> fetches,
      Map<String, Integer> readers) {
    OpDesc op = producers.get(var);
    if (op == null || !op.getType().equals(type) || !var.equals(Ops.out(op, slot))) {
      return null;
    }
    for (String o : Ops.allOutputs(op)) {
      if (!o.equals(Ops.EMPTY) && (fetches.contains(o) || readers.getOrDefault(o, 0) != (o.equals(var) ? 1 : 0))) {
        return null;
      }
    }
    return op;
  }

  private void tileChainInputGrad(OpDesc op, TileChain c) {
    long[] d1 = c.w1().dims(); // [Cin, C, s1, s1]
    long[] d2 = c.w2().dims(); // [C, C2, s2, s2]
    int cin = (int) d1[0];
    int ch = (int) d1[1];
    int s1 = (int) d1[2];
    int c2 = (int) d2[1];
    int s2 = (int) d2[2];
    int s = s1 * s2;
    int rows = s1 * s1 * ch; // blocks of x's resolution: depth (i*s1 + j)*C + c, as SpaceToDepth orders it
    float[] f1 = c.w1().data();
    float[] f2 = c.w2().data();
    float[] a = bnScale(c.bn());
    float[] shift = bnShift(c.bn(), a, c.bias().data());
    float[] threshold = new float[rows];
    float[] up = new float[rows * s * s * c2]; // convT2's adjoint: [s1*s1*C, S*S*C2]
    float[] fwd = new float[rows * cin]; // convT1 recomputed in blocks, batch-norm scale folded in
    float[] back = new float[cin * rows]; // convT1's adjoint, batch-norm scale folded in
    for (int i = 0; i < s1; i++) {
      for (int j = 0; j < s1; j++) {
        for (int k = 0; k < ch; k++) {
          int row = (i * s1 + j) * ch + k;
          threshold[row] = -shift[k];
          for (int x = 0; x < cin; x++) {
            float w = f1[((x * ch + k) * s1 + i) * s1 + j];
            fwd[row * cin + x] = a[k] * w;
            back[x * rows + row] = a[k] * w;
          }
          for (int p = 0; p < s2; p++) {
            for (int q = 0; q < s2; q++) {
              for (int o = 0; o < c2; o++) {
                int depth = ((i * s2 + p) * s + (j * s2 + q)) * c2 + o;
                up[row * s * s * c2 + depth] = f2[((k * c2 + o) * s2 + p) * s2 + q];
              }
            }
          }
        }
      }
    }
    String x = in(op, "Input");
    String flat = g.op("Reshape", List.of(x, g.longs(0, 0, -1)));
    String blocks = g.op("SpaceToDepth", in(c.outer(), "Output@GRAD"), "blocksize", (long) s);
    String grad = g.op("MatMul", List.of(g.floats(new long[] {rows, (long) s * s * c2}, up),
        g.op("Reshape", List.of(blocks, g.longs(0, 0, -1)))));
    String z = g.op("MatMul", List.of(g.floats(new long[] {rows, cin}, fwd), flat));
    String mask = mask(g.op("Greater", List.of(z, g.floats(new long[] {rows, 1}, threshold))));
    String prod = g.op("MatMul", List.of(g.floats(new long[] {cin, rows}, back),
        g.op("Mul", List.of(grad, mask))));
    emit(op, "Reshape", "Input@GRAD", List.of(prod, g.op("Shape", x)));
  }

  /**
   * @param outer convT2's input-gradient op, where the chain starts
   * @param bn the forward batch norm between the two
   */
  private record TileChain(OpDesc outer, OpDesc bn, Tensor w1, Tensor w2, Tensor bias) {}

  /** The runtime shape of 4-D {@code x} with {@code channels} in dim 1: [N, channels, H, W]. */
  private String shapeWithChannels(String x, long channels) {
    String shape = g.op("Shape", x);
    return g.op("Concat", List.of(g.op("Slice", List.of(shape, g.longs(0), g.longs(1))), g.longs(channels),
        g.op("Slice", List.of(shape, g.longs(2), g.longs(4)))), "axis", 0);
  }

  private void batchNorm(OpDesc op) {
    nchw(op);
    emit(op, "BatchNormalization", "Y", List.of(in(op, "X"), in(op, "Scale"), in(op, "Bias"), in(op, "Mean"),
        in(op, "Variance")), "epsilon", floatOf(op, "epsilon", 1e-5f));
  }

  /** With the running statistics, batch norm is y = a*x + b per channel, so dX = a * dY. */
  private void batchNormGrad(OpDesc op) {
    nchw(op);
    if (!has(op, false, "X@GRAD")) {
      return;
    }
    float[] a = bnScale(op);
    emit(op, "Mul", "X@GRAD", List.of(in(op, "Y@GRAD"), g.floats(new long[] {1, a.length, 1, 1}, a)));
  }

  /** Batch norm with its running statistics as y = a*x + shift per channel: a = scale / sqrt(var + eps). */
  private float[] bnScale(OpDesc bn) {
    Tensor scale = param(bn, "Scale");
    Tensor var = param(bn, "Variance");
    float eps = floatOf(bn, "epsilon", 1e-5f);
    float[] a = new float[scale.size()];
    for (int c = 0; c < a.length; c++) {
      a[c] = (float) (scale.data()[c] / Math.sqrt(var.data()[c] + (double) eps));
    }
    return a;
  }

  /** The shift of a batch norm applied to x + bias: a*(bias - mean) + beta per channel. */
  private float[] bnShift(OpDesc bn, float[] a, float[] bias) {
    float[] mean = param(bn, "Mean").data();
    float[] beta = param(bn, "Bias").data();
    float[] shift = new float[a.length];
    for (int c = 0; c < a.length; c++) {
      shift[c] = a[c] * (bias[c] - mean[c]) + beta[c];
    }
    return shift;
  }

  /** Whether a batch norm's four tensors are parameters, so it can be folded into the op before it. */
  private boolean foldableBn(OpDesc bn) {
    return Stream.of("Scale", "Bias", "Mean", "Variance").allMatch(slot -> params.containsKey(Ops.in(bn, slot)));
  }

  /** Global pooling, or adaptive average pooling to 1x1 (Paddle's max pooling ignores "adaptive"). */
  private boolean globalPool(OpDesc op) {
    long[] k = ints(op, "ksize");
    return boolOf(op, "global_pooling", false) || (boolOf(op, "adaptive", false)
        && strOf(op, "pooling_type", "max").equals("avg") && k.length == 2 && k[0] == 1 && k[1] == 1);
  }

  private void pool(OpDesc op) {
    nchw(op);
    boolean max = strOf(op, "pooling_type", "max").equals("max");
    if (globalPool(op)) {
      emit(op, max ? "GlobalMaxPool" : "GlobalAveragePool", "Out", List.of(in(op, "X")));
      return;
    }
    if (boolOf(op, "adaptive", false)) {
      if (max) {
        // Paddle's pool2d kernel runs max pooling in plain windows of ksize and strides whatever "adaptive" says;
        // exporters write adaptive max pooling as max_pool2d_with_index
        throw new UnsupportedOnnxOpException("pool2d", "max pooling with adaptive=true");
      }
      // the windows of adaptive average pooling are separable: Out = R_h . X . R_w^T
      long[] k = ints(op, "ksize");
      String shape = g.op("Shape", in(op, "X"));
      String rh = poolMatrix(op, dim(shape, 2), g.longScalar(k[0]), 0);
      String rw = poolMatrix(op, dim(shape, 3), g.longScalar(k[1]), 1);
      emit(op, "MatMul", "Out", List.of(g.op("MatMul", List.of(rh, in(op, "X"))),
          g.op("Transpose", rw, "perm", new long[] {1, 0})));
      return;
    }
    long[] k = ints(op, "ksize");
    List<Object> attrs = new ArrayList<>(List.of("kernel_shape", k, "strides", ints(op, "strides", 1, 1), "pads",
        pads(op), "ceil_mode", boolOf(op, "ceil_mode", false) ? 1 : 0));
    if (!max) {
      attrs.addAll(List.of("count_include_pad", boolOf(op, "exclusive", true) ? 0 : 1));
    }
    emit(op, max ? "MaxPool" : "AveragePool", "Out", List.of(in(op, "X")), attrs.toArray());
  }

  private void poolGrad(OpDesc op) {
    nchw(op);
    if (!has(op, false, "X@GRAD")) {
      return;
    }
    boolean max = strOf(op, "pooling_type", "max").equals("max");
    String x = in(op, "X");
    String gradOut = in(op, "Out@GRAD");
    String shape = g.op("Shape", x);
    if (globalPool(op) && !max) {
      // each input pixel gets dOut / (H*W)
      String hw = g.op("Cast", g.op("ReduceProd", g.op("Slice", List.of(shape, g.longs(2), g.longs(4))),
          "keepdims", 0), "to", OnnxGraph.FLOAT);
      emit(op, "Div", "X@GRAD", List.of(g.op("Expand", List.of(gradOut, shape)), hw));
      return;
    }
    if (globalPool(op)) {
      String hit = g.op("Cast", g.op("Equal", List.of(x, in(op, "Out"))), "to", OnnxGraph.FLOAT);
      emit(op, "Mul", "X@GRAD", List.of(hit, gradOut));
      return;
    }
    if (!max) {
      // every average window, adaptive or not, is a product of a row range and a column range, each input pixel
      // weighted 1/pool_size: dX = R_h^T . dOut . R_w
      String outShape = g.op("Shape", gradOut);
      separableAdjoint(op, poolMatrix(op, dim(shape, 2), dim(outShape, 2), 0),
          poolMatrix(op, dim(shape, 3), dim(outShape, 3), 1), gradOut);
      return;
    }
    if (boolOf(op, "adaptive", false)) {
      throw new UnsupportedOnnxOpException("pool2d_grad", "max pooling with adaptive=true");
    }
    // max pooling: the gradient goes to the (first) arg-max of each window, as Paddle's kernel does
    String indices = g.tmp("maxpool_idx");
    long[] k = ints(op, "ksize");
    long[] strides = ints(op, "strides", 1, 1);
    long[] pads = pads(op);
    boolean ceil = boolOf(op, "ceil_mode", false);
    g.node("MaxPool", List.of(x), List.of(g.tmp("maxpool_val"), indices), "kernel_shape", k, "strides", strides,
        "pads", pads, "ceil_mode", ceil ? 1 : 0);
    if (k.length == 2 && Arrays.equals(k, strides) && Arrays.stream(pads).allMatch(v -> v == 0) && !ceil) {
      // windows that do not overlap: each window's output gradient goes to its arg-max pixel, which MaxUnpool does
      // with the pool's own indices; nothing needs adding up, and the general ScatterElements with add runs on one
      // thread (2 ms of a batch-8 classifier explain's 13)
      emit(op, "MaxUnpool", "X@GRAD", List.of(gradOut, indices, shape), "kernel_shape", k, "strides", k);
      return;
    }
    String flat = g.longs(-1);
    String zeros = g.op("ConstantOfShape", g.op("ReduceProd", shape, "keepdims", 1), "value",
        OnnxGraph.tensor(null, OnnxGraph.FLOAT, new long[] {1}, null, new float[] {0f}));
    String scattered = g.op("ScatterElements", List.of(zeros, g.op("Reshape", List.of(indices, flat)),
        g.op("Reshape", List.of(gradOut, flat))), "axis", 0, "reduction", "add");
    emit(op, "Reshape", "X@GRAD", List.of(scattered, shape));
  }

  /**
   * R[o, i], [out, in]: 1/len(o) where input index i lies in output o's average-pooling window along {@code axis}
   * (0 rows, 1 columns), else 0; windows and lengths as Paddle's pooling kernels compute them, from the runtime
   * sizes. Adaptive: [floor(o*in/out), ceil((o+1)*in/out)). Otherwise the window o*s - p + [0, k) is cut at in + p
   * (its length with padding, the divisor unless {@code exclusive}) and then at the input's edges (the divisor when
   * exclusive). A ceil-mode window that lies wholly in the padding has no input pixel and a zero row.
   */
  private String poolMatrix(OpDesc op, String inLen, String outLen, int axis) {
    String one = g.longScalar(1);
    String o = g.op("Range", List.of(g.longScalar(0), outLen, one));
    String start;
    String end;
    String len;
    if (boolOf(op, "adaptive", false)) {
      start = g.op("Div", List.of(g.op("Mul", List.of(o, inLen)), outLen));
      String next = g.op("Mul", List.of(g.op("Add", List.of(o, one)), inLen));
      end = g.op("Div", List.of(g.op("Add", List.of(next, g.op("Sub", List.of(outLen, one)))), outLen));
      len = g.op("Sub", List.of(end, start));
    } else {
      long[] pads = pads(op);
      if (pads[axis] != pads[axis + 2]) {
        // Paddle's kernels place windows by the leading padding alone
        throw new UnsupportedOnnxOpException(op.getType(), "asymmetric paddings " + Arrays.toString(pads));
      }
      String p = g.longScalar(pads[axis]);
      String rawStart = g.op("Sub", List.of(g.op("Mul", List.of(o, g.longScalar(ints(op, "strides", 1, 1)[axis]))), p));
      String rawEnd = g.op("Min", List.of(g.op("Add", List.of(rawStart, g.longScalar(ints(op, "ksize")[axis]))),
          g.op("Add", List.of(inLen, p))));
      start = g.op("Max", List.of(rawStart, g.longScalar(0)));
      end = g.op("Min", List.of(rawEnd, inLen));
      len = boolOf(op, "exclusive", true) ? g.op("Sub", List.of(end, start)) : g.op("Sub", List.of(rawEnd, rawStart));
    }
    String col = g.longs(1);
    String i = g.op("Unsqueeze", List.of(g.op("Range", List.of(g.longScalar(0), inLen, one)), g.longs(0)));
    String inside = g.op("And", List.of(g.op("Not", g.op("Less", List.of(i, g.op("Unsqueeze", List.of(start, col))))),
        g.op("Less", List.of(i, g.op("Unsqueeze", List.of(end, col))))));
    String weight = g.op("Div", List.of(g.scalar(1f),
        g.op("Cast", g.op("Max", List.of(len, one)), "to", OnnxGraph.FLOAT)));
    return g.op("Mul", List.of(mask(inside), g.op("Unsqueeze", List.of(weight, col))));
  }

  // ---- element-wise ---------------------------------------------------------------------------------------

  private static String onnxBinary(String paddleType) {
    return switch (paddleType.replace("_grad", "")) {
      case "elementwise_add" -> "Add";
      case "elementwise_sub" -> "Sub";
      case "elementwise_mul" -> "Mul";
      case "elementwise_div" -> "Div";
      default -> throw new UnsupportedOnnxOpException(paddleType, null);
    };
  }

  /** Offset at which the lower-rank operand lines up with the higher-rank one (Paddle's {@code axis}). */
  private static int offset(OpDesc op, int bigRank, int smallRank) {
    long axis = intOf(op, "axis", -1);
    return axis < 0 ? bigRank - smallRank : (int) axis;
  }

  /**
   * The lower-rank operand reshaped so numpy broadcasting lines it up where Paddle's {@code axis} says: trailing
   * ones appended (folded into the initializer for weights).
   */
  private String aligned(OpDesc op, String var, int bigRank) {
    long[] d = dims(var);
    int off = offset(op, bigRank, d.length);
    int trailing = bigRank - off - d.length;
    if (d.length >= bigRank || trailing <= 0) {
      return in(var);
    }
    Tensor t = params.get(var);
    if (t != null) {
      long[] nd = Arrays.copyOf(t.dims(), t.dims().length + trailing);
      Arrays.fill(nd, t.dims().length, nd.length, 1);
      return g.floats(nd, t.data());
    }
    long[] axes = new long[trailing];
    for (int i = 0; i < trailing; i++) {
      axes[i] = d.length + i;
    }
    return g.op("Unsqueeze", List.of(in(var), g.longs(axes)));
  }

  private int rank(String var) {
    return dims(var).length;
  }

  private void elementwise(OpDesc op) {
    String x = Ops.in(op, "X");
    String y = Ops.in(op, "Y");
    int big = Math.max(rank(x), rank(y));
    emit(op, onnxBinary(op.getType()), "Out", List.of(aligned(op, x, big), aligned(op, y, big)));
  }

  private void elementwiseGrad(OpDesc op) {
    String x = Ops.in(op, "X");
    String y = Ops.in(op, "Y");
    int big = Math.max(rank(x), rank(y));
    String gradOut = in(op, "Out@GRAD");
    String type = op.getType();
    if (has(op, false, "X@GRAD")) {
      String gx = switch (type) {
        case "elementwise_add_grad", "elementwise_sub_grad" -> gradOut;
        case "elementwise_mul_grad" -> g.op("Mul", List.of(gradOut, aligned(op, y, big)));
        default -> g.op("Div", List.of(gradOut, aligned(op, y, big)));
      };
      out(op, "X@GRAD", reduceTo(op, gx, x, big));
    }
    if (has(op, false, "Y@GRAD")) {
      String gy = switch (type) {
        case "elementwise_add_grad" -> gradOut;
        case "elementwise_sub_grad" -> g.op("Neg", gradOut);
        case "elementwise_mul_grad" -> g.op("Mul", List.of(gradOut, aligned(op, x, big)));
        default -> g.op("Neg", g.op("Div", List.of(g.op("Mul", List.of(gradOut, in(op, "Out"))),
            aligned(op, y, big))));
      };
      out(op, "Y@GRAD", reduceTo(op, gy, y, big));
    }
  }

  /**
   * Sums a full-rank gradient over the axes an operand was broadcast along, back to the operand's shape. Weights
   * and lower-rank operands have exact declared dims; an activation's declared dims come from the exporter's
   * nominal input size (the classifier declares H = 1 where a 48-pixel input gives 2), so for a same-rank
   * activation the axes are found at run time: those where the operand has 1 and the gradient does not.
   */
  private String reduceTo(OpDesc op, String grad, String var, int bigRank) {
    long[] d = dims(var);
    if (d.length == bigRank && !params.containsKey(var)) {
      if (java.util.Arrays.stream(d).noneMatch(v -> v == 1)) {
        return grad; // a full-size operand (residual adds): nothing was broadcast
      }
      String shape = g.op("Shape", in(var));
      String one = g.longs(1);
      String broadcast = g.op("And", List.of(g.op("Equal", List.of(shape, one)),
          g.op("Not", g.op("Equal", List.of(g.op("Shape", grad), one)))));
      String axes = g.op("Reshape", List.of(g.op("NonZero", broadcast), g.longs(-1)));
      String summed = g.op("ReduceSum", List.of(grad, axes), "keepdims", 1, "noop_with_empty_axes", 1);
      return g.op("Reshape", List.of(summed, shape));
    }
    int off = d.length >= bigRank ? 0 : offset(op, bigRank, d.length);
    List<Long> axes = new ArrayList<>();
    for (int a = 0; a < bigRank; a++) {
      int i = a - off;
      if (i < 0 || i >= d.length || d[i] == 1) {
        axes.add((long) a);
      }
    }
    if (axes.isEmpty()) {
      return grad;
    }
    String summed = g.op("ReduceSum", List.of(grad, g.longs(axes.stream().mapToLong(Long::longValue).toArray())),
        "keepdims", 1);
    return g.op("Reshape", List.of(summed, g.op("Shape", in(var))));
  }

  // ---- activations ----------------------------------------------------------------------------------------

  private void activation(OpDesc op) {
    String x = in(op, "X");
    String y = switch (op.getType()) {
      case "relu" -> g.op("Relu", x);
      case "relu6" -> g.op("Clip", List.of(x, g.scalar(0f), g.scalar(floatOf(op, "threshold", 6f))));
      case "sigmoid" -> g.op("Sigmoid", x);
      case "tanh" -> g.op("Tanh", x);
      case "hard_sigmoid" -> g.op("HardSigmoid", x, "alpha", floatOf(op, "slope", 0.2f), "beta",
          floatOf(op, "offset", 0.5f));
      case "hard_swish" -> {
        if (floatOf(op, "offset", 3f) == 3f && floatOf(op, "threshold", 6f) == 6f && floatOf(op, "scale", 6f) == 6f) {
          yield g.op("HardSwish", x); // one fused kernel: the four-op form costs the detector ~20 % on ORT
        }
        String clip = g.op("Clip", List.of(g.op("Add", List.of(x, g.scalar(floatOf(op, "offset", 3f)))),
            g.scalar(0f), g.scalar(floatOf(op, "threshold", 6f))));
        yield g.op("Div", List.of(g.op("Mul", List.of(x, clip)), g.scalar(floatOf(op, "scale", 6f))));
      }
      case "swish", "silu" -> {
        float beta = op.getType().equals("silu") ? 1f : floatOf(op, "beta", 1f);
        String bx = beta == 1f ? x : g.op("Mul", List.of(x, g.scalar(beta)));
        yield g.op("Mul", List.of(x, g.op("Sigmoid", bx)));
      }
      case "gelu" -> {
        if (boolOf(op, "approximate", false)) {
          // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
          String t = geluTanh(x, cube(x));
          yield g.op("Mul", List.of(g.op("Mul", List.of(x, g.scalar(0.5f))), g.op("Add", List.of(t, g.scalar(1f)))));
        }
        String erf = g.op("Erf", g.op("Mul", List.of(x, g.scalar((float) (1 / Math.sqrt(2))))));
        yield g.op("Mul", List.of(g.op("Mul", List.of(x, g.scalar(0.5f))), g.op("Add", List.of(erf, g.scalar(1f)))));
      }
      case "leaky_relu" -> g.op("LeakyRelu", x, "alpha", floatOf(op, "alpha", 0.02f));
      case "mish" -> g.op("Mul", List.of(x, g.op("Tanh", g.op("Softplus", x))));
      default -> throw new UnsupportedOnnxOpException(op.getType(), null);
    };
    out(op, "Out", y);
  }

  private String cube(String x) {
    return g.op("Mul", List.of(x, g.op("Mul", List.of(x, x))));
  }

  /** tanh(sqrt(2/pi) (x + 0.044715 x^3)): the approximated gelu's inner term, in its forward pass and gradient. */
  private String geluTanh(String x, String cube) {
    return g.op("Tanh", g.op("Mul", List.of(g.scalar(GELU_ALPHA),
        g.op("Add", List.of(x, g.op("Mul", List.of(g.scalar(GELU_CUBIC), cube)))))));
  }

  private String mask(String cond) {
    return g.op("Cast", cond, "to", OnnxGraph.FLOAT);
  }

  private void activationGrad(OpDesc op) {
    if (!has(op, false, "X@GRAD")) {
      return;
    }
    String dy = in(op, "Out@GRAD");
    String type = op.getType();
    String local = switch (type) {
      case "relu_grad" -> mask(g.op("Greater", List.of(in(op, "Out"), g.scalar(0f))));
      case "relu6_grad" -> {
        String o = in(op, "Out");
        yield mask(g.op("And", List.of(g.op("Greater", List.of(o, g.scalar(0f))),
            g.op("Less", List.of(o, g.scalar(floatOf(op, "threshold", 6f)))))));
      }
      case "sigmoid_grad" -> {
        String o = in(op, "Out");
        yield g.op("Mul", List.of(o, g.op("Sub", List.of(g.scalar(1f), o))));
      }
      case "tanh_grad" -> {
        String o = in(op, "Out");
        yield g.op("Sub", List.of(g.scalar(1f), g.op("Mul", List.of(o, o))));
      }
      case "hard_sigmoid_grad" -> {
        String o = in(op, "Out");
        String inside = mask(g.op("And", List.of(g.op("Greater", List.of(o, g.scalar(0f))),
            g.op("Less", List.of(o, g.scalar(1f))))));
        yield g.op("Mul", List.of(inside, g.scalar(floatOf(op, "slope", 0.2f))));
      }
      case "hard_swish_grad" -> {
        // Paddle: t = (x+offset < threshold); dx = dy * ((x+offset > 0) * (2x+offset)/scale * t + (1-t))
        String x = in(op, "X");
        float offset = floatOf(op, "offset", 3f);
        String shifted = g.op("Add", List.of(x, g.scalar(offset)));
        String t = mask(g.op("Less", List.of(shifted, g.scalar(floatOf(op, "threshold", 6f)))));
        String pos = mask(g.op("Greater", List.of(shifted, g.scalar(0f))));
        String slope = g.op("Div", List.of(g.op("Add", List.of(g.op("Mul", List.of(x, g.scalar(2f))),
            g.scalar(offset))), g.scalar(floatOf(op, "scale", 6f))));
        yield g.op("Add", List.of(g.op("Mul", List.of(g.op("Mul", List.of(pos, slope)), t)),
            g.op("Sub", List.of(g.scalar(1f), t))));
      }
      case "swish_grad", "silu_grad" -> {
        String x = in(op, "X");
        float beta = type.equals("silu_grad") ? 1f : floatOf(op, "beta", 1f);
        String bx = g.op("Mul", List.of(x, g.scalar(beta)));
        String s = g.op("Sigmoid", bx);
        yield g.op("Add", List.of(s, g.op("Mul", List.of(g.op("Mul", List.of(bx, s)),
            g.op("Sub", List.of(g.scalar(1f), s))))));
      }
      case "gelu_grad" -> {
        String x = in(op, "X");
        if (boolOf(op, "approximate", false)) {
          // Paddle: 0.5 (1 + t + (1 - t^2)(a x + 3 a c x^3)), t = tanh(a (x + c x^3))
          String cube = cube(x);
          String t = geluTanh(x, cube);
          String inner = g.op("Add", List.of(g.op("Mul", List.of(g.scalar(GELU_ALPHA), x)),
              g.op("Mul", List.of(g.scalar(3 * GELU_ALPHA * GELU_CUBIC), cube))));
          String slope = g.op("Mul", List.of(g.op("Sub", List.of(g.scalar(1f), g.op("Mul", List.of(t, t)))), inner));
          yield g.op("Mul", List.of(g.scalar(0.5f), g.op("Add", List.of(g.op("Add", List.of(g.scalar(1f), t)),
              slope))));
        }
        String cdf = g.op("Mul", List.of(g.scalar(0.5f), g.op("Add", List.of(g.scalar(1f),
            g.op("Erf", g.op("Mul", List.of(x, g.scalar((float) (1 / Math.sqrt(2))))))))));
        String pdf = g.op("Mul", List.of(g.op("Exp", g.op("Mul", List.of(g.op("Mul", List.of(x, x)),
            g.scalar(-0.5f)))), g.scalar((float) (1 / Math.sqrt(2 * Math.PI)))));
        yield g.op("Add", List.of(cdf, g.op("Mul", List.of(x, pdf))));
      }
      case "leaky_relu_grad" -> {
        String pos = mask(g.op("Greater", List.of(in(op, "X"), g.scalar(0f))));
        float alpha = floatOf(op, "alpha", 0.02f);
        // pos + alpha * (1 - pos)
        yield g.op("Add", List.of(pos, g.op("Mul", List.of(g.op("Sub", List.of(g.scalar(1f), pos)),
            g.scalar(alpha)))));
      }
      default -> throw new UnsupportedOnnxOpException(type, null);
    };
    out(op, "X@GRAD", g.op("Mul", List.of(dy, local)));
  }

  // ---- matrix products --------------------------------------------------------------------------------------

  private String swapLast(String v, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return g.op("Transpose", v, "perm", perm);
  }

  private boolean[] transposes(OpDesc op) {
    boolean v2 = op.getType().startsWith("matmul_v2");
    return new boolean[] {boolOf(op, v2 ? "trans_x" : "transpose_X", false),
        boolOf(op, v2 ? "trans_y" : "transpose_Y", false)};
  }

  private void matmul(OpDesc op) {
    String x = Ops.in(op, "X");
    String y = Ops.in(op, "Y");
    if (rank(x) < 2 || rank(y) < 2) {
      throw new UnsupportedOnnxOpException(op.getType(), "1-D operand");
    }
    boolean[] t = transposes(op);
    String a = t[0] ? swapLast(in(x), rank(x)) : in(x);
    String b = t[1] ? swapLast(in(y), rank(y)) : in(y);
    String prod = g.op("MatMul", List.of(a, b));
    float alpha = floatOf(op, "alpha", 1f);
    out(op, "Out", alpha == 1f ? prod : g.op("Mul", List.of(prod, g.scalar(alpha))));
  }

  private void matmulGrad(OpDesc op) {
    String x = Ops.in(op, "X");
    String y = Ops.in(op, "Y");
    if (rank(x) != rank(y) && has(op, false, "Y@GRAD") || rank(x) < 2 || rank(y) < 2) {
      throw new UnsupportedOnnxOpException(op.getType(), "broadcast batch or 1-D operand");
    }
    boolean[] t = transposes(op);
    float alpha = floatOf(op, "alpha", 1f);
    String dO = in(op, "Out@GRAD");
    if (alpha != 1f) {
      dO = g.op("Mul", List.of(dO, g.scalar(alpha)));
    }
    if (has(op, false, "X@GRAD")) {
      // A = op(X), B = op(Y): dA = dO . B^T
      String bT = t[1] ? in(y) : swapLast(in(y), rank(y));
      String dA = g.op("MatMul", List.of(dO, bT));
      out(op, "X@GRAD", t[0] ? swapLast(dA, rank(x)) : dA);
    }
    if (has(op, false, "Y@GRAD")) {
      String aT = t[0] ? in(x) : swapLast(in(x), rank(x));
      String dB = g.op("MatMul", List.of(aT, dO));
      out(op, "Y@GRAD", t[1] ? swapLast(dB, rank(y)) : dB);
    }
  }

  private void mul(OpDesc op) {
    int xn = (int) intOf(op, "x_num_col_dims", 1);
    int yn = (int) intOf(op, "y_num_col_dims", 1);
    long[] yd = dims(Ops.in(op, "Y"));
    if (yd.length != 2 || yn != 1) {
      throw new UnsupportedOnnxOpException("mul", "Y must be a 2-D weight");
    }
    String x = in(op, "X");
    String xs = g.op("Shape", x);
    String prod = g.op("MatMul", List.of(g.op("Flatten", x, "axis", xn), in(op, "Y")));
    String outShape = g.op("Concat", List.of(g.op("Slice", List.of(xs, g.longs(0), g.longs(xn))), g.longs(yd[1])),
        "axis", 0);
    emit(op, "Reshape", "Out", List.of(prod, outShape));
  }

  private void mulGrad(OpDesc op) {
    if (has(op, false, "Y@GRAD")) {
      throw new UnsupportedOnnxOpException("mul_grad", "weight gradient");
    }
    if (!has(op, false, "X@GRAD")) {
      return;
    }
    int xn = (int) intOf(op, "x_num_col_dims", 1);
    String x = in(op, "X");
    String dO = g.op("Flatten", in(op, "Out@GRAD"), "axis", xn);
    String dX = g.op("MatMul", List.of(dO, g.op("Transpose", in(op, "Y"), "perm", new long[] {1, 0})));
    emit(op, "Reshape", "X@GRAD", List.of(dX, g.op("Shape", x)));
  }

  private void softmaxGrad(OpDesc op) {
    String o = in(op, "Out");
    String dO = in(op, "Out@GRAD");
    long axis = intOf(op, "axis", -1);
    String dot = g.op("ReduceSum", List.of(g.op("Mul", List.of(dO, o)), g.longs(axis)), "keepdims", 1);
    emit(op, "Mul", "X@GRAD", List.of(o, g.op("Sub", List.of(dO, dot))));
  }

  // ---- shapes and copies ------------------------------------------------------------------------------------

  private void scale(OpDesc op) {
    if (has(op, true, "ScaleTensor")) {
      throw new UnsupportedOnnxOpException("scale", "ScaleTensor input");
    }
    float s = floatOf(op, "scale", 1f);
    float b = floatOf(op, "bias", 0f);
    boolean after = boolOf(op, "bias_after_scale", true);
    String v = in(op, "X");
    if (!after && b != 0f) {
      v = g.op("Add", List.of(v, g.scalar(b)));
    }
    if (s != 1f) {
      v = g.op("Mul", List.of(v, g.scalar(s)));
    }
    if (after && b != 0f) {
      v = g.op("Add", List.of(v, g.scalar(b)));
    }
    out(op, "Out", v);
  }

  private void concat(OpDesc op) {
    if (has(op, true, "AxisTensor")) {
      throw new UnsupportedOnnxOpException("concat", "AxisTensor input");
    }
    List<String> xs = Ops.args(op, true, "X");
    emit(op, "Concat", "Out", xs.stream().map(this::in).toList(), "axis", intOf(op, "axis", 0));
  }

  private void concatGrad(OpDesc op) {
    List<String> xs = Ops.args(op, true, "X");
    List<String> grads = Ops.args(op, false, "X@GRAD");
    int rank = rank(xs.get(0));
    long axis = intOf(op, "axis", 0);
    int a = (int) (axis < 0 ? axis + rank : axis);
    long[] sizes = new long[xs.size()];
    for (int i = 0; i < xs.size(); i++) {
      sizes[i] = dims(xs.get(i))[a];
      if (sizes[i] < 0) {
        throw new UnsupportedOnnxOpException("concat_grad", "dynamic size along the concat axis");
      }
    }
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      boolean wanted = i < grads.size() && !grads.get(i).equals(Ops.EMPTY);
      outs.add(wanted ? g.def(grads.get(i), OnnxGraph.FLOAT) : g.tmp("unused_grad"));
    }
    g.node("Split", List.of(in(op, "Out@GRAD"), g.longs(sizes)), outs, "axis", a);
  }

  private void split(OpDesc op) {
    if (has(op, true, "AxisTensor") || has(op, true, "SectionsTensorList")) {
      throw new UnsupportedOnnxOpException("split", "tensor-valued axis or sections");
    }
    List<String> outs = Ops.args(op, false, "Out");
    long[] sections = ints(op, "sections");
    List<String> inputs = new ArrayList<>(List.of(in(op, "X")));
    if (sections.length > 0) {
      if (Arrays.stream(sections).anyMatch(v -> v < 0)) {
        throw new UnsupportedOnnxOpException("split", "inferred section (-1)");
      }
      inputs.add(g.longs(sections));
    }
    g.node("Split", inputs, outs.stream().map(o -> g.def(o, OnnxGraph.FLOAT)).toList(), "axis",
        intOf(op, "axis", 0));
  }

  private void slice(OpDesc op) {
    for (String s : List.of("StartsTensor", "EndsTensor", "StartsTensorList", "EndsTensorList")) {
      if (has(op, true, s)) {
        throw new UnsupportedOnnxOpException("slice", s + " input");
      }
    }
    String x = Ops.in(op, "Input");
    int type = g.type(x);
    String v = g.op("Slice", List.of(in(x), g.longs(ints(op, "starts")), g.longs(ints(op, "ends")),
        g.longs(ints(op, "axes"))));
    long[] decrease = ints(op, "decrease_axis");
    if (decrease.length > 0 && decrease.length < rank(x)) {
      v = g.op("Squeeze", List.of(v, g.longs(decrease)));
    }
    set(Ops.out(op, "Out"), v, type);
  }

  /**
   * A slice's gradient: the output gradient (its dropped axes put back) padded with zeros to the input's shape. The
   * padding before is the start as Paddle clamps it (from the end when negative, then into [0, dim]); after, what
   * is left of the dimension.
   */
  private void sliceGrad(OpDesc op) {
    if (!has(op, false, "Input@GRAD")) {
      return;
    }
    String x = Ops.in(op, "Input");
    int r = rank(x);
    String shape = g.op("Shape", in(x));
    String dO = in(op, "Out@GRAD");
    long[] decrease = ints(op, "decrease_axis");
    if (decrease.length > 0 && decrease.length < r) {
      dO = g.op("Unsqueeze", List.of(dO, g.longs(decrease)));
    }
    String outShape = g.op("Shape", dO);
    long[] axes = ints(op, "axes");
    long[] starts = ints(op, "starts");
    String zero = g.longs(0);
    String[] before = new String[r];
    String[] after = new String[r];
    Arrays.fill(before, zero);
    Arrays.fill(after, zero);
    for (int j = 0; j < axes.length; j++) {
      int i = (int) (axes[j] < 0 ? axes[j] + r : axes[j]);
      String dim = g.op("Slice", List.of(shape, g.longs(i), g.longs(i + 1)));
      String start = starts[j] < 0 ? g.op("Add", List.of(dim, g.longs(starts[j]))) : g.longs(starts[j]);
      before[i] = g.op("Min", List.of(g.op("Max", List.of(start, zero)), dim));
      after[i] = g.op("Sub", List.of(g.op("Sub", List.of(dim, before[i])),
          g.op("Slice", List.of(outShape, g.longs(i), g.longs(i + 1)))));
    }
    List<String> pads = new ArrayList<>(Arrays.asList(before));
    pads.addAll(Arrays.asList(after));
    emit(op, "Pad", "Input@GRAD", List.of(dO, g.op("Concat", pads, "axis", 0)));
  }

  /**
   * expand_v2 to a shape from its attribute, its Shape input or its list of one-element tensors (paddle.expand with
   * a runtime batch size: ViT's class token). Paddle's -1 keeps the input's dimension, which a 1 does in Expand.
   */
  private void expand(OpDesc op) {
    String shape = shapeOperand(op, "expand_shapes_tensor");
    emit(op, "Expand", "Out", List.of(in(op, "X"), g.op("Max", List.of(shape, g.longs(1)))));
  }

  /** Layer norm over the last axis (the transformers' embedding), with its scale and bias where it has them. */
  private void layerNorm(OpDesc op) {
    String x = Ops.in(op, "X");
    long axis = layerNormAxis(op);
    emit(op, "LayerNormalization", "Y", List.of(in(x), layerNormParam(op, "Scale", 1f),
        layerNormParam(op, "Bias", 0f)), "axis", axis, "epsilon", floatOf(op, "epsilon", 1e-5f));
  }

  private long layerNormAxis(OpDesc op) {
    int r = rank(Ops.in(op, "X"));
    long axis = intOf(op, "begin_norm_axis", 1);
    if (axis != r - 1) {
      throw new UnsupportedOnnxOpException(op.getType(), "normalising more than the last axis");
    }
    return axis;
  }

  /** The op's Scale or Bias, or a constant row of {@code fill} the size of the last axis when it has none. */
  private String layerNormParam(OpDesc op, String slot, float fill) {
    if (has(op, true, slot)) {
      return in(op, slot);
    }
    long[] d = dims(Ops.in(op, "X"));
    long n = d[d.length - 1];
    if (n < 0) {
      throw new UnsupportedOnnxOpException(op.getType(), "no " + slot + " and a dynamic last axis");
    }
    float[] row = new float[(int) n];
    Arrays.fill(row, fill);
    return g.floats(new long[] {n}, row);
  }

  /**
   * Layer norm's input gradient, as Paddle's kernel: with x^ = (x - mean) / sqrt(var + eps) and gy = dY * scale,
   * dX = (gy - mean(gy) - x^ * mean(gy * x^)) / sqrt(var + eps), the means over the normalised axis.
   */
  private void layerNormGrad(OpDesc op) {
    if (!has(op, false, "X@GRAD")) {
      return;
    }
    String x = in(op, "X");
    long[] axes = {layerNormAxis(op)};
    String mean = g.op("ReduceMean", x, "axes", axes, "keepdims", 1);
    String centred = g.op("Sub", List.of(x, mean));
    String var = g.op("ReduceMean", g.op("Mul", List.of(centred, centred)), "axes", axes, "keepdims", 1);
    String rstd = g.op("Reciprocal", g.op("Sqrt", g.op("Add", List.of(var, g.scalar(floatOf(op, "epsilon", 1e-5f))))));
    String xhat = g.op("Mul", List.of(centred, rstd));
    String gy = in(op, "Y@GRAD");
    if (has(op, true, "Scale")) {
      gy = g.op("Mul", List.of(gy, in(op, "Scale")));
    }
    String m1 = g.op("ReduceMean", gy, "axes", axes, "keepdims", 1);
    String m2 = g.op("ReduceMean", g.op("Mul", List.of(gy, xhat)), "axes", axes, "keepdims", 1);
    emit(op, "Mul", "X@GRAD", List.of(g.op("Sub", List.of(g.op("Sub", List.of(gy, m1)),
        g.op("Mul", List.of(xhat, m2)))), rstd));
  }

  /** The op's input plus its {@code axes} attribute as an int64 input, if it has one. */
  private List<String> axesInputs(OpDesc op, String x) {
    long[] axes = ints(op, "axes");
    return axes.length == 0 ? List.of(x) : List.of(x, g.longs(axes));
  }

  private void unsqueeze(OpDesc op) {
    if (has(op, true, "AxesTensor") || has(op, true, "AxesTensorList")) {
      throw new UnsupportedOnnxOpException("unsqueeze2", "tensor-valued axes");
    }
    emit(op, "Unsqueeze", "Out", axesInputs(op, in(op, "X")));
  }

  private String asInt64(String var) {
    return g.type(var) == OnnxGraph.INT64 ? in(var) : g.op("Cast", in(var), "to", OnnxGraph.INT64);
  }

  private void reshape(OpDesc op) {
    emit(op, "Reshape", "Out", List.of(in(op, "X"), shapeOperand(op, "ShapeTensor")));
  }

  /**
   * The target shape of a reshape-like op as an int64 vector, from wherever the op takes it: a list of one-element
   * tensors ({@code listSlot}), a Shape tensor, else the {@code shape} attribute.
   */
  private String shapeOperand(OpDesc op, String listSlot) {
    if (has(op, true, listSlot)) {
      List<String> parts = Ops.args(op, true, listSlot).stream()
          .map(p -> g.op("Reshape", List.of(asInt64(p), g.longs(1)))).toList();
      return parts.size() == 1 ? parts.get(0) : g.op("Concat", parts, "axis", 0);
    }
    if (has(op, true, "Shape")) {
      return asInt64(Ops.in(op, "Shape"));
    }
    return g.longs(ints(op, "shape"));
  }

  private void flatten(OpDesc op) {
    String xv = Ops.in(op, "X");
    int rank = rank(xv);
    int start = (int) intOf(op, "start_axis", 1);
    int stop = (int) intOf(op, "stop_axis", -1);
    start = start < 0 ? start + rank : start;
    stop = stop < 0 ? stop + rank : stop;
    String x = in(xv);
    if (stop == rank - 1 && start >= 1) {
      if (start == 1) {
        emit(op, "Flatten", "Out", List.of(x), "axis", 1);
        return;
      }
    }
    String shape = g.op("Shape", x);
    List<String> parts = new ArrayList<>();
    if (start > 0) {
      parts.add(g.op("Slice", List.of(shape, g.longs(0), g.longs(start))));
    }
    parts.add(g.longs(-1));
    if (stop < rank - 1) {
      parts.add(g.op("Slice", List.of(shape, g.longs(stop + 1), g.longs(rank))));
    }
    String target = parts.size() == 1 ? parts.get(0) : g.op("Concat", parts, "axis", 0);
    emit(op, "Reshape", "Out", List.of(x, target));
  }

  private void transposeGrad(OpDesc op) {
    long[] perm = ints(op, "axis");
    long[] inv = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inv[(int) perm[i]] = i;
    }
    emit(op, "Transpose", "X@GRAD", List.of(in(op, "Out@GRAD")), "perm", inv);
  }

  private void flip(OpDesc op) {
    long[] axes = ints(op, "axis");
    long[] starts = new long[axes.length];
    long[] ends = new long[axes.length];
    long[] steps = new long[axes.length];
    Arrays.fill(starts, -1);
    Arrays.fill(ends, Long.MIN_VALUE);
    Arrays.fill(steps, -1);
    emit(op, "Slice", "Out", List.of(in(op, "X"), g.longs(starts), g.longs(ends), g.longs(axes), g.longs(steps)));
  }

  /**
   * Grad-CAM needs only the spatial mean of the target's gradient. Where that gradient is a stride-1 convolution's
   * output (the explain program writes a conv's input gradient as a conv with the flipped filter) or a conv_grad's
   * input gradient, the mean has a closed form in the conv's input's row, column and corner sums and the filter, so
   * the convolution over the whole target (the costliest op of a detector's adjoint) is never run.
   */
  private void findClosedFormMeans(List<OpDesc> live, List<String> fetches, Map<String, Integer> readers) {
    for (OpDesc op : live) {
      if (!op.getType().equals("reduce_mean") || boolOf(op, "reduce_all", false)
          || !Arrays.equals(ints(op, "dim"), new long[] {2, 3})) {
        continue;
      }
      String x = Ops.in(op, "X");
      OpDesc conv = producers.get(x);
      if (conv == null || readers.getOrDefault(x, 0) != 1 || fetches.contains(x)) {
        continue;
      }
      boolean forward = conv.getType().equals("conv2d") || conv.getType().equals("depthwise_conv2d");
      boolean grad = conv.getType().equals("conv2d_grad") || conv.getType().equals("depthwise_conv2d_grad");
      if ((forward && x.equals(Ops.out(conv, "Output")) && !has(conv, true, "Bias")
          && !has(conv, true, "ResidualData")) || (grad && x.equals(Ops.out(conv, "Input@GRAD")))) {
        Tensor filter = constant(Ops.in(conv, "Filter"));
        if (filter != null && closedFormFits(conv, filter)) {
          closedFormMeans.put(op, new ClosedForm(conv, filter));
        }
      }
    }
  }

  private static Map<String, Integer> readers(List<OpDesc> live) {
    Map<String, Integer> readers = new HashMap<>();
    for (OpDesc op : live) {
      for (String in : Ops.allInputs(op)) {
        readers.merge(in, 1, Integer::sum);
      }
    }
    return readers;
  }

  /**
   * The explain program's weighted sum for Grad-CAM, {@code reduce_sum(A * w, dim 1)} with w one weight per channel
   * [N,C,1,1], is a batched matrix product [N,1,C] x [N,C,H*W]: no feature-map-sized product, and no reduction
   * across channels (which ONNX Runtime runs slowly on NCHW).
   */
  private void findWeightedSums(List<OpDesc> live, List<String> fetches, Map<String, Integer> readers) {
    for (OpDesc op : live) {
      if (!op.getType().equals("reduce_sum") || !channelSum(op)) {
        continue;
      }
      String x = Ops.in(op, "X");
      OpDesc mul = producers.get(x);
      if (mul == null || !mul.getType().equals("elementwise_mul") || readers.getOrDefault(x, 0) != 1
          || fetches.contains(x)) {
        continue;
      }
      String a = Ops.in(mul, "X");
      String w = Ops.in(mul, "Y");
      if (perChannel(w, a)) {
        weightedSums.put(op, new String[] {a, w});
      } else if (perChannel(a, w)) {
        weightedSums.put(op, new String[] {w, a});
      }
    }
  }

  /** A sum over dim 1 of a 4-D tensor, keeping the dim, with a static channel count. */
  private boolean channelSum(OpDesc op) {
    long[] d = dims(Ops.in(op, "X"));
    return !boolOf(op, "reduce_all", false) && Arrays.equals(ints(op, "dim"), new long[] {1})
        && boolOf(op, "keep_dim", false) && d.length == 4 && d[1] > 0;
  }

  /** w is [N,C,1,1] and a [N,C,H,W] with the same static C. */
  private boolean perChannel(String w, String a) {
    long[] dw = dims(w);
    long[] da = dims(a);
    return dw.length == 4 && da.length == 4 && dw[1] == da[1] && dw[1] > 0 && dw[2] == 1 && dw[3] == 1;
  }

  /**
   * What an op reads once shortcuts apply: a closed-form mean reads the conv's input, a weighted sum the product's
   * operands.
   */
  private List<String> reads(OpDesc op) {
    TileChain chain = tileChains.get(op);
    if (chain != null) {
      return List.of(Ops.in(chain.outer(), "Output@GRAD"), Ops.in(op, "Input"));
    }
    String[] weighted = weightedSums.get(op);
    if (weighted != null) {
      return List.of(weighted);
    }
    ClosedForm cf = closedFormMeans.get(op);
    if (cf == null) {
      return Ops.allInputs(op);
    }
    OpDesc conv = cf.conv();
    return conv.getType().endsWith("_grad") ? List.of(Ops.in(conv, "Output@GRAD"), Ops.in(conv, "Input"))
        : List.of(Ops.in(conv, "Input"));
  }

  /** A parameter, or a transpose2 / flip of one (the explain program's flipped filters), evaluated here. */
  private Tensor constant(String var) {
    if (params.containsKey(var)) {
      return params.get(var);
    }
    OpDesc op = producers.get(var);
    if (op == null || !var.equals(Ops.out(op, "Out"))) {
      return null;
    }
    Tensor x = op.getType().equals("transpose2") || op.getType().equals("flip") ? constant(Ops.in(op, "X")) : null;
    if (x == null) {
      return null;
    }
    return op.getType().equals("flip") ? Tensors.flip(x, ints(op, "axis")) : Tensors.transpose(x, ints(op, "axis"));
  }

  private boolean closedFormFits(OpDesc conv, Tensor filter) {
    if (!Arrays.equals(ints(conv, "strides", 1, 1), new long[] {1, 1})
        || !strOf(conv, "data_format", "NCHW").matches("NCHW|AnyLayout")
        || strOf(conv, "padding_algorithm", "EXPLICIT").equals("SAME")) {
      return false;
    }
    long[] w = filter.dims();
    long groups = intOf(conv, "groups", 1);
    return w.length == 4 && (groups == 1 || (w[1] == 1 && groups == w[0]));
  }

  /**
   * The spatial mean of the conv's result per channel c: {@code 1/area sum_z sum_(ky,kx) M[z,ky,kx,c] S[z,ky,kx]},
   * where S sums the conv's input plane z over the rows and columns tap (ky, kx) meets inside the result.
   */
  private void closedFormMean(OpDesc op, ClosedForm cf) {
    OpDesc conv = cf.conv();
    boolean grad = conv.getType().endsWith("_grad");
    Tensor filter = cf.filter();
    long[] w = filter.dims();
    int kh = (int) w[2];
    int kw = (int) w[3];
    long[] p = pads(conv);
    long[] d = ints(conv, "dilations", 1, 1);
    // conv_grad reads the output gradient [N,O,Ho,Wo] through W[o,c]; a forward conv its input [N,Z,H,W] via K[c,z]
    String z = grad ? in(conv, "Output@GRAD") : in(conv, "Input");
    boolean depthwise = w[1] == 1 && intOf(conv, "groups", 1) == w[0] && w[0] > 1;
    int planes = (int) (depthwise || grad ? w[0] : w[1]);
    int channels = (int) (depthwise || !grad ? w[0] : w[1]);
    String[] rows = new String[kh];
    for (int ky = 0; ky < kh; ky++) {
      long before = p[0] - ky * d[0];
      long after = grad ? p[2] - (kh - 1 - ky) * d[0] : (kh - 1 - ky) * d[0] - p[2];
      rows[ky] = bandSum(z, 2, Math.max(0, before), Math.max(0, after));
    }
    List<String> taps = new ArrayList<>();
    for (int ky = 0; ky < kh; ky++) {
      for (int kx = 0; kx < kw; kx++) {
        long before = p[1] - kx * d[1];
        long after = grad ? p[3] - (kw - 1 - kx) * d[1] : (kw - 1 - kx) * d[1] - p[3];
        taps.add(bandSum(rows[ky], 3, Math.max(0, before), Math.max(0, after)));
      }
    }
    int k = kh * kw;
    // [N, planes, 1, KH*KW] -> [N, planes*KH*KW], plane-major like the matrix rows below
    String s = g.op("Reshape", List.of(g.op("Concat", taps, "axis", 3), g.longs(0, -1)));
    float[] f = filter.data();
    String sums;
    if (depthwise) {
      // depthwise: channel c reads plane c only, through filter c
      String perChannel = g.op("Mul", List.of(g.op("Reshape", List.of(s, g.longs(0, channels, k))),
          g.floats(new long[] {1, channels, k}, f)));
      sums = g.op("ReduceSum", List.of(perChannel, g.longs(2)), "keepdims", 0);
    } else {
      float[] m = new float[planes * k * channels];
      int inC = (int) w[1];
      for (int o = 0; o < w[0]; o++) {
        for (int c = 0; c < inC; c++) {
          for (int t = 0; t < k; t++) {
            // W[o,c,t] links plane o to channel c (conv_grad), plane c to channel o (forward conv)
            int plane = grad ? o : c;
            int channel = grad ? c : o;
            m[(plane * k + t) * channels + channel] = f[(o * inC + c) * k + t];
          }
        }
      }
      sums = g.op("MatMul", List.of(s, g.floats(new long[] {(long) planes * k, channels}, m)));
    }
    // area of the result: the conv_grad's input; a forward conv's output, H + pads - d (K - 1)
    String hw = g.op("Slice", List.of(g.op("Shape", in(conv, "Input")), g.longs(2), g.longs(4)));
    if (!grad) {
      hw = g.op("Add", List.of(hw, g.longs(p[0] + p[2] - d[0] * (kh - 1), p[1] + p[3] - d[1] * (kw - 1))));
    }
    String area = g.op("Cast", List.of(g.op("ReduceProd", List.of(hw), "keepdims", 0)), "to", OnnxGraph.FLOAT);
    String mean = g.op("Div", List.of(sums, area));
    boolean keep = boolOf(op, "keep_dim", false);
    emit(op, "Reshape", "Out", List.of(mean, keep ? g.longs(0, -1, 1, 1) : g.longs(0, -1)));
  }

  /** A conv whose result only feeds a spatial mean, with its filter as folded once when it was found. */
  private record ClosedForm(OpDesc conv, Tensor filter) {}

  /** Sum over {@code axis} of all but the first {@code skipStart} and last {@code skipEnd} entries, kept as size 1. */
  private String bandSum(String x, int axis, long skipStart, long skipEnd) {
    String band = skipStart == 0 && skipEnd == 0 ? x : g.op("Slice", List.of(x, g.longs(skipStart),
        g.longs(skipEnd == 0 ? Long.MAX_VALUE : -skipEnd), g.longs(axis)));
    return g.op("ReduceSum", List.of(band, g.longs(axis)), "keepdims", 1);
  }

  private void reduce(OpDesc op) {
    if (closedFormMeans.containsKey(op)) {
      closedFormMean(op, closedFormMeans.get(op));
      return;
    }
    String[] weighted = weightedSums.get(op);
    if (weighted != null) {
      String a = in(weighted[0]);
      String row = g.op("Reshape", List.of(in(weighted[1]), g.longs(0, 1, -1)));
      String sum = g.op("MatMul", List.of(row, g.op("Reshape", List.of(a, g.longs(0, 0, -1)))));
      emit(op, "Reshape", "Out", List.of(sum, shapeWithChannels(a, 1)));
      return;
    }
    boolean all = boolOf(op, "reduce_all", false);
    long[] axes = ints(op, "dim");
    int keep = boolOf(op, "keep_dim", false) ? 1 : 0;
    String x = in(op, "X");
    if (op.getType().equals("reduce_sum") && channelSum(op)) {
      // a sum across channels as a product with a row of ones: a reduction over dim 1 of NCHW is slow in ONNX
      // Runtime, and a 1x1 convolution drags the map into and out of NCHWc blocks
      float[] ones = new float[(int) dims(Ops.in(op, "X"))[1]];
      Arrays.fill(ones, 1f);
      String sum = g.op("MatMul", List.of(g.floats(new long[] {1, ones.length}, ones),
          g.op("Reshape", List.of(x, g.longs(0, 0, -1)))));
      emit(op, "Reshape", "Out", List.of(sum, shapeWithChannels(x, 1)));
      return;
    }
    String type = switch (op.getType()) {
      case "reduce_mean" -> "ReduceMean";
      case "reduce_max" -> "ReduceMax";
      case "reduce_min" -> "ReduceMin";
      default -> "ReduceSum";
    };
    if (type.equals("ReduceSum")) {
      emit(op, type, "Out", all ? List.of(x) : List.of(x, g.longs(axes)), "keepdims", keep);
    } else if (all) {
      emit(op, type, "Out", List.of(x), "keepdims", keep);
    } else {
      emit(op, type, "Out", List.of(x), "axes", axes, "keepdims", keep); // an attribute until opset 18
    }
  }

  /**
   * A reduction's gradient, as Paddle's kernels: the output gradient spread back over the reduced axes, divided by
   * the number of elements each output summed for a mean, and for a max or min given to every element equal to the
   * result (ties all get it, as in Paddle).
   */
  private void reduceGrad(OpDesc op) {
    if (!has(op, false, "X@GRAD")) {
      return;
    }
    String x = in(op, "X");
    long[] axes = ints(op, "dim");
    boolean all = boolOf(op, "reduce_all", false) || axes.length >= rank(Ops.in(op, "X"));
    boolean kept = all || boolOf(op, "keep_dim", false); // Paddle 2.3 writes a full reduction as [1]
    String shape = g.op("Shape", x);
    // a reduced tensor brought back to X's shape: its dropped axes put back, then repeated over them
    java.util.function.UnaryOperator<String> back = v ->
        g.op("Expand", List.of(kept ? v : g.op("Unsqueeze", List.of(v, g.longs(axes))), shape));
    String dO = in(op, "Out@GRAD");
    String spread = back.apply(dO);
    switch (op.getType()) {
      case "reduce_mean_grad" -> {
        String count = g.op("Div", List.of(g.op("Cast", g.op("Size", x), "to", OnnxGraph.FLOAT),
            g.op("Cast", g.op("Size", dO), "to", OnnxGraph.FLOAT)));
        emit(op, "Div", "X@GRAD", List.of(spread, count));
      }
      case "reduce_sum_grad" -> emit(op, "Identity", "X@GRAD", List.of(spread));
      default -> {
        emit(op, "Mul", "X@GRAD", List.of(spread, mask(g.op("Equal", List.of(x, back.apply(in(op, "Out")))))));
      }
    }
  }

  private void cast(OpDesc op) {
    int to = switch ((int) intOf(op, "out_dtype", 5)) {
      case 0 -> OnnxGraph.BOOL;
      case 2 -> OnnxGraph.INT32;
      case 3 -> OnnxGraph.INT64;
      case 5 -> OnnxGraph.FLOAT;
      default -> throw new UnsupportedOnnxOpException("cast", "to Paddle dtype " + intOf(op, "out_dtype", 5));
    };
    g.node("Cast", List.of(in(op, "X")), List.of(g.def(Ops.out(op, "Out"), to)), "to", to);
  }

  private void dropout(OpDesc op) {
    boolean downgrade = strOf(op, "dropout_implementation", "downgrade_in_infer").equals("downgrade_in_infer");
    float p = floatOf(op, "dropout_prob", 0.5f);
    String x = in(op, "X");
    out(op, "Out", downgrade ? g.op("Mul", List.of(x, g.scalar(1f - p))) : x);
  }

  private void clip(OpDesc op) {
    String min = has(op, true, "Min") ? g.op("Reshape", List.of(in(op, "Min"), g.longs()))
        : g.scalar(floatOf(op, "min", -Float.MAX_VALUE));
    String max = has(op, true, "Max") ? g.op("Reshape", List.of(in(op, "Max"), g.longs()))
        : g.scalar(floatOf(op, "max", Float.MAX_VALUE));
    emit(op, "Clip", "Out", List.of(in(op, "X"), min, max));
  }

  private void fillConstant(OpDesc op) {
    if (has(op, true, "ShapeTensor") || has(op, true, "ShapeTensorList") || has(op, true, "ValueTensor")) {
      throw new UnsupportedOnnxOpException("fill_constant", "tensor-valued shape or value");
    }
    long[] shape = ints(op, "shape");
    String sv = strOf(op, "str_value", "");
    float value = sv.isEmpty() ? floatOf(op, "value", 0f) : Float.parseFloat(sv);
    int dtype = (int) intOf(op, "dtype", 5);
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (dtype == 5) {
      float[] v = new float[Math.toIntExact(n)];
      Arrays.fill(v, value);
      set(Ops.out(op, "Out"), g.floats(shape, v), OnnxGraph.FLOAT);
    } else if (dtype == 3 || dtype == 2) {
      long[] v = new long[Math.toIntExact(n)];
      Arrays.fill(v, (long) value);
      String name = g.tmp("fill");
      g.proto().addInitializer(OnnxGraph.tensor(name, OnnxGraph.INT64, shape, v, null));
      set(Ops.out(op, "Out"), name, OnnxGraph.INT64);
    } else {
      throw new UnsupportedOnnxOpException("fill_constant", "dtype " + dtype);
    }
  }

  // ---- interpolation ----------------------------------------------------------------------------------------

  private float[] interpScale(OpDesc op) {
    OpDesc.Attr a = attr(op, "scale");
    if (a == null) {
      return new float[0];
    }
    if (a.getFloatsCount() > 0) {
      float[] s = new float[a.getFloatsCount()];
      for (int i = 0; i < s.length; i++) {
        s[i] = a.getFloats(i);
      }
      return s.length == 1 ? new float[] {s[0], s[0]} : s;
    }
    return a.hasF() && a.getF() > 0 ? new float[] {a.getF(), a.getF()} : new float[0];
  }

  private void interp(OpDesc op) {
    nchw(op);
    if (has(op, true, "Scale")) {
      throw new UnsupportedOnnxOpException(op.getType(), "Scale tensor input");
    }
    boolean nearest = op.getType().startsWith("nearest");
    boolean corners = boolOf(op, "align_corners", !op.getType().endsWith("_v2"));
    int alignMode = (int) intOf(op, "align_mode", 1);
    String x = in(op, "X");
    String nchw = g.op("Slice", List.of(g.op("Shape", x), g.longs(0), g.longs(2)));
    String scales = "";
    String sizes = "";
    float[] scale = interpScale(op);
    if (has(op, true, "SizeTensor")) {
      List<String> parts = Ops.args(op, true, "SizeTensor").stream()
          .map(p -> g.op("Reshape", List.of(asInt64(p), g.longs(1)))).toList();
      sizes = g.op("Concat", List.of(nchw, parts.get(0), parts.get(1)), "axis", 0);
    } else if (has(op, true, "OutSize")) {
      sizes = g.op("Concat", List.of(nchw, asInt64(Ops.in(op, "OutSize"))), "axis", 0);
    } else if (scale.length == 2 && scale[0] > 0 && scale[1] > 0) {
      scales = g.floats(new long[] {4}, 1f, 1f, scale[0], scale[1]);
    } else if (intOf(op, "out_h", -1) > 0 && intOf(op, "out_w", -1) > 0) {
      sizes = g.op("Concat", List.of(nchw, g.longs(intOf(op, "out_h", -1), intOf(op, "out_w", -1))), "axis", 0);
    } else {
      throw new UnsupportedOnnxOpException(op.getType(), "no output size");
    }
    String mode = corners ? "align_corners" : nearest || alignMode == 1 ? "asymmetric" : "half_pixel";
    List<String> inputs = sizes.isEmpty() ? List.of(x, "", scales) : List.of(x, "", "", sizes);
    if (nearest) {
      emit(op, "Resize", "Out", inputs, "mode", "nearest", "coordinate_transformation_mode", mode,
          "nearest_mode", corners ? "round_prefer_ceil" : "floor");
    } else {
      emit(op, "Resize", "Out", inputs, "mode", "linear", "coordinate_transformation_mode", mode);
    }
  }

  /**
   * The adjoint of an interpolation. Both kinds are separable, out = R_h . X . R_w^T with R[o, i] the weight of input
   * row i in output row o, so dX = R_h^T . dOut . R_w. The matrices are built in the graph from the runtime sizes
   * with Paddle's own float arithmetic for source coordinates. Nearest upsampling by an integer factor, the FPN
   * case, is a block sum instead: an s x s average pool times s*s.
   */
  private void interpGrad(OpDesc op) {
    nchw(op);
    if (!has(op, false, "X@GRAD")) {
      return;
    }
    boolean v2 = op.getType().contains("_v2");
    boolean nearest = op.getType().startsWith("nearest");
    boolean corners = boolOf(op, "align_corners", !v2);
    int alignMode = (int) intOf(op, "align_mode", 1);
    float[] scale = v2 && !has(op, true, "Scale") ? interpScale(op) : new float[0];
    boolean scaled = scale.length == 2 && scale[0] > 0 && scale[1] > 0;
    String dO = in(op, "Out@GRAD");
    if (nearest && !corners && scaled && scale[0] == Math.rint(scale[0]) && scale[1] == Math.rint(scale[1])
        && !has(op, true, "OutSize") && !has(op, true, "SizeTensor")) {
      long sh = (long) scale[0];
      long sw = (long) scale[1];
      String pooled = g.op("AveragePool", dO, "kernel_shape", new long[] {sh, sw}, "strides", new long[] {sh, sw});
      emit(op, "Mul", "X@GRAD", List.of(pooled, g.scalar(sh * sw)));
      return;
    }
    if (has(op, true, "Scale")) {
      throw new UnsupportedOnnxOpException(op.getType(), "Scale tensor input");
    }
    String xShape = g.op("Shape", in(op, "X"));
    String oShape = g.op("Shape", dO);
    String rh = interpMatrix(dim(xShape, 2), dim(oShape, 2), scaled ? scale[0] : -1, nearest, corners, alignMode);
    String rw = interpMatrix(dim(xShape, 3), dim(oShape, 3), scaled ? scale[1] : -1, nearest, corners, alignMode);
    separableAdjoint(op, rh, rw, dO);
  }

  /** X@GRAD = R_h^T . dOut . R_w: the adjoint of a separable map out = R_h . X . R_w^T ([out, in] matrices). */
  private void separableAdjoint(OpDesc op, String rh, String rw, String dOut) {
    String rows = g.op("MatMul", List.of(g.op("Transpose", rh, "perm", new long[] {1, 0}), dOut));
    emit(op, "MatMul", "X@GRAD", List.of(rows, rw));
  }

  /** Element {@code axis} of a 1-D shape tensor, as an int64 scalar. */
  private String dim(String shape, long axis) {
    return g.op("Gather", List.of(shape, g.longScalar(axis)), "axis", 0);
  }

  /** R[o, i], [out, in]: weight of input index i in output index o, as Paddle's interpolation kernels compute it. */
  private String interpMatrix(String inLen, String outLen, float scale, boolean nearest, boolean corners,
      int alignMode) {
    String zero = g.longScalar(0);
    String one = g.longScalar(1);
    String o = g.op("Cast", g.op("Range", List.of(zero, outLen, one)), "to", OnnxGraph.FLOAT);
    String i = g.op("Cast", g.op("Range", List.of(zero, inLen, one)), "to", OnnxGraph.FLOAT);
    String inF = g.op("Cast", inLen, "to", OnnxGraph.FLOAT);
    String outF = g.op("Cast", outLen, "to", OnnxGraph.FLOAT);
    String ratio;
    if (corners) {
      // (in-1)/(out-1), 0 when out is 1
      String den = g.op("Max", List.of(g.op("Sub", List.of(outF, g.scalar(1f))), g.scalar(1f)));
      ratio = g.op("Div", List.of(g.op("Sub", List.of(inF, g.scalar(1f))), den));
    } else if (scale > 0) {
      ratio = g.scalar((float) (1.0 / scale));
    } else {
      ratio = g.op("Div", List.of(inF, outF));
    }
    String last = g.op("Sub", List.of(inF, g.scalar(1f)));
    String src;
    if (nearest) {
      String raw = g.op("Mul", List.of(ratio, o));
      src = g.op("Floor", corners ? g.op("Add", List.of(raw, g.scalar(0.5f))) : raw);
    } else if (!corners && alignMode == 0) {
      String half = g.op("Sub", List.of(g.op("Mul", List.of(ratio, g.op("Add", List.of(o, g.scalar(0.5f))))),
          g.scalar(0.5f)));
      src = g.op("Max", List.of(half, g.scalar(0f)));
    } else {
      src = g.op("Mul", List.of(ratio, o));
    }
    src = g.op("Min", List.of(src, last));
    String col = g.op("Unsqueeze", List.of(src, g.longs(1)));
    String row = g.op("Unsqueeze", List.of(i, g.longs(0)));
    if (nearest) {
      return g.op("Cast", g.op("Equal", List.of(col, row)), "to", OnnxGraph.FLOAT);
    }
    return g.op("Relu", g.op("Sub", List.of(g.scalar(1f), g.op("Abs", g.op("Sub", List.of(col, row))))));
  }
}
