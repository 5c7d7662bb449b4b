package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramWriter;
import io.camstream.model.proto.Framework.OpDesc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reshape2, flatten_contiguous_range, squeeze2, unsqueeze2 and transpose2 as newer exporters write them (no XShape
 * output or an empty XShape slot, extra attributes), and their first versions (reshape, flatten,
 * squeeze, unsqueeze, transpose), in test-written models with seeded weights: A@GRAD against finite differences
 * through the model cut at A. The XShape forms are covered by HeadOpsIT and TinyModelIT.
 */
class OpVariantsIT {

  @TempDir Path dir;

  @Test
  void reshapeTypeOpsWithoutXShapeHaveExactGradients() throws Exception {
    check(false, "newer");
  }

  @Test
  void firstVersionReshapeTypeOpsHaveExactGradients() throws Exception {
    check(true, "legacy");
  }

  private void check(boolean legacy, String id) throws Exception {
    Path d = dir.resolve(id);
    TinyModels.reshapeVariants(legacy).write(d);
    ModelSpec spec = TinyModels.spec(d, id, "A", "logits", "probs");
    try (ModelRuntime rt = new ModelRuntime(spec, d, EngineFixture.options())) {
      List<String> types = rt.program("A", ModelRuntime.Kind.EXPLAIN).program().program().getBlocks(0)
          .getOpsList().stream().map(OpDesc::getType).toList();
      // shape-free gradients: reshape2 back to shape(X), transpose2 by the inverse permutation
      assertThat(types).contains("shape").doesNotContain("transpose2_grad", "flatten_contiguous_range_grad");
      if (!legacy) {
        // Paddle 2.3 runs reshape2, squeeze2 and unsqueeze2 only with an XShape: OpVariants adds one, and with
        // it the XShape grad ops apply
        assertThat(types).contains("reshape2_grad", "squeeze2_grad", "unsqueeze2_grad");
      }
      Blob x = new Blob(new long[] {1, 3, 8, 8}, ProgramWriter.random(192, 41, 1f));
      for (int cls = 0; cls < TinyModels.K; cls++) {
        float[] seed = new float[TinyModels.K];
        seed[cls] = 1f;
        GradientCheck.Result r = GradientCheck.run(rt, "A", x, seed, cls, 16, 16, d, 1e-2f, 1e-2f);
        assertThat(java.util.Arrays.stream(r.analytic()).map(Math::abs).max().orElse(0)).as("gradient flows")
            .isGreaterThan(1e-4);
        assertThat(r.relativeError()).as("%s class %d: %s", id, cls, r).isLessThan(0.02);
      }
    }
  }
}
