package io.camstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.testing.Shared;
import org.junit.jupiter.api.Test;

/** Targets read from the program: logits before the final softmax/sigmoid, output, task; the spec wins. */
class TargetFinderTest {

  /** conv -> relu -> flatten -> matmul = z -> ACT -> scale x1 -> out (a PaddleClas-style export). */
  private static ProgramGraph classifier(String act, boolean twoFetches) {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 1, 2, 2).param("k", new long[] {1, 1, 1, 1}, new float[] {1f})
        .param("fc", new long[] {4, 3}, new float[12]);
    w.var("c", -1, 1, 2, 2).var("A", -1, 1, 2, 2).var("f", -1, 4).var("z", -1, 3).var("p", -1, 3)
        .var("out", -1, 3);
    w.op("conv2d").in("Input", "x").in("Filter", "k").out("Output", "c").add();
    w.op("relu").in("X", "c").out("Out", "A").add();
    w.op("flatten_contiguous_range").in("X", "A").out("Out", "f").i("start_axis", 1).i("stop_axis", -1).add();
    w.op("matmul_v2").in("X", "f").in("Y", "fc").out("Out", "z").add();
    w.op(act).in("X", "z").out("Out", "p").add();
    w.op("scale").in("X", "p").out("Out", "out").f("scale", 1f).add();
    w.fetch("out");
    if (twoFetches) {
      w.fetch("z");
    }
    return new ProgramGraph(w.program());
  }

  @Test
  void logitsAreTheInputOfTheFinalSoftmaxOrSigmoid() {
    for (String act : new String[] {"softmax", "sigmoid"}) {
      TargetFinder.Targets t = TargetFinder.find(classifier(act, false), null, null, null);
      assertThat(t.task()).isEqualTo(ModelSpec.Task.CLASSIFICATION);
      assertThat(t.output()).isEqualTo("out");
      assertThat(t.logits()).isEqualTo("z");
      assertThat(t.how()).contains(act);
    }
    // the spec overrides
    assertThat(TargetFinder.find(classifier("softmax", false), null, "out", "f").logits()).isEqualTo("f");
    // a raw-score model without softmax: the output is the logits
    assertThat(TargetFinder.find(classifier("relu", false), null, null, null).logits()).isEqualTo("out");
  }

  @Test
  void theShippedModelsNeedNoTargetsInTheirSpecs() throws Exception {
    ProgramGraph cls = new ProgramGraph(ProgramIO.read(Shared.dir().resolve(
        "models/ch_ppocr_mobile_v2.0_cls_infer/inference.pdmodel")));
    TargetFinder.Targets c = TargetFinder.find(cls, null, null, null);
    assertThat(c.task()).isEqualTo(ModelSpec.Task.CLASSIFICATION);
    assertThat(c.output()).isEqualTo("save_infer_model/scale_0.tmp_1");
    assertThat(c.logits()).isEqualTo("linear_1.tmp_1"); // what the hand-written spec names
    ProgramGraph det = new ProgramGraph(ProgramIO.read(Shared.dir().resolve(
        "models/ch_PP-OCRv3_det_infer/inference.pdmodel")));
    TargetFinder.Targets d = TargetFinder.find(det, null, null, null);
    assertThat(d.task()).isEqualTo(ModelSpec.Task.DENSE);
    assertThat(d.output()).isEqualTo("sigmoid_0.tmp_0");
  }

  @Test
  void whatCannotBeFoundFailsInOneLineNamingTheKey() {
    assertThatThrownBy(() -> TargetFinder.find(classifier("softmax", true), null, null, null))
        .isInstanceOf(SpecMismatchException.class).hasMessageContaining("set output")
        .hasMessageContaining("[out, z]");
    assertThatThrownBy(() -> TargetFinder.find(classifier("softmax", false), null, null, "fc_0.tmp_1"))
        .isInstanceOf(SpecMismatchException.class)
        .hasMessageStartingWith("logits 'fc_0.tmp_1' is not a variable of the program");
    assertThatThrownBy(() -> TargetFinder.find(classifier("softmax", false), ModelSpec.Task.CLASSIFICATION,
        null, "A")).hasMessageContaining("not [N,K]").hasMessageNotContaining("\n");
  }
}
