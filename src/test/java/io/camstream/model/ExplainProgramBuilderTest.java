package io.camstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.model.grad.UnsupportedOpException;
import io.camstream.model.proto.Framework.OpDesc;
import io.camstream.testing.Shared;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Program surgery in plain Java: what the builder emits, and what it refuses before any native call. */
class ExplainProgramBuilderTest {

  private static ProgramGraph cls;
  private static ProgramGraph det;

  @BeforeAll
  static void read() throws Exception {
    cls = new ProgramGraph(ProgramIO.read(Shared.dir().resolve(
        "models/ch_ppocr_mobile_v2.0_cls_infer/inference.pdmodel")));
    det = new ProgramGraph(ProgramIO.read(Shared.dir().resolve("models/ch_PP-OCRv3_det_infer/inference.pdmodel")));
  }

  @Test
  void listsTheFourDimensionalActivationsOnThePathToTheOutput() {
    List<ProgramGraph.Activation> acts = cls.activations4d("linear_1.tmp_1");
    assertThat(acts).extracting(ProgramGraph.Activation::name)
        .contains("hard_swish_17.tmp_0", "relu_0.tmp_0", "pool2d_9.tmp_0")
        .doesNotContain("x", "linear_1.tmp_1", "conv1_weights");
    assertThat(acts.stream().filter(a -> a.name().equals("hard_swish_17.tmp_0")).findFirst().orElseThrow().opType())
        .isEqualTo("hard_swish");
    // every op type on any layer's path has a maker: the builder accepts every listed activation of both models
    for (ProgramGraph.Activation a : acts) {
      ExplainProgramBuilder.classification(cls, a.name(), "linear_1.tmp_1", "save_infer_model/scale_0.tmp_1");
    }
    for (ProgramGraph.Activation a : det.activations4d("sigmoid_0.tmp_0")) {
      if (!a.name().equals("sigmoid_0.tmp_0")) {
        ExplainProgramBuilder.dense(det, a.name(), "sigmoid_0.tmp_0");
      }
    }
  }

  @Test
  void explainProgramFeedsTheSeedAndFetchesActivationAndGradient() {
    ExplainProgram p = ExplainProgramBuilder.classification(cls, "hard_swish_17.tmp_0", "linear_1.tmp_1",
        "save_infer_model/scale_0.tmp_1");
    assertThat(p.feeds()).containsExactly("x", ExplainProgram.SEED);
    assertThat(p.fetches()).containsExactly("save_infer_model/scale_0.tmp_1", "linear_1.tmp_1",
        "hard_swish_17.tmp_0", "hard_swish_17.tmp_0@GRAD");
    List<OpDesc> ops = p.program().getBlocks(0).getOpsList();
    List<String> types = ops.stream().map(OpDesc::getType).toList();
    // forward ops untouched and first, grad ops in reverse order after them
    assertThat(types.subList(2, 2 + cls.ops().size())).isEqualTo(cls.ops().stream().map(OpDesc::getType).toList());
    assertThat(types).containsSubsequence("arg_max", "one_hot_v2", "elementwise_add_grad", "matmul_grad",
        "reshape2_grad", "pool2d_grad", "pool2d_grad");
    assertThat(types.get(types.size() - 5)).isEqualTo("pool2d_grad");
    // every variable an op uses is declared
    Set<String> declared = p.program().getBlocks(0).getVarsList().stream().map(v -> v.getName())
        .collect(Collectors.toSet());
    for (OpDesc op : ops) {
      for (String v : Ops.allInputs(op)) {
        assertThat(declared).as(op.getType()).contains(v);
      }
    }
  }

