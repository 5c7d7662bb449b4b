package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.testing.Shared;
import java.awt.Rectangle;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped DB text detector: its heat lies on text. */
class DetectorIT {

  /**
   * Text lines of doc_synthetic_en.png, from its ImageMagick recipe (shared/images/README.md): baseline positions
   * and point sizes give each line's box, with a few pixels of margin.
   */
  static final List<Rectangle> TEXT_LINES = List.of(
      new Rectangle(36, 30, 340, 38),   // QUARTERLY REPORT, 30pt at +40+60
      new Rectangle(36, 92, 420, 24),   // 18pt at +40+110
      new Rectangle(36, 122, 420, 24),  // 18pt at +40+140
      new Rectangle(36, 152, 330, 24),  // 18pt at +40+170
      new Rectangle(36, 214, 300, 22),  // 16pt table lines at +40+230 ... +40+320
      new Rectangle(36, 244, 300, 22),
      new Rectangle(36, 274, 300, 22),
      new Rectangle(36, 304, 300, 22),
      new Rectangle(356, 380, 250, 28)); // Total, 22pt at +360+400

  private static PaddleExplainer explainer;

  @BeforeAll
  static void open() throws Exception {
    explainer = new PaddleExplainer(List.of(EngineFixture.spec("ocr-db-det")), Shared.dir(), EngineFixture.options());
  }

  @AfterAll
  static void close() {
    explainer.close();
  }

  @Test
  void peakOfTheWholeMapTargetLiesInsideATextLine() throws Exception {
    Explanation e = explainer.explain(ExplainInput.of("ocr-db-det", Shared.imageBytes("doc_synthetic_en.png"),
        "doc"));
    assertThat(e.layer()).isEqualTo("concat_0.tmp_0");
    assertThat(e.target()).containsEntry("kind", "threshold");
    assertThat(TEXT_LINES).as("peak %s", e.peak()).anyMatch(r -> r.contains(e.peak().x(), e.peak().y()));
    double onText = e.regions().stream()
        .filter(r -> TEXT_LINES.stream().anyMatch(t -> t.intersects(new Rectangle(r.x(), r.y(), r.w(), r.h()))))
        .mapToDouble(Explanation.Region::share).sum();
    double total = e.regions().stream().mapToDouble(Explanation.Region::share).sum();
    assertThat(onText).as("hot regions touching text").isGreaterThan(0.9 * total);
  }

  /**
   * A box target with the element-wise methods stays on the box. (Grad-CAM's channel weights are global averages,
   * so on a dense model it lights up every line of text that shares the box's features: see the README.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"layercam", "hirescam"})
  void aBoxTargetExplainsThatBox(String method) throws Exception {
    int[] total = {356, 380, 250, 28};
    Explanation e = explainer.explain(new ExplainInput("ocr-db-det", Shared.imageBytes("doc_synthetic_en.png"),
        "doc", null, method, null, total, null, true));
    assertThat(e.target()).containsEntry("kind", "box");
    assertThat(new Rectangle(total[0] - 8, total[1] - 8, total[2] + 16, total[3] + 16).contains(e.peak().x(),
        e.peak().y())).as("peak %s on the Total line", e.peak()).isTrue();
  }

  @Test
  void aBoxOutsideTheImageIsABadTargetNotAnEmptyMap() throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> explainer.explain(new ExplainInput("ocr-db-det",
            Shared.imageBytes("doc_synthetic_en.png"), "doc", null, "layercam", null, new int[] {700, 10, 50, 20},
            null, true)))
        .isInstanceOf(io.camstream.explain.ExplainException.class)
        .hasMessageContaining("outside the 640x480 image")
        .extracting(e -> ((io.camstream.explain.ExplainException) e).reason())
        .isEqualTo(io.camstream.explain.ExplainException.Reason.BAD_TARGET);
  }
}
