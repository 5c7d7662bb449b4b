package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramWriter;
import io.camstream.model.proto.Framework.OpDesc;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every grad-op maker for the ops of common classifier heads (relu6, split, swish, hard_sigmoid, concat,
 * conv2d_transpose, bilinear/nearest interpolation, sigmoid, transpose2, unsqueeze2/squeeze2, depthwise conv, tanh,
 * pool2d, reshape2, dropout, mul, hard_swish, matmul, elementwise sub/mul, relu, scale), in one test-written model,
 * against finite differences through the same model cut at the layer; on Paddle Inference and on ONNX Runtime.
 * The average-pooling windows of common backbones (strided, padded, ceil mode, adaptive), the activations of
 * transformer and detector backbones (leaky_relu, gelu exact and tanh-approximated, silu), the reductions of
 * attention blocks (reduce_mean, reduce_sum, reduce_max, reduce_min) and a vision transformer (class token expanded
 * to the batch, layer_norm, self-attention, slice) likewise.
 */
class HeadOpsIT {

  @TempDir Path dir;

  @Test
  void gradientsThroughCommonHeadOpsMatchFiniteDifferences() throws Exception {
    TinyModels.heads().write(dir);
    try (ModelRuntime rt = runtime(TinyModels.spec(dir, "heads", "A", "logits", "probs"))) {
      // the strided conv2d keeps conv2d_grad (stride-1 convs take the forward-conv form: ExplainGradientsIT)
      assertThat(gradOps(rt)).contains("conv2d_grad", "conv2d_transpose_grad", "depthwise_conv2d_grad",
          "concat_grad");
      everyClass(rt, input(8, 8, 21), 16, 1e-2f, 0.02, "");
    }
  }

  @Test
  void averagePoolingWindowsOfCommonBackbonesMatchFiniteDifferences() throws Exception {
    TinyModels.pools().write(dir);
    try (ModelRuntime rt = runtime(TinyModels.freeSizeSpec(dir, "pools", "A", "logits", "probs"))) {
      assertThat(gradOps(rt)).filteredOn("pool2d_grad"::equals).hasSize(4);
      // the windows are built from the runtime size: sizes the verdict (8x12) never saw, odd ones too
      for (int[] hw : new int[][] {{8, 8}, {11, 13}, {7, 5}}) {
        everyClass(rt, input(hw[0], hw[1], 44), 24, 1e-2f, 1e-2, " at " + hw[0] + "x" + hw[1]);
      }
    }
  }

  @Test
  void gradientsThroughLeakyReluGeluAndSiluMatchFiniteDifferences() throws Exception {
    TinyModels.activations().write(dir);
    try (ModelRuntime rt = runtime(TinyModels.spec(dir, "activations", "A", "logits", "probs"))) {
      assertThat(gradOps(rt)).contains("leaky_relu_grad", "gelu_grad", "silu_grad");
      everyClass(rt, input(8, 8, 54), 16, 1e-3f, 0.01, "");
    }
  }

  @Test
  void gradientsThroughAttentionReductionsMatchFiniteDifferences() throws Exception {
    TinyModels.reductions().write(dir);
    try (ModelRuntime rt = runtime(TinyModels.spec(dir, "reductions", "A", "logits", "probs"))) {
      assertThat(gradOps(rt)).contains("reduce_mean_grad", "reduce_sum_grad", "reduce_max_grad", "reduce_min_grad");
      everyClass(rt, input(8, 8, 65), 16, 1e-3f, 0.01, "");
    }
  }

  @Test
  void gradientsThroughATransformerBlockMatchFiniteDifferences() throws Exception {
    TinyModels.transformer().write(dir);
    try (ModelRuntime rt = runtime(TinyModels.spec(dir, "transformer", "A", "logits", "probs"))) {
      assertThat(gradOps(rt)).contains("layer_norm_grad", "slice_grad", "gelu_grad", "matmul_v2_grad",
          "softmax_grad", "expand_v2");
      everyClass(rt, input(8, 8, 77), 16, 1e-3f, 0.01, "");
    }
  }

  private ModelRuntime runtime(ModelSpec spec) throws Exception {
    return new ModelRuntime(spec, dir, EngineFixture.options());
  }

  private static List<String> gradOps(ModelRuntime rt) throws Exception {
    return rt.program("A", ModelRuntime.Kind.EXPLAIN).program().program().getBlocks(0).getOpsList().stream()
        .map(OpDesc::getType).toList();
  }

  private static Blob input(int h, int w, int seed) {
    return new Blob(new long[] {1, 3, h, w}, ProgramWriter.random(3 * h * w, seed, 1f));
  }

  /**
   * A@GRAD for each class's logit on both engines against central differences (steps {@code step}, absolute and
   * relative) on the {@code entries} largest and as many random entries; the gradient must not vanish.
   */
  private void everyClass(ModelRuntime rt, Blob x, int entries, float step, double tolerance, String where)
      throws Exception {
    for (int cls = 0; cls < TinyModels.K; cls++) {
      float[] seed = new float[TinyModels.K];
      seed[cls] = 1f;
      String what = "class " + cls + where;
      GradientCheck.run(rt, "A", x, seed, cls, entries, entries, dir, step, step, ExplainGradientsIT.ENGINES)
          .forEach((e, r) -> {
            assertThat(Arrays.stream(r.analytic()).map(Math::abs).max().orElse(0)).as("%s on %s: gradient flows",
                what, e).isGreaterThan(1e-4);
            assertThat(r.relativeError()).as("%s on %s: %s", what, e, r).isLessThan(tolerance);
          });
    }
  }
}
