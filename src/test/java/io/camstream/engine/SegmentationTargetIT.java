package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segmentation targets (the sum of one class's logits over a mask) on a segmentation model the test writes: a
 * bright object on black is the only thing that drives class 1, so the heat for class 1 must lie on the object,
 * both for the predicted region (no box) and for a box around one of two objects (element-wise LayerCAM).
 */
class SegmentationTargetIT {

  static final int S = 32;

  @TempDir Path dir;

  /** x -> conv3x3(4, positive weights) -> relu = A -> conv1x1(2) + bias [0.5, 0] = logits -> softmax(axis 1). */
  private ModelSpec model() throws Exception {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    float[] k = ProgramWriter.random(4 * 27, 51, 0.05f);
    for (int i = 0; i < k.length; i++) {
      k[i] += 0.06f; // positive: only lit pixels light A
    }
    w.param("conv_w", new long[] {4, 3, 3, 3}, k);
    w.param("head_w", new long[] {2, 4, 1, 1}, new float[] {0f, 0f, 0f, 0f, 0.8f, 1.1f, 0.9f, 1.2f});
    w.param("head_b", new long[] {2}, new float[] {0.5f, 0f});
    w.var("c0", -1, 4, S, S).var("A", -1, 4, S, S).var("z", -1, 2, S, S).var("logits", -1, 2, S, S)
        .var("probs", -1, 2, S, S);
    TinyModels.conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    w.op("relu").in("X", "c0").out("Out", "A").add();
    TinyModels.conv(w, "conv2d", "A", "head_w", "z", 1, 0, 1).add();
    TinyModels.eltwise(w, "elementwise_add", "z", "head_b", "logits", 1).add();
    w.op("softmax").in("X", "logits").out("Out", "probs").i("axis", 1).b("use_cudnn", false)
        .s("data_format", "AnyLayout").b("use_mkldnn", false).add();
    w.fetch("probs").write(dir);
    Path yaml = dir.resolve("seg.yaml");
    // no task, output or logits: found from the program (per-pixel softmax -> dense, logits = its input)
    Files.writeString(yaml, "id: seg\nversion: \"1\"\nfiles: {dir: .}\nlabels: [background, defect]\n"
        + "input: {resize: fixed, height: " + S + ", width: " + S + ", scale: 0.00392156862745098}\n");
    return ModelSpec.load(yaml);
  }

  private static byte[] png(int[]... squares) throws Exception {
    return Squares.png(S, S, squares);
  }

  /** Share of the grid's heat inside {x, y, w, h} grown by {@code margin} pixels (the 3x3 conv's reach). */
  private static double shareInside(Explanation e, int[] box, int margin) {
    assertThat(e.grid().width()).isEqualTo(S);
    return Squares.shareInside(e, box, margin);
  }

  @Test
  void heatForAClassLiesOnTheObjectThatDrivesIt() throws Exception {
    int[] object = {18, 5, 8, 8};
    int[] other = {4, 20, 6, 6};
    try (PaddleExplainer ex = new PaddleExplainer(List.of(model()), dir, EngineFixture.options())) {
      ModelRuntime rt = ex.runtime("seg");
      assertThat(rt.spec().task()).isEqualTo(ModelSpec.Task.DENSE);
      assertThat(rt.target()).isEqualTo("logits");
      // the predicted region of class 1: where the object is
      Explanation region = ex.explain(new ExplainInput("seg", png(object), "one.png", "A", "gradcam", null, null,
          null, false, 1));
      assertThat(region.target()).containsEntry("kind", "segment").containsEntry("classIndex", 1)
          .containsEntry("label", "defect").containsEntry("region", "predicted");
      assertThat(shareInside(region, object, 1)).isGreaterThan(0.9);
      // two objects, a box around one: the element-wise method keeps the heat on the boxed one
      Explanation boxed = ex.explain(new ExplainInput("seg", png(object, other), "two.png", "A", "layercam", null,
          object, null, false, 1));
      assertThat(boxed.target()).containsEntry("kind", "segment");
      assertThat(shareInside(boxed, object, 1)).isGreaterThan(0.8);
      assertThat(shareInside(boxed, other, 1)).isLessThan(0.1);
      // as a line reports it (the event's box and class, the form the explainer role passes on): that class's
      // segment inside the box
      Explanation reported = ex.explain(new ExplainInput("seg", png(object, other), "line.png", "A", "layercam", 1,
          object, null, false));
      assertThat(reported.target()).containsEntry("kind", "segment").containsEntry("classIndex", 1)
          .containsEntry("box", object);
      assertThat(shareInside(reported, object, 1)).isGreaterThan(0.8);
      // out-of-range class and a box without a class fail as bad targets
      assertThat(ex.explainAll(List.of(
          new ExplainInput("seg", png(object), "x.png", "A", null, null, null, null, false, 2),
          new ExplainInput("seg", png(object), "y.png", "A", null, null, object, null, false, null))))
          .allSatisfy(r -> assertThat(r).isInstanceOf(io.camstream.explain.ExplainException.class)
              .extracting(e -> ((io.camstream.explain.ExplainException) e).reason())
              .isEqualTo(io.camstream.explain.ExplainException.Reason.BAD_TARGET));
    }
  }
}
