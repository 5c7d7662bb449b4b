package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every grad-op maker for the ops of common classifier heads (relu6, split, swish, hard_sigmoid, concat,
 * conv2d_transpose, bilinear/nearest interpolation, sigmoid, transpose2, unsqueeze2/squeeze2, depthwise conv, tanh,
 * pool2d, reshape2, dropout, mul, hard_swish, matmul, elementwise sub/mul, relu, scale), in one test-written model,
 * against finite differences through the same model cut at the layer; on Paddle Inference and on ONNX Runtime.
 * The average-pooling windows of common backbones (strided, padded, ceil mode, adaptive) and the activations of
 * transformer and detector backbones (leaky_relu, gelu exact and tanh-approximated, silu) and the reductions of
 * attention blocks (reduce_mean, reduce_sum, reduce_max, reduce_min) and a transformer block (layer_norm, slice)
 * likewise.
 */
class HeadOpsIT {

  @TempDir Path dir;

  @Test
  void gradientsThroughCommonHeadOpsMatchFiniteDifferences() throws Exception {
    TinyModels.heads().write(dir);
    ModelSpec spec = TinyModels.spec(dir, "heads", "A", "logits", "probs");
    try (ModelRuntime rt = new ModelRuntime(spec, dir, EngineFixture.options())) {
      // the strided conv2d keeps conv2d_grad (stride-1 convs take the forward-conv form: ExplainGradientsIT)
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).program().program().getBlocks(0).getOpsList())
          .extracting(io.camstream.model.proto.Framework.OpDesc::getType)
          .contains("conv2d_grad", "conv2d_transpose_grad", "depthwise_conv2d_grad", "concat_grad");
      Blob x = new Blob(new long[] {1, 3, 8, 8}, ProgramWriter.random(192, 21, 1f));
      for (int cls = 0; cls < TinyModels.K; cls++) {
        float[] seed = new float[TinyModels.K];
        seed[cls] = 1f;
        int c = cls;
        GradientCheck.run(rt, "A", x, seed, cls, 16, 16, dir, 1e-2f, 1e-2f, ExplainGradientsIT.ENGINES)
            .forEach((e, r) -> {
              assertThat(java.util.Arrays.stream(r.analytic()).map(Math::abs).max().orElse(0)).as("gradient flows")
                  .isGreaterThan(1e-4);
              assertThat(r.relativeError()).as("class %d on %s: %s", c, e, r).isLessThan(0.02);
            });
      }
    }
  }

  @Test
  void averagePoolingWindowsOfCommonBackbonesMatchFiniteDifferences() throws Exception {
    TinyModels.pools().write(dir);
    ModelSpec spec = TinyModels.freeSizeSpec(dir, "pools", "A", "logits", "probs");
    try (ModelRuntime rt = new ModelRuntime(spec, dir, EngineFixture.options())) {
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).program().program().getBlocks(0).getOpsList())
          .filteredOn(op -> op.getType().equals("pool2d_grad")).hasSize(4);
      // the windows are built from the runtime size: sizes the verdict (8x12) never saw, odd ones too
      for (long[] hw : new long[][] {{8, 8}, {11, 13}, {7, 5}}) {
        int size = (int) (3 * hw[0] * hw[1]);
        Blob x = new Blob(new long[] {1, 3, hw[0], hw[1]}, ProgramWriter.random(size, 44, 1f));
        for (int cls = 0; cls < TinyModels.K; cls++) {
          float[] seed = new float[TinyModels.K];
          seed[cls] = 1f;
          String what = "class " + cls + " at " + hw[0] + "x" + hw[1];
          GradientCheck.run(rt, "A", x, seed, cls, 24, 24, dir, 1e-2f, 1e-2f, ExplainGradientsIT.ENGINES)
              .forEach((e, r) -> assertThat(r.relativeError()).as("%s on %s: %s", what, e, r).isLessThan(1e-2));
        }
      }
    }
  }

  @Test
  void gradientsThroughLeakyReluGeluAndSiluMatchFiniteDifferences() throws Exception {
    TinyModels.activations().write(dir);
    ModelSpec spec = TinyModels.spec(dir, "activations", "A", "logits", "probs");
    try (ModelRuntime rt = new ModelRuntime(spec, dir, EngineFixture.options())) {
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).program().program().getBlocks(0).getOpsList())
          .extracting(io.camstream.model.proto.Framework.OpDesc::getType)
          .contains("leaky_relu_grad", "gelu_grad", "silu_grad");
      Blob x = new Blob(new long[] {1, 3, 8, 8}, ProgramWriter.random(192, 54, 1f));
      for (int cls = 0; cls < TinyModels.K; cls++) {
        float[] seed = new float[TinyModels.K];
        seed[cls] = 1f;
        int c = cls;
        GradientCheck.run(rt, "A", x, seed, cls, 16, 16, dir, 1e-3f, 1e-3f, ExplainGradientsIT.ENGINES)
            .forEach((e, r) -> assertThat(r.relativeError()).as("class %d on %s: %s", c, e, r).isLessThan(0.01));
      }
    }
  }

  @Test
  void gradientsThroughAttentionReductionsMatchFiniteDifferences() throws Exception {
    TinyModels.reductions().write(dir);
    ModelSpec spec = TinyModels.spec(dir, "reductions", "A", "logits", "probs");
    try (ModelRuntime rt = new ModelRuntime(spec, dir, EngineFixture.options())) {
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).program().program().getBlocks(0).getOpsList())
          .extracting(io.camstream.model.proto.Framework.OpDesc::getType)
          .contains("reduce_mean_grad", "reduce_sum_grad", "reduce_max_grad", "reduce_min_grad");
      Blob x = new Blob(new long[] {1, 3, 8, 8}, ProgramWriter.random(192, 65, 1f));
      for (int cls = 0; cls < TinyModels.K; cls++) {
        float[] seed = new float[TinyModels.K];
        seed[cls] = 1f;
        int c = cls;
        GradientCheck.run(rt, "A", x, seed, cls, 16, 16, dir, 1e-3f, 1e-3f, ExplainGradientsIT.ENGINES)
            .forEach((e, r) -> assertThat(r.relativeError()).as("class %d on %s: %s", c, e, r).isLessThan(0.01));
      }
    }
  }

  @Test
  void gradientsThroughATransformerBlockMatchFiniteDifferences() throws Exception {
    TinyModels.transformer().write(dir);
    ModelSpec spec = TinyModels.spec(dir, "transformer", "A", "logits", "probs");
    try (ModelRuntime rt = new ModelRuntime(spec, dir, EngineFixture.options())) {
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).program().program().getBlocks(0).getOpsList())
          .extracting(io.camstream.model.proto.Framework.OpDesc::getType)
          .contains("layer_norm_grad", "slice_grad", "gelu_grad", "matmul_v2_grad");
      Blob x = new Blob(new long[] {1, 3, 8, 8}, ProgramWriter.random(192, 77, 1f));
      for (int cls = 0; cls < TinyModels.K; cls++) {
        float[] seed = new float[TinyModels.K];
        seed[cls] = 1f;
        int c = cls;
        GradientCheck.run(rt, "A", x, seed, cls, 16, 16, dir, 1e-3f, 1e-3f, ExplainGradientsIT.ENGINES)
            .forEach((e, r) -> assertThat(r.relativeError()).as("class %d on %s: %s", c, e, r).isLessThan(0.01));
      }
    }
  }
}
