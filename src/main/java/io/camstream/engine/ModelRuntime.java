package io.camstream.engine;

import ai.djl.Device;
import io.camstream.model.ExplainProgram;
import io.camstream.model.ExplainProgramBuilder;
import io.camstream.model.ModelSpec;
import io.camstream.model.OpVariants;
import io.camstream.model.ProgramGraph;
import io.camstream.model.UnknownLayerException;
import io.camstream.model.SpecMismatchException;
import io.camstream.model.TargetFinder;
import io.camstream.model.grad.OpVariantException;
import io.camstream.model.grad.UnsupportedOpException;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model: its spec, program graph and sha256, and the generated programs (explain per layer, forward per
 * layer) loaded once per device. Program generation happens here, in Java, so unknown layers and unsupported ops
 * are reported before any native call.
 */
public final class ModelRuntime implements AutoCloseable {

  /**
   * Which program: with the backward pass handing back the activations and the whole gradient (EXPLAIN), or only
   * the method's gradient-weighted sum over channels formed in the same pass (EXPLAIN_MEAN for Grad-CAM, with the
   * channel means; EXPLAIN_SUM for HiResCAM; EXPLAIN_POSITIVE_SUM for LayerCAM); forward only with the layer
   * fetched (gradient-free methods); or the model as shipped (benchmarks, references).
   */
  public enum Kind {
    EXPLAIN(ExplainProgram.Fetch.GRADIENT),
    EXPLAIN_MEAN(ExplainProgram.Fetch.MEAN_GRADIENT_SUM),
    EXPLAIN_SUM(ExplainProgram.Fetch.GRADIENT_SUM),
    EXPLAIN_POSITIVE_SUM(ExplainProgram.Fetch.POSITIVE_GRADIENT_SUM),
    FORWARD(null),
    ORIGINAL(null);

    private final ExplainProgram.Fetch fetch;

    Kind(ExplainProgram.Fetch fetch) {
      this.fetch = fetch;
    }

    /** True when the program hands back the weighted sum ({@link ExplainProgram#weightedSum}), not A and A@GRAD. */
    public boolean formsSum() {
      return fetch != null && fetch != ExplainProgram.Fetch.GRADIENT;
    }

    /** The program a CAM method needs. */
    public static Kind of(io.camstream.cam.CamMethod m) {
      if (!m.requiresGradients()) {
        return FORWARD;
      }
      io.camstream.cam.EngineSum sum = m.engineSum();
      return sum == null ? EXPLAIN : switch (sum) {
        case MEAN_GRADIENT -> EXPLAIN_MEAN;
        case GRADIENT -> EXPLAIN_SUM;
        case POSITIVE_GRADIENT -> EXPLAIN_POSITIVE_SUM;
      };
    }
  }

  private final ModelSpec spec;
  private final Path modelDir;
  private final String sha256;
  private final ProgramGraph graph;
  private final Preprocessor preprocessor;
  private final ProgramCache cache;
  private final EngineOptions options;
  private final Map<String, Loaded> programs = new HashMap<>();
  /** True when newer-exporter op variants were rewritten: the model as shipped does not run in Paddle 2.3. */
  private final boolean rewritten;
  private final TargetFinder.Targets targets;

  /**
   * A generated program loaded on every device, on one engine.
   *
   * @param engine {@code onnxruntime} or {@code paddle}: what actually runs it
   * @param engineVersion that engine's version
   */
  public record Loaded(String key, ExplainProgram program, Map<String, Backend> byDevice, String engine,
      String engineVersion) {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelRuntime.class);
  private Map<String, io.camstream.model.Tensor> params;

  public ModelRuntime(ModelSpec spec, Path sharedDir, EngineOptions options) throws IOException {
    this.modelDir = spec.modelDir(sharedDir);
    Path pdmodel = modelDir.resolve(spec.files().model());
    if (!Files.isRegularFile(pdmodel) || !Files.isRegularFile(modelDir.resolve(spec.files().params()))) {
      throw new IOException("model " + spec.key() + ": files not found in " + modelDir
          + " (set -Dcamstream.shared or CAMSTREAM_SHARED, or run `camstream models fetch`)");
    }
    this.sha256 = ProgramCache.sha256(pdmodel);
    OpVariants.Normalised runnable = OpVariants.read(pdmodel);
    this.rewritten = runnable.rewritten();
    this.graph = runnable.graph();
    try {
      this.targets = TargetFinder.find(graph, spec.task(), spec.output(), spec.logits());
    } catch (SpecMismatchException e) {
      throw new IOException("model spec " + (spec.specFile() == null ? spec.key() : spec.specFile()) + ": "
          + e.getMessage(), e);
    }
    this.spec = spec.withTargets(targets.task(), targets.output(), targets.logits());
    this.preprocessor = new Preprocessor(spec.input());
    this.cache = new ProgramCache(options.cacheRoot());
    this.options = options;
  }

