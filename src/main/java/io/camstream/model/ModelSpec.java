package io.camstream.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model spec (YAML beside or pointing at the model files): identity, files, task, the preprocessing that
 * reproduces the model's own training/inference pipeline, labels and the variables the explain engine needs.
 *
 * <p>{@code files.dir} may start with {@code ${shared}/} (resolved against the shared folder) or be relative to the
 * spec file's own folder.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSpec(
    String id,
    String version,
    ModelFiles files,
    Task task,
    Input input,
    List<String> labels,
    String output,
    String logits,
    @JsonProperty("targetLayer") String targetLayer,
    String method,
    Source source,
    @JsonProperty("specFile") Path specFile,
    String engine) {

  /** Engines a spec may name: the compiled ONNX graph on ONNX Runtime, or the Paddle program on Paddle Inference. */
  public static final List<String> ENGINES = List.of("onnxruntime", "paddle");

  /**
   * The method of a dense model whose spec names none. Box targets need a method that keeps the gradient's
   * locality (element-wise weights); Grad-CAM's channel means light up every region that shares the box's features.
   */
  public static final String DENSE_DEFAULT_METHOD = "layercam";

  public ModelSpec {
    method = method == null && (task == Task.DENSE || task == Task.DETECTION) ? DENSE_DEFAULT_METHOD : method;
  }

  /** What the model outputs and so how a target score is taken from it. */
  public enum Task {
    CLASSIFICATION,
    DENSE,
    /** Raw detector head: {@code output} = candidate boxes [N,M,4], {@code logits} = class scores [N,C,M]/[N,M,C]. */
    DETECTION;

    @com.fasterxml.jackson.annotation.JsonCreator
    static Task parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("must be classification, dense or detection, not '" + s + "'");
      }
    }
  }

  /** Where the model files are. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ModelFiles(String dir, String model, String params) {
    public ModelFiles {
      model = model == null ? "inference.pdmodel" : model;
      params = params == null ? "inference.pdiparams" : params;
    }
  }

  /** How an image becomes the model input. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Input(
      String resize,
      int height,
      int width,
      Integer limitSideLen,
      Integer multiple,
      String channelOrder,
      double scale,
      List<Double> mean,
      List<Double> std,
      Float padValue,
      Long maxPixels) {

    public Input {
      resize = resize == null ? "fixed" : resize;
      channelOrder = channelOrder == null ? "BGR" : channelOrder.toUpperCase(Locale.ROOT);
      mean = mean == null ? List.of(0.0, 0.0, 0.0) : mean;
      std = std == null ? List.of(1.0, 1.0, 1.0) : std;
      padValue = padValue == null ? 0f : padValue;
      maxPixels = maxPixels == null ? 40_000_000L : maxPixels;
      if (!List.of("fixed", "keep-ratio-pad", "longest-side", "short-side-crop").contains(resize)) {
        throw new IllegalArgumentException(
            "input.resize must be fixed, keep-ratio-pad, longest-side or short-side-crop, not '" + resize + "'");
      }
      if (!channelOrder.equals("BGR") && !channelOrder.equals("RGB")) {
        throw new IllegalArgumentException("input.channelOrder must be BGR or RGB, not '" + channelOrder + "'");
      }
      if (mean.size() != 3 || std.size() != 3) {
        throw new IllegalArgumentException("input.mean and input.std need 3 values each");
      }
    }
  }

  /** Where the official archive is and what its files must hash to (for users without ../shared). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(String url, String archiveDir, Map<String, String> sha256) {}

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public static ModelSpec load(Path specFile) throws IOException {
    ModelSpec raw;
    try {
      raw = YAML.readValue(specFile.toFile(), ModelSpec.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      // one line: the key, what is wrong with it, and where
      String key = e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(java.util.stream.Collectors.joining("."));
      String why = e.getCause() instanceof IllegalArgumentException ia ? ia.getMessage() : e.getOriginalMessage();
      String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new IOException("model spec " + specFile + ": " + (key.isEmpty() ? "" : "key " + key + " ") + why
          + at, e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("model spec " + specFile + " is invalid: " + e.getMessage(), e);
    }
    return raw.withSpecFile(specFile.toAbsolutePath().normalize()).validated();
  }

  private ModelSpec withSpecFile(Path file) {
    return new ModelSpec(id, version, files, task, input, labels, output, logits, targetLayer, method, source, file,
        engine);
  }

  /** The same spec forced onto one engine ({@code onnxruntime} or {@code paddle}), or left to choose (null). */
  public ModelSpec withEngine(String e) {
    return new ModelSpec(id, version, files, task, input, labels, output, logits, targetLayer, method, source,
        specFile, e);
  }

  private ModelSpec validated() throws IOException {
    StringBuilder missing = new StringBuilder();
    if (id == null) missing.append(" id");
    if (version == null) missing.append(" version");
    if (files == null || files.dir() == null) missing.append(" files.dir");
    if (input == null) missing.append(" input");
    // task, output and logits may be left out: TargetFinder reads them from the program
    if (!missing.isEmpty()) {
      throw new IOException("model spec " + specFile + " lacks:" + missing);
    }
    if (engine != null && !ENGINES.contains(engine)) {
      throw new IOException("model spec " + specFile + ": engine must be one of " + ENGINES + ", not '" + engine + "'");
    }
    return this;
  }

  /** This spec with the task and target variables the program gave (see {@link TargetFinder}). */
  public ModelSpec withTargets(Task task, String output, String logits) {
    return new ModelSpec(id, version, files, task, input, labels, output, logits, targetLayer, method, source,
        specFile, engine);
  }

  /** {@code id@version}, the key records and caches use. */
  public String key() {
    return id + "@" + version;
  }

  /** The folder holding the model files, with {@code ${shared}} and relative paths resolved. */
  public Path modelDir(Path sharedDir) {
    String dir = files.dir();
    if (dir.startsWith("${shared}")) {
      return sharedDir.resolve(dir.substring("${shared}".length()).replaceFirst("^/", "")).normalize();
    }
    Path p = Path.of(dir);
    return p.isAbsolute() || specFile == null ? p : specFile.getParent().resolve(p).normalize();
  }

  public String label(int classIndex) {
    return labels != null && classIndex >= 0 && classIndex < labels.size()
        ? labels.get(classIndex)
        : Integer.toString(classIndex);
  }

  /** Loads every {@code *.yaml}/{@code *.yml} spec in a folder, sorted by file name. */
  public static List<ModelSpec> loadAll(Path dir) throws IOException {
    try (var files = java.nio.file.Files.list(dir)) {
      List<Path> specs = files
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
      List<ModelSpec> out = new java.util.ArrayList<>();
      for (Path p : specs) {
        out.add(load(p));
      }
      return out;
    }
  }
}
