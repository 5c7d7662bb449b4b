package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code camstream layers}: real shapes from a run of the model, and the default target marked. */
class LayersCommandIT {

  @Test
  void listsActivationsWithMeasuredShapesAndMarksTheDefault() {
    ExplainCommandIT.Run r = ExplainCommandIT.run("layers", "--model", "ocr-textline-cls");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).contains("ocr-textline-cls@2.0", "1x3x48x192", "linear_1.tmp_1");
    // the program declares [-1, 3, 32, 100] as its input; the shapes shown are those of a 48x192 run
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("*").contains("hard_swish_17.tmp_0",
        "[1, 200, 2, 96]", "hard_swish"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(" ").contains("relu_0.tmp_0", "[1, 8, 24, 96]", "relu"));
    assertThat(lines.stream().filter(l -> l.startsWith("*"))).hasSize(1);
  }

  @Test
  void theDetectorsFullSizeProbeFitsTheChildProcess() {
    // 236 activations of a 640x640 input are fetched at once by the probe
    ExplainCommandIT.Run r = ExplainCommandIT.run("layers", "--model", "ocr-db-det");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("*")).toList()).singleElement().asString()
        .contains("concat_0.tmp_0", "[1, 96, 160, 160]", "concat");
  }
}
