package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camstream.model.ParamsIO;
import io.camstream.model.ProgramIO;
import io.camstream.model.Tensor;
import io.camstream.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code camstream compare}: a model against itself, and against a copy with perturbed last-layer weights. */
class CompareCommandIT {

  @TempDir Path tmp;

  @Test
  void identicalModelsMatchAndPerturbedWeightsLowerTheSimilarity() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    for (String n : List.of("textline_en_0.png", "textline_en_180.png", "rapidocr_text_cls.jpg",
        "rapidocr_text_rec.jpg")) {
      Files.copy(Shared.image(n), images.resolve(n));
    }
    Path self = tmp.resolve("self");
    ExplainCommandIT.Run same = ExplainCommandIT.run("compare", "--model-a", "ocr-textline-cls", "--model-b",
        "ocr-textline-cls", "--images", images.toString(), "--out", self.toString());
    assertThat(same.exit()).as(same.err()).isZero();
    JsonNode s = new ObjectMapper().readTree(self.resolve("report.json").toFile());
    assertThat(s.at("/aggregate/images").asInt()).isEqualTo(4);
    assertThat(s.at("/aggregate/minCorrelation").asDouble()).isEqualTo(1.0);
    assertThat(s.at("/aggregate/meanTopIou").asDouble()).isEqualTo(1.0);
    assertThat(s.at("/aggregate/predictionAgreement").asDouble()).isEqualTo(1.0);
    assertThat(self.resolve("report.html")).content().contains("<img src=\"textline_en_0.a.overlay.png\"");
    assertThat(self.resolve("textline_en_0.b.overlay.png")).exists();

    Path spec = perturbedCopy(tmp.resolve("perturbed"));
    Path other = tmp.resolve("other");
    ExplainCommandIT.Run diff = ExplainCommandIT.run("compare", "--model-a", "ocr-textline-cls", "--model-b",
        spec.toString(), "--images", images.toString(), "--out", other.toString());
    assertThat(diff.exit()).as(diff.err()).isZero();
    JsonNode d = new ObjectMapper().readTree(other.resolve("report.json").toFile());
    assertThat(d.at("/aggregate/meanCorrelation").asDouble()).isLessThan(0.95);
    assertThat(d.at("/aggregate/meanTopIou").asDouble()).isLessThan(0.9);
  }

  /** The shipped classifier with noise on fc_0.w_0, written with the project's own params writer. */
  private static Path perturbedCopy(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path src = Shared.dir().resolve("models/ch_ppocr_mobile_v2.0_cls_infer");
    Files.copy(src.resolve("inference.pdmodel"), dir.resolve("inference.pdmodel"));
    Map<String, Tensor> params = ParamsIO.read(src.resolve("inference.pdiparams"),
        ProgramIO.read(src.resolve("inference.pdmodel")));
    Tensor w = params.get("fc_0.w_0");
    float[] noisy = w.data().clone();
    double rms = 0;
    for (float v : noisy) {
      rms += v * v;
    }
    rms = Math.sqrt(rms / noisy.length);
    Random r = new Random(42);
    for (int i = 0; i < noisy.length; i++) {
      noisy[i] += (float) (r.nextGaussian() * 2 * rms);
    }
    List<Tensor> all = new ArrayList<>(params.values());
    all.replaceAll(t -> t.name().equals("fc_0.w_0") ? new Tensor(t.name(), t.dims(), noisy) : t);
    ParamsIO.write(dir.resolve("inference.pdiparams"), all);
    String yaml = Files.readString(Path.of("models", "ocr-textline-cls.yaml"))
        .replace("${shared}/models/ch_ppocr_mobile_v2.0_cls_infer", dir.toString())
        .replace("version: \"2.0\"", "version: \"2.0-perturbed\"");
    Path spec = dir.resolve("perturbed.yaml");
    Files.writeString(spec, yaml);
    return spec;
  }
}
