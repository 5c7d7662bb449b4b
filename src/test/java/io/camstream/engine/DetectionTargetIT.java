package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.explain.ExplainException;
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
 * Detection targets on a detector the test writes, exported as PP-PicoDet is without NMS: raw boxes [N,M,4] and
 * sigmoid class scores [N,C,M]. Candidate k is the 8x8 cell (k % 4, k / 4) of a 32x32 input; its class-1 score
 * reads only that cell of A, so a bright object in a cell is the only thing that drives that candidate's score.
 */
class DetectionTargetIT {

  static final int S = 32;
  static final int M = 16;

  @TempDir Path dir;

  /**
   * x -> conv3x3(4, positive) -> relu = A -> avg pool 8x8 = P [N,4,4,4]; head: conv1x1(2) + bias [0.5, -1] ->
   * reshape [N,2,16] -> sigmoid = scores; boxes: P -> reshape [N,4,16] -> transpose [N,16,4] -> scale 0 + anchors
   * (each cell shrunk by 1 px, so the image corner pixels overlap no candidate).
   */
  private ModelSpec model() throws Exception {
    return model(false, "");
  }

  /**
   * With {@code candidatesFirst} the scores are transposed to [N,M,C] ({@code scores_mc}) and P is fetched too, so
   * the three fetches leave the targets unclear and {@code specKeys} must name them.
   */
  private ModelSpec model(boolean candidatesFirst, String specKeys) throws Exception {
    return model(candidatesFirst, specKeys, "resize: fixed");
  }

  private ModelSpec model(boolean candidatesFirst, String specKeys, String resize) throws Exception {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    float[] k = ProgramWriter.random(4 * 27, 61, 0.05f);
    for (int i = 0; i < k.length; i++) {
      k[i] += 0.06f; // positive: only lit pixels light A
    }
    float[] anchors = new float[M * 4];
    for (int c = 0; c < M; c++) {
      int cx = c % 4;
      int cy = c / 4;
      anchors[4 * c] = 8 * cx + 1;
      anchors[4 * c + 1] = 8 * cy + 1;
      anchors[4 * c + 2] = 8 * cx + 7;
      anchors[4 * c + 3] = 8 * cy + 7;
    }
    w.param("conv_w", new long[] {4, 3, 3, 3}, k);
    w.param("cls_w", new long[] {2, 4, 1, 1}, new float[] {0f, 0f, 0f, 0f, 0.8f, 1.1f, 0.9f, 1.2f});
    w.param("cls_b", new long[] {2}, new float[] {0.5f, -1f});
    w.param("anchors", new long[] {M, 4}, anchors);
    w.var("c0", -1, 4, S, S).var("A", -1, 4, S, S).var("P", -1, 4, 4, 4).var("z", -1, 2, 4, 4)
        .var("zb", -1, 2, 4, 4).var("zr", -1, 2, M).var("zrx", 0, -1, 2, 4, 4).var("scores", -1, 2, M)
        .var("pr", -1, 4, M).var("prx", 0, -1, 4, 4, 4).var("pt", -1, M, 4).var("ptx", 0, -1, 4, M)
        .var("p0", -1, M, 4).var("boxes", -1, M, 4);
    TinyModels.conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    w.op("relu").in("X", "c0").out("Out", "A").add();
    TinyModels.pool(w, "A", "P", "avg", 8, false).add();
    TinyModels.conv(w, "conv2d", "P", "cls_w", "z", 1, 0, 1).add();
    TinyModels.eltwise(w, "elementwise_add", "z", "cls_b", "zb", 1).add();
    w.op("reshape2").in("X", "zb").out("Out", "zr").out("XShape", "zrx").ints("shape", 0, 2, M).add();
    w.op("sigmoid").in("X", "zr").out("Out", "scores").add();
    w.op("reshape2").in("X", "P").out("Out", "pr").out("XShape", "prx").ints("shape", 0, 4, M).add();
    w.op("transpose2").in("X", "pr").out("Out", "pt").out("XShape", "ptx").ints("axis", 0, 2, 1)
        .s("data_format", "AnyLayout").b("use_mkldnn", false).add();
    w.op("scale").in("X", "pt").out("Out", "p0").f("scale", 0f).f("bias", 0f).b("bias_after_scale", true).add();
    TinyModels.eltwise(w, "elementwise_add", "p0", "anchors", "boxes", -1).add();
    if (candidatesFirst) {
      w.var("scores_mc", -1, M, 2).var("smx", 0, -1, 2, M);
      w.op("transpose2").in("X", "scores").out("Out", "scores_mc").out("XShape", "smx").ints("axis", 0, 2, 1)
          .s("data_format", "AnyLayout").b("use_mkldnn", false).add();
      w.fetch("boxes").fetch("scores_mc").fetch("P").write(dir);
    } else {
      w.fetch("boxes").fetch("scores").write(dir);
    }
    Path yaml = dir.resolve("det.yaml");
    // no task, output or logits: the two fetches are a [N,M,4] and a [N,C,M] tensor, so they are found
    Files.writeString(yaml, "id: det\nversion: \"1\"\nfiles: {dir: .}\nlabels: [background, defect]\n"
        + "input: {" + resize + ", height: " + S + ", width: " + S + ", scale: 0.00392156862745098}\n" + specKeys);
    return ModelSpec.load(yaml);
  }