  @Test
  void weightedSumProgramsFetchOnlyTheMapTheirMethodNeeds() {
    String a = "hard_swish_17.tmp_0";
    String out = "save_infer_model/scale_0.tmp_1";
    long[] dims = cls.dims(a);
    for (ExplainProgram.Fetch f : List.of(ExplainProgram.Fetch.MEAN_GRADIENT_SUM, ExplainProgram.Fetch.GRADIENT_SUM,
        ExplainProgram.Fetch.POSITIVE_GRADIENT_SUM)) {
      ExplainProgram p = ExplainProgramBuilder.classification(cls, a, "linear_1.tmp_1", out, f);
      List<String> expected = f == ExplainProgram.Fetch.MEAN_GRADIENT_SUM
          ? List.of(out, "linear_1.tmp_1", ExplainProgram.gradMean(a), ExplainProgram.weightedSum(a))
          : List.of(out, "linear_1.tmp_1", ExplainProgram.weightedSum(a));
      assertThat(p.fetches()).as(f.name()).containsExactlyElementsOf(expected);
      List<OpDesc> ops = p.program().getBlocks(0).getOpsList();
      OpDesc sum = ops.stream().filter(o -> !Ops.args(o, false, "Out").isEmpty()
          && Ops.out(o, "Out").equals(ExplainProgram.weightedSum(a))).findFirst().orElseThrow();
      assertThat(sum.getType()).isEqualTo("reduce_sum");
      OpDesc mul = ops.stream().filter(o -> !Ops.args(o, false, "Out").isEmpty()
          && Ops.out(o, "Out").equals(Ops.in(sum, "X"))).findFirst().orElseThrow();
      // A times the method's weights, summed over channels
      assertThat(mul.getType()).isEqualTo("elementwise_mul");
      assertThat(Ops.in(mul, "X")).isEqualTo(a);
      String weights = Ops.in(mul, "Y");
      switch (f) {
        case MEAN_GRADIENT_SUM -> assertThat(weights).isEqualTo(ExplainProgram.gradMean(a));
        case GRADIENT_SUM -> assertThat(weights).isEqualTo(ExplainProgram.grad(a));
        default -> assertThat(ops.stream().filter(o -> o.getType().equals("relu") && Ops.out(o, "Out").equals(weights)
            && Ops.in(o, "X").equals(ExplainProgram.grad(a)))).hasSize(1);
      }
      var declared = p.program().getBlocks(0).getVarsList().stream()
          .filter(v -> v.getName().equals(ExplainProgram.weightedSum(a))).findFirst().orElseThrow();
      assertThat(declared.getType().getLodTensor().getTensor().getDimsList())
          .containsExactly(dims[0], 1L, dims[2], dims[3]);
    }
  }

  @Test
  void gradientsOfVariablesWithSeveralConsumersAreSummed() {
    // hardswish_0.tmp_0 feeds both a conv and a residual add in the detector's backbone
    ExplainProgram p = ExplainProgramBuilder.dense(det, "hardswish_0.tmp_0", "sigmoid_0.tmp_0");
    OpDesc sum = p.program().getBlocks(0).getOpsList().stream()
        .filter(o -> o.getType().equals("sum") && Ops.out(o, "Out").equals("hardswish_0.tmp_0@GRAD"))
        .findFirst().orElseThrow();
    assertThat(Ops.args(sum, true, "X")).hasSizeGreaterThan(1).allMatch(n -> n.contains("@RENAME@"));
  }

  @Test
  void gradOpsCarryEveryForwardAttribute() {
    ExplainProgram p = ExplainProgramBuilder.dense(det, "concat_0.tmp_0", "sigmoid_0.tmp_0");
    OpDesc fwd = det.ops().stream().filter(o -> o.getType().equals("conv2d_transpose")).findFirst().orElseThrow();
    OpDesc grad = p.program().getBlocks(0).getOpsList().stream()
        .filter(o -> o.getType().equals("conv2d_transpose_grad")).findFirst().orElseThrow();
    Set<String> gradAttrs = grad.getAttrsList().stream().map(OpDesc.Attr::getName).collect(Collectors.toSet());
    for (OpDesc.Attr a : fwd.getAttrsList()) {
      if (!Set.of("op_callstack", "op_role", "op_role_var", "op_namescope").contains(a.getName())) {
        assertThat(gradAttrs).contains(a.getName());
      }
    }
  }

  @Test
  void strideOneConvolutionsGetTheirInputGradientAsAForwardConvolution() {
    // concat_0 -> conv 3x3 stride 1 (96 -> 24): the gradient is a conv of the output gradient with the filter
    // transposed and flipped; depthwise convolutions keep their own grad op (HeadOpsIT covers strided conv2d)
    List<String> head = ExplainProgramBuilder.dense(det, "concat_0.tmp_0", "sigmoid_0.tmp_0").program()
        .getBlocks(0).getOpsList().stream().skip(det.ops().size() + 2).map(OpDesc::getType).toList();
    assertThat(head).containsSubsequence("transpose2", "flip", "conv2d").doesNotContain("conv2d_grad");
    List<String> deep = ExplainProgramBuilder.dense(det, "hardswish_0.tmp_0", "sigmoid_0.tmp_0").program()
        .getBlocks(0).getOpsList().stream().skip(det.ops().size() + 2).map(OpDesc::getType).toList();
    assertThat(deep).contains("flip", "depthwise_conv2d_grad").doesNotContain("conv2d_grad");
  }

