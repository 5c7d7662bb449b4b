package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camstream.model.ProgramWriter;
import io.camstream.testing.Shared;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code camstream explain} as a user runs it: files, their contents, repeatability, and one-line errors. */
class ExplainCommandIT {

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--shared", Shared.dir().toString(), "--cache", "target/program-cache"));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void writesOverlayHeatmapAndJsonForEachImage() throws Exception {
    Path out = tmp.resolve("out");
    Run r = run("explain", "--model", "ocr-textline-cls", "--image", Shared.image("textline_en_180.png").toString(),
        Shared.image("rapidocr_text_rec.jpg").toString(), "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    for (String stem : List.of("textline_en_180", "rapidocr_text_rec")) {
      BufferedImage original = ImageIO.read(Shared.image(stem + (stem.startsWith("text") ? ".png" : ".jpg"))
          .toFile());
      BufferedImage heat = ImageIO.read(out.resolve(stem + ".heatmap.png").toFile());
      BufferedImage overlay = ImageIO.read(out.resolve(stem + ".overlay.png").toFile());
      assertThat(heat.getWidth()).isEqualTo(original.getWidth());
      assertThat(heat.getHeight()).isEqualTo(original.getHeight());
      assertThat(overlay.getWidth()).isEqualTo(original.getWidth());
      JsonNode j = new ObjectMapper().readTree(out.resolve(stem + ".json").toFile());
      assertThat(j.get("width").asInt()).isEqualTo(original.getWidth());
      assertThat(j.at("/model/id").asText()).isEqualTo("ocr-textline-cls");
      assertThat(j.at("/model/sha256").asText())
          .isEqualTo("9fa20a45c21feb2bf68a08459feaee4008bcb9ac72aa86ed9d858e063a627a53");
      assertThat(j.get("method").asText()).isEqualTo("gradcam");
      assertThat(j.get("layer").asText()).isEqualTo("hard_swish_17.tmp_0");
      assertThat(j.at("/prediction/label").asText()).isEqualTo(stem.endsWith("180") ? "180" : "0");
      JsonNode grid = j.get("grid");
      assertThat(grid.get("values").size()).isEqualTo(grid.get("width").asInt() * grid.get("height").asInt());
      double max = 0;
      for (JsonNode v : grid.get("values")) {
        assertThat(v.asDouble()).isBetween(0.0, 1.0);
        max = Math.max(max, v.asDouble());
      }
      assertThat(max).isEqualTo(1.0);
      // the heatmap's hottest pixel is the reported peak
      int px = j.at("/peak/x").asInt();
      int py = j.at("/peak/y").asInt();
      assertThat(heat.getRaster().getSample(px, py, 0)).isEqualTo(255);
      for (String t : List.of("preprocess", "engine", "cam", "render")) {
        assertThat(j.at("/timingsMs/" + t).isNumber()).as(t).isTrue();
      }
      assertThat(j.get("regions").size()).isPositive();
    }
  }

  @Test
  void sameInputGivesByteIdenticalValuesAndHeatmap() throws Exception {
    String img = Shared.image("doc_synthetic_en.png").toString();
    Run a = run("explain", "--model", "ocr-db-det", "--image", img, "--out", tmp.resolve("a").toString());
    Run b = run("explain", "--model", "ocr-db-det", "--image", img, "--out", tmp.resolve("b").toString());
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(b.exit()).as(b.err()).isZero();
    assertThat(Files.readAllBytes(tmp.resolve("a/doc_synthetic_en.heatmap.png")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("b/doc_synthetic_en.heatmap.png")));
    ObjectMapper m = new ObjectMapper();
    assertThat(m.readTree(tmp.resolve("a/doc_synthetic_en.json").toFile()).get("grid"))
        .isEqualTo(m.readTree(tmp.resolve("b/doc_synthetic_en.json").toFile()).get("grid"));
  }

  @Test
  void badInputsGiveOneClearLineEachAndTheGoodOnesStillRun() throws Exception {
    Path corrupt = tmp.resolve("corrupt.png");
    Files.write(corrupt, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5, 6, 7});
    Path cut = tmp.resolve("cut.jpg");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(Shared.image("rapidocr_text_rec.jpg")), 2000));
    // A monochrome camera's image is converted (grey into all three channels), not refused.
    Path grey = tmp.resolve("grey.png");
    BufferedImage g = new BufferedImage(120, 40, BufferedImage.TYPE_BYTE_GRAY);
    ImageIO.write(g, "png", grey.toFile());
    Path out = tmp.resolve("out");
    Run r = run("explain", "--model", "ocr-textline-cls", "--image", corrupt.toString(), cut.toString(),
        grey.toString(), Shared.image("textline_en_0.png").toString(), "--out", out.toString());
    assertThat(r.exit()).isEqualTo(1);
    List<String> lines = r.err().lines().filter(l -> l.startsWith("error:")).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("corrupt.png", "IMAGE_UNDECODABLE");
    assertThat(lines.get(1)).contains("cut.jpg", "IMAGE_TRUNCATED", "2000 bytes");
    assertThat(out.resolve("textline_en_0.heatmap.png")).exists();
    assertThat(out.resolve("grey.heatmap.png")).exists();

    Run layer = run("explain", "--model", "ocr-textline-cls", "--image", Shared.image("textline_en_0.png").toString(),
        "--out", out.toString(), "--layer", "hard_swish_17");
    assertThat(layer.exit()).isEqualTo(1);
    assertThat(layer.err().lines().filter(l -> l.startsWith("error:")).toList()).singleElement().asString()
        .contains("UNKNOWN_LAYER", "hard_swish_17", "did you mean", "hard_swish_17.tmp_0");

    Run det = run("explain", "--model", "ocr-textline-cls", "--image", Shared.image("textline_en_0.png").toString(),
        "--out", out.toString(), "--detection", "0,0,10,10", "--class", "1");
    assertThat(det.exit()).isEqualTo(1);
    assertThat(det.err().lines().filter(l -> l.startsWith("error:")).toList()).singleElement().asString()
        .contains("BAD_TARGET", "not a detector");
  }

  @Test
  void anOpWithoutGradientMakerIsNamedBeforeAnyNativeCall() throws Exception {
    // x -> conv -> relu = A -> exp (no maker) -> global pool -> flatten -> matmul = logits -> softmax
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, 8, 8);
    w.param("cw", new long[] {2, 3, 1, 1}, ProgramWriter.random(6, 1, 0.5f));
    w.param("fw", new long[] {2, 2}, ProgramWriter.random(4, 2, 0.5f));
    w.var("c", -1, 2, 8, 8).var("A", -1, 2, 8, 8).var("e", -1, 2, 8, 8).var("p", -1, 2, 1, 1);
    w.var("f", -1, 2).var("fx", 0, -1, 2, 1, 1).var("logits", -1, 2).var("probs", -1, 2);
    w.op("conv2d").in("Input", "x").in("Filter", "cw").out("Output", "c").ints("strides", 1, 1)
        .ints("paddings", 0, 0).ints("dilations", 1, 1).i("groups", 1).add();
    w.op("relu").in("X", "c").out("Out", "A").add();
    w.op("exp").in("X", "A").out("Out", "e").add();
    w.op("pool2d").in("X", "e").out("Out", "p").s("pooling_type", "avg").ints("ksize", 1, 1)
        .b("global_pooling", true).add();
    w.op("flatten_contiguous_range").in("X", "p").out("Out", "f").out("XShape", "fx").i("start_axis", 1)
        .i("stop_axis", -1).add();
    w.op("matmul_v2").in("X", "f").in("Y", "fw").out("Out", "logits").add();
    w.op("softmax").in("X", "logits").out("Out", "probs").add();
    w.fetch("probs");
    Path model = w.write(tmp.resolve("expmodel"));
    Path spec = tmp.resolve("exp.yaml");
    Files.writeString(spec, "id: exp-model\nversion: \"1\"\nfiles: {dir: " + model + "}\ntask: classification\n"
        + "input: {resize: fixed, height: 8, width: 8, scale: 0.0039}\noutput: probs\nlogits: logits\n"
        + "targetLayer: A\nlabels: [a, b]\n");
    Run r = run("explain", "--model", spec.toString(), "--image", Shared.image("textline_en_0.png").toString(),
        "--out", tmp.resolve("o").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> l.startsWith("error:")).toList()).singleElement().asString()
        .contains("UNSUPPORTED_OP", "'exp'", "layer 'A'");
    // the process is alive and still explains
    Run ok = run("explain", "--model", "ocr-textline-cls", "--image", Shared.image("textline_en_0.png").toString(),
        "--out", tmp.resolve("after").toString());
    assertThat(ok.exit()).as(ok.err()).isZero();
  }
}