  private static byte[] png(int[]... squares) throws Exception {
    return png(S, squares);
  }

  private static byte[] png(int width, int[]... squares) throws Exception {
    return Squares.png(width, S, squares);
  }

  /** Share of the grid's heat inside {x, y, w, h} grown by {@code margin} pixels (the 3x3 conv's reach). */
  private static double shareInside(Explanation e, int[] box, int margin) {
    assertThat(e.grid().width()).isEqualTo(S);
    return Squares.shareInside(e, box, margin);
  }

  private static ExplainInput detection(byte[] png, String method, Integer cls, int[] box) {
    return new ExplainInput("det", png, "d.png", "A", method, cls, null, null, false, null, box);
  }

  @Test
  void heatForADetectionLiesOnTheObjectThatDrivesItsCandidate() throws Exception {
    int[] object = {17, 1, 6, 6};  // inside cell (2,0): candidate 2, anchor 17,1..23,7 (IoU 1)
    int[] other = {1, 17, 6, 6};   // inside cell (0,2): candidate 8
    try (PaddleExplainer ex = new PaddleExplainer(List.of(model()), dir, EngineFixture.options())) {
      ModelRuntime rt = ex.runtime("det");
      assertThat(rt.spec().task()).isEqualTo(ModelSpec.Task.DETECTION);
      assertThat(rt.spec().output()).isEqualTo("boxes");
      assertThat(rt.target()).isEqualTo("scores");

      Explanation one = ex.explain(detection(png(object), "gradcam", 1, new int[] {16, 0, 8, 8}));
      assertThat(one.target()).containsEntry("kind", "detection").containsEntry("candidate", 2)
          .containsEntry("classIndex", 1).containsEntry("label", "defect");
      // IoU of 16,0..24,8 with the anchor 17,1..23,7: 36 / 64
      assertThat((Double) one.target().get("iou")).isEqualTo(0.563);
      assertThat(shareInside(one, object, 1)).isGreaterThan(0.9);

      // no class given: the candidate's best class (class 1 on a lit cell: sigmoid(> 2) beats sigmoid(0.5))
      Explanation best = ex.explain(detection(png(object, other), "layercam", null, object));
      assertThat(best.target()).containsEntry("candidate", 2).containsEntry("classIndex", 1)
          .containsEntry("iou", 1.0);
      assertThat(shareInside(best, object, 1)).isGreaterThan(0.8);
      assertThat(shareInside(best, other, 1)).isLessThan(0.1);

      // as a line reports it (the event's box and class, the form the explainer role passes on): that detection
      Explanation reported = ex.explain(new ExplainInput("det", png(object), "line.png", "A", "gradcam", 1,
          new int[] {16, 0, 8, 8}, null, false));
      assertThat(reported.target()).containsEntry("kind", "detection").containsEntry("candidate", 2)
          .containsEntry("classIndex", 1);
      assertThat(shareInside(reported, object, 1)).isGreaterThan(0.9);

      // the other box follows the other candidate, and its heat moves with it
      Explanation moved = ex.explain(detection(png(object, other), "layercam", 1, other));
      assertThat(moved.target()).containsEntry("candidate", 8);
      assertThat(shareInside(moved, other, 1)).isGreaterThan(0.8);

      // a class out of range, a box that overlaps no candidate, and a dense box on a detector: bad targets,
      // each alone; the good image in the same batch still gets its explanation
      List<Object> mixed = ex.explainAll(List.of(
          detection(png(object), null, 2, object),
          detection(png(object), null, 1, new int[] {0, 0, 1, 1}),
          new ExplainInput("det", png(object), "b.png", "A", null, null, object, null, false, 1),
          detection(png(object), null, 1, object)));
      assertThat(mixed.subList(0, 3)).allSatisfy(r -> assertThat(r).isInstanceOf(ExplainException.class)
          .extracting(e -> ((ExplainException) e).reason()).isEqualTo(ExplainException.Reason.BAD_TARGET));
      assertThat(((ExplainException) mixed.get(1)).getMessage()).contains("overlaps none of the 16 candidate");
      assertThat(mixed.get(3)).isInstanceOf(Explanation.class);
    }
  }