  @Test
  void unknownLayersAndMissingMakersFailInJava() {
    assertThatThrownBy(() -> ExplainProgramBuilder.classification(cls, "hard_swish_17", "linear_1.tmp_1",
        "save_infer_model/scale_0.tmp_1"))
        .isInstanceOf(UnknownLayerException.class).hasMessageContaining("did you mean hard_swish_17.tmp_0");
    assertThatThrownBy(() -> ExplainProgramBuilder.classification(cls, "fc_0.w_0", "linear_1.tmp_1",
        "save_infer_model/scale_0.tmp_1")).isInstanceOf(UnknownLayerException.class);

    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 1, 4, 4).param("k", new long[] {1, 1, 1, 1}, new float[] {1f});
    w.var("c", -1, 1, 4, 4).var("A", -1, 1, 4, 4).var("e", -1, 1, 4, 4).var("y", -1, 1, 4, 4);
    w.op("conv2d").in("Input", "x").in("Filter", "k").out("Output", "c").add();
    w.op("relu").in("X", "c").out("Out", "A").add();
    w.op("erf").in("X", "A").out("Out", "e").add();
    w.op("sigmoid").in("X", "e").out("Out", "y").add();
    ProgramGraph g = new ProgramGraph(w.fetch("y").program());
    assertThatThrownBy(() -> ExplainProgramBuilder.dense(g, "A", "y"))
        .isInstanceOf(UnsupportedOpException.class)
        .hasMessage("no gradient maker for op 'erf' on the path from layer 'A' to the target");
  }

  /** relu = A -> OP -> softmax over a [N,4] result, as newer exporters write OP. */
  private static ProgramGraph tail(java.util.function.Consumer<ProgramWriter> op) {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 1, 2, 2).param("k", new long[] {1, 1, 1, 1}, new float[] {1f});
    w.var("c", -1, 1, 2, 2).var("A", -1, 1, 2, 2).var("f", -1, 4).var("y", -1, 4);
    w.op("conv2d").in("Input", "x").in("Filter", "k").out("Output", "c").add();
    w.op("relu").in("X", "c").out("Out", "A").add();
    op.accept(w);
    w.op("softmax").in("X", "f").out("Out", "y").i("axis", -1).add();
    return new ProgramGraph(w.fetch("y").program());
  }

  @Test
  void reshapeTypeOpsWithoutXShapeGetAShapeFreeGradient() {
    for (boolean emptySlot : new boolean[] {false, true}) {
      ProgramGraph g = tail(w -> {
        ProgramWriter.Op op = w.op("flatten_contiguous_range").in("X", "A").out("Out", "f").i("start_axis", 1)
            .i("stop_axis", -1);
        (emptySlot ? op.out("XShape") : op).add();
      });
      List<OpDesc> ops = ExplainProgramBuilder.classification(g, "A", "f", "y").program().getBlocks(0).getOpsList();
      OpDesc back = ops.stream().filter(o -> o.getType().equals("reshape2")).findFirst().orElseThrow();
      assertThat(Ops.out(back, "Out")).isEqualTo("A@GRAD");
      OpDesc shape = ops.stream().filter(o -> o.getType().equals("shape")).findFirst().orElseThrow();
      assertThat(Ops.in(shape, "Input")).isEqualTo("A");
      assertThat(Ops.in(back, "Shape")).isEqualTo(Ops.out(shape, "Out"));
    }
    // Paddle 2.3 runs reshape2 only with an XShape: OpVariants adds one (declared [0, dims of X])
    ProgramGraph raw = tail(w -> w.op("reshape2").in("X", "A").out("Out", "f").ints("shape", -1, 4).add());
    ProgramGraph fixed = new ProgramGraph(OpVariants.normalise(raw.program()));
    String xshape = Ops.out(fixed.ops().get(2), "XShape");
    assertThat(fixed.dims(xshape)).containsExactly(0, -1, 1, 2, 2);
    assertThat(ExplainProgramBuilder.classification(fixed, "A", "f", "y").program().getBlocks(0).getOpsList())
        .extracting(OpDesc::getType).contains("reshape2_grad");
    assertThat(OpVariants.normalise(fixed.program())).isSameAs(fixed.program());
  }

  @Test
  void variantsWithoutAGradientFailInJavaAsOpVariants() {
    ProgramGraph scaleTensor = tail(w -> {
      w.var("s", 1).var("f0", -1, 4);
      w.op("flatten_contiguous_range").in("X", "A").out("Out", "f0").i("start_axis", 1).i("stop_axis", -1).add();
      w.op("scale").in("X", "f0").in("ScaleTensor", "s").out("Out", "f").f("bias", 0f).add();
    });
    assertThatThrownBy(() -> ExplainProgramBuilder.classification(scaleTensor, "A", "f", "y"))
        .isInstanceOf(io.camstream.model.grad.OpVariantException.class)
        .hasMessageContaining("op 'scale' takes its factor from a ScaleTensor input")
        .hasMessageContaining("layer 'A'");
    // a transpose2 that lost its axis attribute: named as a variant, not as an unknown layer
    ProgramGraph noAxis = tail(w -> {
      w.var("t", -1, 2, 2, 1);
      w.op("transpose2").in("X", "A").out("Out", "t").add();
      w.op("reshape").in("X", "t").out("Out", "f").ints("shape", -1, 4).add();
    });
    assertThatThrownBy(() -> ExplainProgramBuilder.classification(noAxis, "A", "f", "y"))
        .isInstanceOf(io.camstream.model.grad.OpVariantException.class)
        .hasMessageContaining("op 'transpose2' has no 'axis' attribute");
  }
}
