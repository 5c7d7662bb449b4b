package io.camstream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.engine.PaddleExplainer;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.explain.ExplanationJson;
import io.camstream.model.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code camstream explain}: heatmaps for image files, written beside a JSON summary. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain images with a model: writes <stem>.overlay.png, <stem>.heatmap.png and <stem>.json.")
public final class ExplainCommand implements Callable<Integer> {

  @Mixin ModelOption model;
  @Mixin EngineMixin engine;

  @Option(names = "--image", required = true, arity = "1..*", paramLabel = "FILE", description = "Images to explain.")
  List<Path> images;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--layer", paramLabel = "VAR", description = "Target layer (default: the spec's; see `camstream layers`).")
  String layer;

  @Option(names = "--method", paramLabel = "M",
      description = "gradcam (default), gradcampp, xgradcam, hirescam, layercam, scorecam, eigencam.")
  String method;

  @ArgGroup(exclusive = true)
  Target target;

  @Option(names = "--segment-class", paramLabel = "K",
      description = "Segmentation model: explain class K's logits summed over its predicted region, or over --box.")
  Integer segmentClass;

  @Option(names = "--detection", paramLabel = "x,y,w,h", split = ",",
      description = "Detector (task detection): explain the reported box (image pixels), i.e. the class score"
          + " (--class K, default the candidate's best) of the raw candidate with the highest IoU.")
  int[] detection;

  @Option(names = "--no-overlay", description = "Write no overlay (no raw pixels in any artifact).")
  boolean noOverlay;

  @Spec CommandSpec spec;

  /** One target: a class, a box or a threshold. */
  static final class Target {
    @Option(names = "--class", paramLabel = "K", description = "Classifier: explain class K (default: predicted).")
    Integer classIndex;

    @Option(names = "--box", paramLabel = "x,y,w,h", split = ",",
        description = "Dense model: explain the output summed inside this box (image pixels).")
    int[] box;

    @Option(names = "--threshold", paramLabel = "T",
        description = "Dense model: explain the output summed over pixels above T (default 0.3).")
    Double threshold;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    ModelSpec ms = model.load();
    Files.createDirectories(out);
    List<ExplainInput> inputs = new ArrayList<>();
    List<Path> readable = new ArrayList<>();
    int failed = 0;
    for (Path img : images) {
      try {
        inputs.add(new ExplainInput(ms.id(), Files.readAllBytes(img), img.getFileName().toString(), layer, method,
            target == null ? null : target.classIndex, target == null ? null : target.box,
            target == null ? null : target.threshold, !noOverlay, segmentClass, detection));
        readable.add(img);
      } catch (IOException e) {
        err.println("error: " + img + ": IMAGE_UNREADABLE: " + e.getMessage());
        failed++;
      }
    }
    try (PaddleExplainer explainer = new PaddleExplainer(List.of(ms), engine.sharedDir(), engine.options())) {
      List<Object> results = explainer.explainAll(inputs);
      for (int i = 0; i < results.size(); i++) {
        Path img = readable.get(i);
        if (results.get(i) instanceof ExplainException e) {
          err.println("error: " + img + ": " + e.line());
          failed++;
          continue;
        }
        Explanation x = (Explanation) results.get(i);
        String stem = stem(img);
        Files.write(out.resolve(stem + ".heatmap.png"), x.heatmapPng());
        if (x.overlayPng() != null) {
          Files.write(out.resolve(stem + ".overlay.png"), x.overlayPng());
        }
        ObjectNode json = ExplanationJson.mapper().createObjectNode();
        json.put("image", img.toString());
        json.setAll(ExplanationJson.toJson(x));
        Files.writeString(out.resolve(stem + ".json"),
            ExplanationJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        stdout.printf("%s: %s peak (%d,%d) %s -> %s [engine %s]%n", img.getFileName(), describe(x), x.peak().x(),
            x.peak().y(), x.regions().isEmpty() ? "no hot region" : x.regions().size() + " hot region(s)",
            out.resolve(stem + ".*"), x.engine() == null ? "?" : x.engine().name() + " " + x.engine().version());
      }
    }
    stdout.flush();
    return failed == 0 ? 0 : 1;
  }

  private static String describe(Explanation x) {
    if (x.prediction() != null) {
      return String.format("class %s (p=%.4f), target %s", x.prediction().label(), x.prediction().score(),
          x.target().get("label"));
    }
    return "target " + x.target().get("kind");
  }

  static String stem(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
