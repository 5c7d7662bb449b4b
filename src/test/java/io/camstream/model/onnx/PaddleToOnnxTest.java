package io.camstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.model.ExplainProgram;
import io.camstream.model.ExplainProgramBuilder;
import io.camstream.model.ParamsIO;
import io.camstream.model.ProgramGraph;
import io.camstream.model.ProgramIO;
import io.camstream.model.ProgramWriter;
import io.camstream.model.onnx.proto.Onnx.ModelProto;
import io.camstream.model.onnx.proto.Onnx.NodeProto;
import io.camstream.testing.Shared;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which shortcuts the compiler takes on the shipped detector, read from the graph it writes (no native code). That
 * the graphs compute the same numbers as Paddle is for the engine ITs and the verdict; this guards the speed: a
 * program change that silently stops a shortcut from matching fails here.
 */
class PaddleToOnnxTest {

  @Test
  void theDbHeadsUpsamplersFoldTheirBatchNormAndAreDifferentiatedInBlocksOfTheHeadConvsResolution() throws Exception {
    Path dir = Shared.dir().resolve("models/ch_PP-OCRv3_det_infer");
    ProgramGraph det = new ProgramGraph(ProgramIO.read(dir.resolve("inference.pdmodel")));
    ExplainProgram p = ExplainProgramBuilder.dense(det, "concat_0.tmp_0", "sigmoid_0.tmp_0");
    Map<String, long[]> feeds = new LinkedHashMap<>();
    feeds.put("x", new long[] {-1, 3, -1, -1});
    feeds.put(ExplainProgram.SEED, new long[] {-1, 1, -1, -1});
    feeds.put(ExplainProgram.THRESHOLD, new long[] {-1, 1, 1, 1});
    assertThat(p.feeds()).containsExactlyInAnyOrderElementsOf(feeds.keySet());
    ModelProto m = PaddleToOnnx.compile(p.program(), feeds, p.fetches(),
        ParamsIO.read(dir.resolve("inference.pdiparams"), p.program()));
    List<NodeProto> nodes = m.getGraph().getNodeList();
    // the two upsamplers' forward passes only: their adjoint has no transposed conv (the head conv's input
    // gradient is a forward conv with the flipped filter, written so by the explain program)
    assertThat(nodes.stream().filter(n -> n.getOpType().equals("ConvTranspose"))).hasSize(2);
    // the first upsampler's bias add and batch norm are folded into it: it writes the batch norm's output
    assertThat(nodes.stream().filter(n -> n.getOpType().equals("ConvTranspose") && n.getInputCount() == 3
        && n.getOutput(0).equals("batch_norm_48.tmp_3"))).hasSize(1);
    assertThat(nodes.stream().filter(n -> n.getOpType().equals("BatchNormalization"))
        .flatMap(n -> n.getInputList().stream())).doesNotContain("elementwise_add_10.tmp_0");
    // one SpaceToDepth, of the output gradient in 4x4 blocks: none of the 240x320 gradient in 2x2 blocks
    List<NodeProto> s2d = nodes.stream().filter(n -> n.getOpType().equals("SpaceToDepth")).toList();
    assertThat(s2d).singleElement().satisfies(n -> assertThat(n.getAttribute(0).getI()).isEqualTo(4));
    // the ReLU mask between the upsamplers compares a recomputed product with per-row thresholds
    assertThat(nodes.stream().filter(n -> n.getOpType().equals("Greater")
        && m.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals(n.getInput(1))
            && t.getDimsList().equals(List.of(4L * 24, 1L))))).hasSize(1);
  }

  @Test
  void maxPoolingMarkedAdaptiveIsLeftToPaddleWhichIgnoresTheMark() {
    // Paddle's pool2d runs max pooling in plain windows of ksize whatever "adaptive" says, so a true adaptive max
    // (or a global max for ksize 1x1) would compute something else
    for (int k : new int[] {1, 3}) {
      ProgramWriter w = new ProgramWriter();
      w.feed("x", -1, 4, -1, -1).var("p", -1, 4, k, k);
      w.op("pool2d").in("X", "x").out("Out", "p").s("pooling_type", "max").ints("ksize", k, k).ints("strides", 1, 1)
          .ints("paddings", 0, 0).b("global_pooling", false).b("adaptive", true).b("exclusive", true)
          .b("ceil_mode", false).s("data_format", "NCHW").s("padding_algorithm", "EXPLICIT").add();
      Map<String, long[]> feeds = Map.of("x", new long[] {-1, 4, -1, -1});
      assertThatThrownBy(() -> PaddleToOnnx.compile(w.fetch("p").program(), feeds, List.of("p"), Map.of()))
          .isInstanceOf(UnsupportedOnnxOpException.class).hasMessageContaining("adaptive=true");
    }
  }
}
