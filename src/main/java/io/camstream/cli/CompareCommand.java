package io.camstream.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.engine.PaddleExplainer;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.explain.ExplanationJson;
import io.camstream.explain.Similarity;
import io.camstream.model.ModelSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream compare}: explains the same images with two models (say, before and after pruning) and reports
 * per image and in aggregate whether they predict alike and look at the same places.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compare two models' predictions and heatmaps on the same images (JSON + HTML report).")
public final class CompareCommand implements Callable<Integer> {

  @Option(names = "--model-a", required = true, paramLabel = "SPEC", description = "First model spec (or id).")
  String modelA;

  @Option(names = "--model-b", required = true, paramLabel = "SPEC", description = "Second model spec (or id).")
  String modelB;

  @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of images to explain.")
  Path images;

  @Option(names = "--out", defaultValue = "compare-report", paramLabel = "DIR",
      description = "Where report.json, report.html and the overlays go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--method", description = "CAM method for both (default: each spec's).")
  String method;

  @Option(names = "--models-dir", defaultValue = "${env:CAMSTREAM_MODELS_DIR:-models}",
      description = "Folder of model spec YAMLs for ids (default: ${DEFAULT-VALUE}).")
  Path modelsDir;

  @Mixin EngineMixin engine;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ModelSpec a = load(modelA);
    ModelSpec b = load(modelB);
    List<Path> files;
    try (Stream<Path> s = Files.list(images)) {
      files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|tiff?)"))
          .sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException("no images in " + images);
    }
    Files.createDirectories(out);
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ObjectNode report = ExplanationJson.mapper().createObjectNode();
    report.putObject("modelA").put("spec", modelA).put("key", a.key());
    report.putObject("modelB").put("spec", modelB).put("key", b.key());
    ArrayNode rows = report.putArray("images");
    List<double[]> metrics = new ArrayList<>();
    int agree = 0;
    int compared = 0;
    int failed = 0;
    // one engine per model: the two may share an id (a model against its own modified copy)
    try (PaddleExplainer ea = new PaddleExplainer(List.of(a), engine.sharedDir(), engine.options());
        PaddleExplainer eb = new PaddleExplainer(List.of(b), engine.sharedDir(), engine.options())) {
      for (Path f : files) {
        byte[] bytes = Files.readAllBytes(f);
        String stem = ExplainCommand.stem(f);
        try {
          Explanation xa = ea.explain(new ExplainInput(a.id(), bytes, stem, null, method, null, null, null, true));
          Explanation xb = eb.explain(new ExplainInput(b.id(), bytes, stem, null, method, null, null, null, true));
          int[] ha = grey(xa.heatmapPng());
          int[] hb = grey(xb.heatmapPng());
          double corr = Similarity.pearson(ha, hb);
          double iou = Similarity.topIou(ha, hb);
          metrics.add(new double[] {corr, iou});
          Files.write(out.resolve(stem + ".a.overlay.png"), xa.overlayPng());
          Files.write(out.resolve(stem + ".b.overlay.png"), xb.overlayPng());
          ObjectNode row = rows.addObject();
          row.put("image", f.toString());
          row.put("stem", stem);
          row.put("correlation", corr);
          row.put("topIou", iou);
          if (xa.prediction() != null && xb.prediction() != null) {
            boolean same = xa.prediction().classIndex() == xb.prediction().classIndex();
            row.put("labelA", xa.prediction().label()).put("scoreA", xa.prediction().score());
            row.put("labelB", xb.prediction().label()).put("scoreB", xb.prediction().score());
            row.put("agree", same);
            compared++;
            agree += same ? 1 : 0;
          }
          stdout.printf("%-32s corr %.4f  top-20%% IoU %.4f%s%n", f.getFileName(), corr, iou,
              row.has("agree") ? "  " + xa.prediction().label() + " / " + xb.prediction().label() : "");
        } catch (ExplainException e) {
          err.println("error: " + f + ": " + e.line());
          failed++;
        }
      }
    }
    ObjectNode agg = report.putObject("aggregate");
    agg.put("images", metrics.size());
    agg.put("failed", failed);
    agg.put("meanCorrelation", metrics.stream().mapToDouble(m -> m[0]).average().orElse(Double.NaN));
    agg.put("minCorrelation", metrics.stream().mapToDouble(m -> m[0]).min().orElse(Double.NaN));
    agg.put("meanTopIou", metrics.stream().mapToDouble(m -> m[1]).average().orElse(Double.NaN));
    if (compared > 0) {
      agg.put("predictionAgreement", agree / (double) compared);
    }
    Files.writeString(out.resolve("report.json"),
        ExplanationJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    Files.writeString(out.resolve("report.html"), html(report));
    stdout.printf("aggregate: %d image(s), mean correlation %.4f (min %.4f), mean top-20%% IoU %.4f%s%n",
        metrics.size(), agg.get("meanCorrelation").asDouble(), agg.get("minCorrelation").asDouble(),
        agg.get("meanTopIou").asDouble(), compared > 0 ? String.format(", prediction agreement %.1f %%",
            100 * agg.get("predictionAgreement").asDouble()) : "");
    stdout.println("report: " + out.resolve("report.html"));
    stdout.flush();
    return failed == 0 ? 0 : 1;
  }

  private ModelSpec load(String s) throws IOException {
    ModelOption o = new ModelOption();
    o.model = s;
    o.modelsDir = modelsDir;
    return o.load();
  }

  static int[] grey(byte[] png) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    int[] v = new int[img.getWidth() * img.getHeight()];
    img.getRaster().getSamples(0, 0, img.getWidth(), img.getHeight(), 0, v);
    return v;
  }

  private static String html(ObjectNode report) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>camstream compare</title><style>")
        .append("body{font-family:sans-serif;background:#111;color:#eee;margin:24px}")
        .append("table{border-collapse:collapse}td,th{padding:6px 10px;border-bottom:1px solid #333;")
        .append("vertical-align:top}img{max-width:420px;image-rendering:pixelated}.bad{color:#f77}")
        .append("</style></head><body>");
    h.append("<h1>").append(esc(report.at("/modelA/key").asText())).append(" vs ")
        .append(esc(report.at("/modelB/key").asText())).append("</h1>");
    ObjectNode agg = (ObjectNode) report.get("aggregate");
    h.append("<p>").append(agg.get("images").asInt()).append(" images; mean heatmap correlation <b>")
        .append(String.format("%.4f", agg.get("meanCorrelation").asDouble())).append("</b>, mean top-20% IoU <b>")
        .append(String.format("%.4f", agg.get("meanTopIou").asDouble())).append("</b>");
    if (agg.has("predictionAgreement")) {
      h.append(", prediction agreement <b>")
          .append(String.format("%.1f %%", 100 * agg.get("predictionAgreement").asDouble())).append("</b>");
    }
    h.append("</p><table><tr><th>image</th><th>A</th><th>B</th><th>correlation</th><th>top-20% IoU</th></tr>");
    for (var row : report.get("images")) {
      String stem = row.get("stem").asText();
      boolean disagree = row.has("agree") && !row.get("agree").asBoolean();
      h.append("<tr><td>").append(esc(stem)).append("</td>");
      for (String side : new String[] {"a", "b"}) {
        String label = row.has("label" + side.toUpperCase()) ? row.get("label" + side.toUpperCase()).asText() : "";
        h.append("<td><img src=\"").append(esc(stem)).append('.').append(side).append(".overlay.png\" alt=\"")
            .append(side).append("\"><br>").append(esc(label)).append("</td>");
      }
      h.append("<td").append(disagree ? " class=\"bad\"" : "").append('>')
          .append(String.format("%.4f", row.get("correlation").asDouble())).append("</td><td>")
          .append(String.format("%.4f", row.get("topIou").asDouble())).append("</td></tr>");
    }
    return h.append("</table></body></html>\n").toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