  /** How the task, output and logits were found (from the spec or from the program). */
  public TargetFinder.Targets targets() {
    return targets;
  }

  public ModelSpec spec() {
    return spec;
  }

  public Path modelDir() {
    return modelDir;
  }

  public String sha256() {
    return sha256;
  }

  public ProgramGraph graph() {
    return graph;
  }

  public Preprocessor preprocessor() {
    return preprocessor;
  }

  /** The spec's target layer, else the last 4-D activation whose map is larger than 1x1. */
  public String defaultLayer() {
    if (spec.targetLayer() != null) {
      return spec.targetLayer();
    }
    List<ProgramGraph.Activation> acts = graph.activations4d(target());
    for (int i = acts.size() - 1; i >= 0; i--) {
      long[] d = acts.get(i).declaredDims();
      if (!acts.get(i).opType().equals("pool2d") && (d[2] != 1 || d[3] != 1)) {
        return acts.get(i).name();
      }
    }
    throw new IllegalStateException("model " + spec.key() + " has no 4-D activation");
  }

  /** The variable targets are taken on: logits for classifiers, the output map for dense models. */
  public String target() {
    return spec.logits() != null ? spec.logits() : spec.output();
  }

  /**
   * The feeds of an explain program for one prepared input [1,3,H,W] under the default target: the predicted
   * class (a zero seed row) for classifiers, the output above {@link PaddleExplainer#DEFAULT_THRESHOLD} for dense
   * models.
   */
  public List<Blob> defaultTargetFeeds(Blob x) {
    if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
      long[] logits = graph.dims(target());
      int k = (int) logits[logits.length - 1];
      return List.of(x, new Blob(new long[] {1, k}, new float[k]));
    }
    if (spec.task() == ModelSpec.Task.DETECTION) {
      return List.of(x, detectionSeed(1f)); // every candidate's every class score
    }
    int h = (int) x.shape()[2];
    int w = (int) x.shape()[3];
    int c = (int) graph.dims(target())[1];
    return List.of(x, new Blob(new long[] {1, c, h, w}, new float[c * h * w]),
        new Blob(new long[] {1, 1, 1, 1}, new float[] {(float) PaddleExplainer.DEFAULT_THRESHOLD}));
  }

  /** A detection seed [1, ...score dims] filled with {@code v}. */
  private Blob detectionSeed(float v) {
    long[] d = graph.dims(target()).clone();
    d[0] = 1;
    float[] seed = new float[(int) (d[1] * d[2])];
    java.util.Arrays.fill(seed, v);
    return new Blob(d, seed);
  }

  /** The engine this runtime uses unless a caller asks for one: the config's, else the spec's, else automatic. */
  public String requestedEngine() {
    return options.engine() != null ? options.engine() : spec.engine();
  }

  /** Builds (or finds), verifies and loads the program for a layer on the configured engine. */
  public Loaded program(String layer, Kind kind) throws ExplainException {
    return program(layer, kind, requestedEngine());
  }

  /**
   * Builds (or finds), verifies and loads the program for a layer.
   *
   * @param engine {@code paddle}, {@code onnxruntime} (its compiled graph must verify, else this fails), or null:
   *     ONNX Runtime when the graph compiles and verifies, else Paddle with one log line giving the reason
   */
  public synchronized Loaded program(String layer, Kind kind, String engine) throws ExplainException {
    String key = key(layer, kind, engine);
    Loaded l = programs.get(key);
    if (l != null) {
      return l;
    }
    ExplainProgram p = build(layer, kind);
    String cacheKey = kind.toString().toLowerCase(java.util.Locale.ROOT) + "-" + layer;
    try {
      Path params = modelDir.resolve(spec.files().params());
      Path dir = kind == Kind.ORIGINAL && !rewritten ? modelDir
          : cache.materialise(sha256, cacheKey, p, params, trialFeeds(p));
      Map<String, long[]> dims = feedDims(p);
      Map<String, Backend> byDevice = new LinkedHashMap<>();
      String used = PaddleModel.ENGINE;
      if (!PaddleModel.ENGINE.equals(engine)) {
        OnnxVerdict v = OnnxVerdict.of(cache.onnxDir(sha256, cacheKey, p, params), p, dims, params(), sample(p),
            () -> new PaddleModel(dir, Device.cpu(), dims, p.fetches(), options.threadsPerPredictor()),
            options.threadsPerPredictor());
        if (v.ok()) {
          for (String d : options.devices()) {
            Path profile = options.onnxProfile() == null ? null
                : options.onnxProfile().resolve(profileName(key, d));
            byDevice.put(d, new OnnxModel(v.onnxFile(), device(d), dims, p.fetches(), options.threadsPerPredictor(),
                profile));
          }
          used = OnnxModel.ENGINE;
        } else if (OnnxModel.ENGINE.equals(engine)) {
          throw new ExplainException(Reason.ENGINE_FAILED, "model " + spec.key() + ", " + cacheKey
              + ": engine onnxruntime was asked for, but " + v.reason());
        } else {
          LOG.warn("model {}, {}: running on paddle: {}", spec.key(), cacheKey, v.reason());
        }
      }
      if (byDevice.isEmpty()) {
        for (String d : options.devices()) {
          byDevice.put(d, new PaddleModel(dir, device(d), dims, p.fetches(), options.threadsPerPredictor()));
        }
      }
      l = new Loaded(key, p, byDevice, used, byDevice.values().iterator().next().engineVersion());
      programs.put(key, l);
      return l;
    } catch (IOException e) {
      throw new ExplainException(Reason.ENGINE_FAILED, "model " + spec.key() + ", layer " + layer + ": "
          + e.getMessage(), e);
    }
  }

  /** The profiler's file name prefix for a loaded program on a device: its cache key, file-safe. */
  public static String profileName(String key, String device) {
    return (key + "-" + device).replaceAll("[^A-Za-z0-9._@-]", "_");
  }

  /** The key under which {@link #program(String, Kind, String)} keeps a loaded program. */
  public static String key(String layer, Kind kind, String engine) {
    return kind + "-" + layer + "@" + (engine == null ? "auto" : engine);
  }

  private Map<String, io.camstream.model.Tensor> params() throws IOException {
    if (params == null) {
      params = io.camstream.model.ParamsIO.read(modelDir.resolve(spec.files().params()), graph.program());
    }
    return params;
  }

  /**
   * The verification input: the trial size, a fixed synthetic text-like image, the predicted class (classifier) or the
   * whole map plus the pixels above the default threshold (dense), so every gradient path is exercised.
   */
  private List<Blob> sample(ExplainProgram p) {
    int[] hw = sampleSize();
    int h = hw[0];
    int w = hw[1];
    List<Blob> feeds = new ArrayList<>();
    for (String f : p.feeds()) {
      if (f.equals(ExplainProgram.SEED)) {
        if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
          feeds.add(new Blob(new long[] {1, p.seedShape()[0]}, new float[(int) p.seedShape()[0]]));
        } else if (spec.task() == ModelSpec.Task.DETECTION) {
          feeds.add(detectionSeed(1f));
        } else {
          // one seed plane per output channel (a segmenter's classes), as the program declares
          int c = (int) p.seedShape()[0];
          float[] ones = new float[c * h * w];
          java.util.Arrays.fill(ones, 1f);
          feeds.add(new Blob(new long[] {1, c, h, w}, ones));
        }
      } else if (f.equals(ExplainProgram.THRESHOLD)) {
        feeds.add(new Blob(new long[] {1, 1, 1, 1}, new float[] {(float) PaddleExplainer.DEFAULT_THRESHOLD}));
      } else {
        feeds.add(new Blob(new long[] {1, 3, h, w}, OnnxVerdict.sampleImage(spec.input(), h, w)));
      }
    }
    return feeds;
  }

  private ExplainProgram build(String layer, Kind kind) throws ExplainException {
    try {
      if (kind == Kind.ORIGINAL) {
        return ExplainProgramBuilder.forward(graph, graph.fetches());
      }
      if (kind == Kind.FORWARD) {
        ExplainProgramBuilder.head(graph, layer, target()); // validates the layer
        List<String> fetches = new ArrayList<>(List.of(spec.output()));
        if (!target().equals(spec.output())) {
          fetches.add(target());
        }
        fetches.add(layer);
        return ExplainProgramBuilder.forward(graph, fetches);
      }
      if (spec.task() == ModelSpec.Task.DETECTION) {
        return ExplainProgramBuilder.detection(graph, layer, target(), spec.output(), kind.fetch);
      }
      return spec.task() == ModelSpec.Task.CLASSIFICATION
          ? ExplainProgramBuilder.classification(graph, layer, spec.logits(), spec.output(), kind.fetch)
          : ExplainProgramBuilder.dense(graph, layer, target(), spec.output(), kind.fetch);
    } catch (UnknownLayerException e) {
      throw new ExplainException(Reason.UNKNOWN_LAYER, "model " + spec.key() + ": " + e.getMessage());
    } catch (OpVariantException e) {
      throw new ExplainException(Reason.OP_VARIANT, "model " + spec.key() + ": " + e.getMessage());
    } catch (SpecMismatchException e) {
      throw new ExplainException(Reason.BAD_SPEC, "model spec " + spec.specFile() + ": " + e.getMessage());
    } catch (UnsupportedOpException e) {
      throw new ExplainException(Reason.UNSUPPORTED_OP, "model " + spec.key() + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ExplainException(Reason.UNKNOWN_LAYER, "model " + spec.key() + ", layer " + layer + ": "
          + e.getMessage());
    }
  }

  /** Dims each feed must have: the spec's input size, the seed's shape; -1 where free. */
  Map<String, long[]> feedDims(ExplainProgram p) {
    Map<String, long[]> dims = new LinkedHashMap<>();
    for (String f : p.feeds()) {
      if (f.equals(ExplainProgram.SEED)) {
        long[] d = new long[p.seedShape().length + 1];
        d[0] = -1;
        System.arraycopy(p.seedShape(), 0, d, 1, p.seedShape().length);
        for (int i = 2; i < d.length && spec.task() == ModelSpec.Task.DENSE; i++) {
          d[i] = -1; // dense maps follow the input size
        }
        dims.put(f, d);
      } else if (f.equals(ExplainProgram.THRESHOLD)) {
        dims.put(f, new long[] {-1, 1, 1, 1});
      } else {
        boolean fixed = !spec.input().resize().equals("longest-side");
        dims.put(f, new long[] {-1, 3, fixed ? spec.input().height() : -1, fixed ? spec.input().width() : -1});
      }
    }
    return dims;
  }

  /** Height and width of sample and trial inputs: the spec's fixed size, or a small valid one for free sizes. */
  private int[] sampleSize() {
    if (spec.input().resize().equals("longest-side")) {
      int m = spec.input().multiple() == null ? 32 : spec.input().multiple();
      return new int[] {2 * m, 3 * m};
    }
    return new int[] {spec.input().height(), spec.input().width()};
  }

  /** Small but valid trial inputs for the child-JVM check. */
  private Map<String, String> trialFeeds(ExplainProgram p) {
    int[] hw = sampleSize();
    int h = hw[0];
    int w = hw[1];
    Map<String, String> feeds = new LinkedHashMap<>();
    for (String f : p.feeds()) {
      if (f.equals(ExplainProgram.SEED)) {
        feeds.put(f, spec.task() == ModelSpec.Task.CLASSIFICATION ? "1x" + p.seedShape()[0] + ":zeros"
            : spec.task() == ModelSpec.Task.DETECTION ? "1x" + p.seedShape()[0] + "x" + p.seedShape()[1] + ":zeros"
            : "1x" + p.seedShape()[0] + "x" + h + "x" + w + ":zeros");
      } else if (f.equals(ExplainProgram.THRESHOLD)) {
        feeds.put(f, "1x1x1x1:zeros");
      } else {
        feeds.put(f, "1x3x" + h + "x" + w);
      }
    }
    return feeds;
  }

  static Device device(String name) {
    return name.equals("cpu") ? Device.cpu() : Device.gpu(Integer.parseInt(name.substring(4)));
  }

  @Override
  public synchronized void close() {
    programs.values().forEach(l -> l.byDevice().values().forEach(Backend::close));
    programs.clear();
  }
}