  @Test
  void throughACentreCropTheBoxAndTheHeatAreInOriginalPixels() throws Exception {
    // 96x32 original, short side already 32: the model sees x 32..63. The object at x 49..54 is at input x 17..22
    // (candidate 2); the one at x 5..10 lies outside the crop and must neither be picked nor get heat
    int[] object = {49, 1, 6, 6};
    int[] outside = {5, 1, 6, 6};
    ModelSpec crop = model(false, "", "resize: short-side-crop, limitSideLen: " + S);
    try (PaddleExplainer ex = new PaddleExplainer(List.of(crop), dir, EngineFixture.options())) {
      Explanation e = ex.explain(detection(png(96, object, outside), "layercam", 1, object));
      assertThat(e.target()).containsEntry("candidate", 2).containsEntry("iou", 1.0);
      assertThat(e.width()).isEqualTo(96);
      assertThat(e.peak().x()).isBetween(48, 55);
      assertThat(e.peak().y()).isBetween(0, 7);
      // the hot regions hug the object (within the 3x3 conv's reach); stretched over the whole image, as before
      // the crop was placed, the input's x 16..23 would have become x 48..71
      assertThat(e.regions()).isNotEmpty().allSatisfy(r -> {
        assertThat(r.x()).isGreaterThanOrEqualTo(47);
        assertThat(r.x() + r.w()).isLessThanOrEqualTo(57);
      });
    }
  }

  @Test
  void candidatesFirstScoresNamedInTheSpec() throws Exception {
    int[] object = {9, 17, 6, 6};  // inside cell (1,2): candidate 9
    int[] other = {25, 1, 6, 6};   // inside cell (3,0): candidate 3
    // three float fetches: the targets cannot be told, and the message says which keys to set
    ModelSpec unclear = model(true, "task: detection\n");
    assertThatThrownBy(() -> new PaddleExplainer(List.of(unclear), dir, EngineFixture.options()))
        .isInstanceOf(java.io.IOException.class).hasMessageContaining("det.yaml")
        .hasMessageContaining("set output (raw boxes) and logits (raw class scores)");
    ModelSpec named = model(true, "task: detection\noutput: boxes\nlogits: scores_mc\n");
    try (PaddleExplainer ex = new PaddleExplainer(List.of(named), dir, EngineFixture.options())) {
      Explanation e = ex.explain(detection(png(object, other), "layercam", 1, new int[] {8, 16, 8, 8}));
      assertThat(e.target()).containsEntry("kind", "detection").containsEntry("candidate", 9)
          .containsEntry("classIndex", 1);
      assertThat(shareInside(e, object, 1)).isGreaterThan(0.8);
      assertThat(shareInside(e, other, 1)).isLessThan(0.1);
    }
  }
}
