package io.camstream.engine;

import io.camstream.cam.CamMethod;
import io.camstream.cam.CamMethods;
import io.camstream.cam.FeatureMaps;
import io.camstream.cam.MaskedScorer;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explainer;
import io.camstream.explain.Explanation;
import io.camstream.model.ExplainProgram;
import io.camstream.model.ModelSpec;
import io.camstream.model.TargetFinder;
import io.camstream.render.DecodedImage;
import io.camstream.render.Images;
import io.camstream.render.Rendered;
import io.camstream.render.Renderer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The explain engine on real Paddle models: decode and preprocess in Java, one native pass per batch (forward +
 * grad ops), CAM in plain Java, render with OpenCV. Thread-safe; batches run in parallel on the worker pool.
 */
public final class PaddleExplainer implements Explainer {

  /** Default dense target: DB's own binarisation threshold. */
  public static final double DEFAULT_THRESHOLD = 0.3;
  private static final int SCORE_BATCH = 16;

  private final Map<String, ModelRuntime> models = new LinkedHashMap<>();
  private final EngineOptions options;
  private final WorkerPool pool;
  private final ExecutorService executor;

  public PaddleExplainer(List<ModelSpec> specs, Path sharedDir, EngineOptions options) throws IOException {
    this.options = options;
    checkGpuProviders(specs, options);
    for (ModelSpec s : specs) {
      ModelRuntime rt = new ModelRuntime(s, sharedDir, options);
      models.put(s.id(), rt);
      models.put(s.key(), rt);
    }
    this.pool = new WorkerPool(options);
    this.executor = Executors.newFixedThreadPool(pool.size(), r -> {
      Thread t = new Thread(r, "camstream-explain");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A GPU in the device list with ONNX Runtime in play (configured, or automatic) needs ORT's CUDA provider: the
   * role fails here, at start, rather than running its graphs on the CPU unnoticed.
   */
  private static void checkGpuProviders(List<ModelSpec> specs, EngineOptions options) throws IOException {
    boolean onnx = options.engine() != null ? options.engine().equals(OnnxModel.ENGINE)
        : specs.stream().anyMatch(s -> !PaddleModel.ENGINE.equals(s.engine()));
    for (String d : options.devices()) {
      if (onnx && !d.equals("cpu")) {
        OnnxModel.checkCuda(ModelRuntime.device(d));
      }
    }
  }

  @Override
  public Set<String> modelIds() {
    return new TreeSet<>(models.keySet());
  }

  @Override
  public String engine() {
    return "paddle";
  }

  public ModelRuntime runtime(String modelId) throws ExplainException {
    ModelRuntime rt = models.get(modelId);
    if (rt == null) {
      throw new ExplainException(Reason.UNKNOWN_MODEL, "unknown model '" + modelId + "'; known: " + modelIds());
    }
    return rt;
  }

  /** Predictors currently busy, for the pool-depth gauge. */
  public int busyWorkers() {
    return pool.busy();
  }

  public EngineOptions options() {
    return options;
  }

  @Override
  public Explanation explain(ExplainInput input) throws ExplainException {
    return Explainer.single(explainAll(List.of(input)));
  }

  @Override
  public List<Object> explainAll(List<ExplainInput> inputs) {
    Object[] results = new Object[inputs.size()];
    Map<String, List<Job>> groups = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      try {
        Job j = prepare(i, inputs.get(i));
        groups.computeIfAbsent(j.groupKey(), k -> new ArrayList<>()).add(j);
      } catch (ExplainException e) {
        results[i] = e;
      } catch (RuntimeException e) {
        results[i] = new ExplainException(Reason.ENGINE_FAILED, String.valueOf(e.getMessage()), e);
      }
    }
    List<Future<?>> running = new ArrayList<>();
    for (List<Job> g : groups.values()) {
      for (int from = 0; from < g.size(); from += options.maxBatch()) {
        List<Job> chunk = g.subList(from, Math.min(g.size(), from + options.maxBatch()));
        running.add(executor.submit(() -> runChunk(chunk, results)));
      }
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while explaining", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("explain batch failed", e.getCause());
      }
    }
    return Arrays.asList(results);
  }

  /** One image, validated and preprocessed; everything that can be wrong about it fails here. */
  private record Job(int index, ExplainInput input, ModelRuntime rt, String layer, CamMethod method,
      DecodedImage image, Preprocessor.Prepared prepared, double preprocessMs) {
    String groupKey() {
      return rt.spec().key() + "|" + layer + "|" + ModelRuntime.Kind.of(method) + "|" + prepared.height() + "x"
          + prepared.width();
    }
  }

  private Job prepare(int index, ExplainInput given) throws ExplainException {
    ModelRuntime rt = runtime(given.modelId());
    ModelSpec spec = rt.spec();
    ExplainInput in = forTask(given, spec, rt.graph().dims(rt.target()));
    String layer = in.layer() != null ? in.layer() : rt.defaultLayer();
    String methodName = in.method() != null ? in.method() : spec.method() != null ? spec.method() : CamMethods.DEFAULT;
    CamMethod method;
    try {
      method = CamMethods.byName(methodName);
    } catch (IllegalArgumentException e) {
      throw new ExplainException(Reason.UNKNOWN_METHOD, e.getMessage());
    }
    checkTarget(spec, in, rt);
    if (in.imageBytes() == null || in.imageBytes().length == 0) {
      throw new ExplainException(Reason.IMAGE_UNDECODABLE, "image " + in.imageName() + " is empty");
    }
    // the program for this layer is built (and proven in a child JVM) before any image reaches it
    rt.program(layer, ModelRuntime.Kind.of(method));
    long t0 = System.nanoTime();
    DecodedImage image = Images.decode(in.imageBytes(), spec.input().maxPixels());
    int[] box = in.box();
    if (box != null && (box[0] >= image.width() || box[1] >= image.height() || box[0] + box[2] <= 0
        || box[1] + box[3] <= 0)) {
      // an empty mask would give an all-zero map that looks like an explanation
      throw new ExplainException(Reason.BAD_TARGET, "box " + box[0] + "," + box[1] + "," + box[2] + "," + box[3]
          + " lies outside the " + image.width() + "x" + image.height() + " image");
    }
    int[] det = in.detection();
    if (det != null && (det[0] >= image.width() || det[1] >= image.height() || det[0] + det[2] <= 0
        || det[1] + det[3] <= 0)) {
      throw new ExplainException(Reason.BAD_TARGET, "detection box " + det[0] + "," + det[1] + "," + det[2] + ","
          + det[3] + " lies outside the " + image.width() + "x" + image.height() + " image");
    }
    Preprocessor.Prepared p = rt.preprocessor().prepare(image);
    return new Job(index, in, rt, layer, method, image, p, (System.nanoTime() - t0) / 1e6);
  }

  /**
   * A target as an inspection line reports it (the event's box and its class, or the predicted class), read the
   * way this model's task explains it: a detector explains the reported box as that detection; a segmentation
   * model (several class maps) explains a class as that class's segment; a single-map dense model has no class to
   * choose, so a box's class adds nothing. Everything else passes unchanged and is checked as given.
   */
  static ExplainInput forTask(ExplainInput in, ModelSpec spec, long[] targetDims) {
    boolean plain = in.segmentClass() == null && in.threshold() == null && in.detection() == null;
    if (!plain) {
      return in;
    }
    if (spec.task() == ModelSpec.Task.DETECTION && in.box() != null) {
      return new ExplainInput(in.modelId(), in.imageBytes(), in.imageName(), in.layer(), in.method(),
          in.classIndex(), null, null, in.withOverlay(), null, in.box());
    }
    if (spec.task() == ModelSpec.Task.DENSE && in.classIndex() != null && targetDims.length == 4) {
      boolean classes = targetDims[1] > 1;
      if (classes || in.box() != null) {
        return new ExplainInput(in.modelId(), in.imageBytes(), in.imageName(), in.layer(), in.method(), null,
            in.box(), null, in.withOverlay(), classes ? in.classIndex() : null, null);
      }
    }
    return in;
  }

  private static void checkTarget(ModelSpec spec, ExplainInput in, ModelRuntime rt) throws ExplainException {
    if (spec.task() == ModelSpec.Task.DETECTION || in.detection() != null) {
      checkDetection(spec, in, rt);
      return;
    }
    if (in.segmentClass() != null) {
      long[] d = rt.graph().dims(rt.target());
      if (spec.task() != ModelSpec.Task.DENSE || d.length != 4) {
        throw new ExplainException(Reason.BAD_TARGET, "model " + spec.key()
            + " is not a segmentation model: a segment class needs a dense [N,C,H,W] output");
      }
      if (in.segmentClass() < 0 || in.segmentClass() >= d[1]) {
        throw new ExplainException(Reason.BAD_TARGET, "segment class " + in.segmentClass()
            + " is out of range for model " + spec.key() + " (" + d[1] + " classes)");
      }
      if (in.classIndex() != null || in.threshold() != null) {
        throw new ExplainException(Reason.BAD_TARGET, "a segment class goes with a box or nothing, not with a"
            + " class or threshold");
      }
    } else if (spec.task() == ModelSpec.Task.DENSE && in.box() != null && rt.graph().dims(rt.target()).length == 4
        && rt.graph().dims(rt.target())[1] > 1) {
      throw new ExplainException(Reason.BAD_TARGET, "model " + spec.key() + " outputs "
          + rt.graph().dims(rt.target())[1] + " class maps: give a segment class with the box");
    }
    if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
      if (in.box() != null || in.threshold() != null) {
        throw new ExplainException(Reason.BAD_TARGET, "model " + spec.key()
            + " is a classifier: give a class, not a box or threshold");
      }
      int k = spec.labels() == null ? Integer.MAX_VALUE : spec.labels().size();
      if (in.classIndex() != null && (in.classIndex() < 0 || in.classIndex() >= k)) {
        throw new ExplainException(Reason.BAD_TARGET, "class " + in.classIndex() + " is out of range for model "
            + spec.key() + " (" + k + " classes)");
      }
    } else {
      if (in.classIndex() != null) {
        throw new ExplainException(Reason.BAD_TARGET, "model " + spec.key()
            + " outputs a dense map: give a box or a threshold, not a class");
      }
      if (in.box() != null && (in.box().length != 4 || in.box()[2] <= 0 || in.box()[3] <= 0)) {
        throw new ExplainException(Reason.BAD_TARGET, "box must be x,y,w,h with positive w and h");
      }
    }
  }

  /** A detection target: a detector model, one box x,y,w,h with positive size, a class in range or none. */
  private static void checkDetection(ModelSpec spec, ExplainInput in, ModelRuntime rt) throws ExplainException {
    if (spec.task() != ModelSpec.Task.DETECTION) {
      throw new ExplainException(Reason.BAD_TARGET, "model " + spec.key() + " is not a detector (task "
          + spec.task().name().toLowerCase(java.util.Locale.ROOT) + "): a detection target needs task detection");
    }
    int[] d = in.detection();
    if (d == null) {
      throw new ExplainException(Reason.BAD_TARGET, "model " + spec.key()
          + " is a detector: give the reported detection box (x,y,w,h) and its class");
    }
    if (d.length != 4 || d[2] <= 0 || d[3] <= 0) {
      throw new ExplainException(Reason.BAD_TARGET, "detection box must be x,y,w,h with positive w and h");
    }
    if (in.box() != null || in.threshold() != null || in.segmentClass() != null) {
      throw new ExplainException(Reason.BAD_TARGET, "a detection target goes with a class or nothing, not with a"
          + " box, threshold or segment class");
    }
    int classes = detectionClasses(rt);
    if (in.classIndex() != null && (in.classIndex() < 0 || in.classIndex() >= classes)) {
      throw new ExplainException(Reason.BAD_TARGET, "class " + in.classIndex() + " is out of range for detector "
          + spec.key() + " (" + classes + " classes)");
    }
  }

  /** The class count of a detector's score tensor ([N,C,M] or [N,M,C]). */
  private static int detectionClasses(ModelRuntime rt) {
    long[] s = rt.graph().dims(rt.target());
    int layout = TargetFinder.scoreLayout(s, rt.graph().dims(rt.spec().output())[1]);
    return (int) (layout == 1 ? s[2] : s[1]);
  }

  private void runChunk(List<Job> jobs, Object[] results) {
    try {
      Computed c = compute(jobs);
      for (int i = 0; i < jobs.size(); i++) {
        Job j = jobs.get(i);
        if (c.failures()[i] != null) {
          results[j.index()] = c.failures()[i];
          continue;
        }
        try {
          results[j.index()] = render(j, c, i);
        } catch (RuntimeException e) {
          results[j.index()] = new ExplainException(Reason.ENGINE_FAILED, "render failed: " + e.getMessage(), e);
        }
      }
    } catch (ExplainException e) {
      jobs.forEach(j -> results[j.index()] = e);
    } catch (RuntimeException e) {
      ExplainException ee = new ExplainException(Reason.ENGINE_FAILED, String.valueOf(e.getMessage()), e);
      jobs.forEach(j -> results[j.index()] = ee);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ExplainException ee = new ExplainException(Reason.ENGINE_FAILED, "interrupted");
      jobs.forEach(j -> results[j.index()] = ee);
    }
  }

  /** What one native pass (plus CAM math) produced for a chunk. */
  private record Computed(float[][] maps, int mapH, int mapW, float[][] probabilities, int[] targetClass,
      List<Map<String, Object>> targets, double engineMs, double camMs, Explanation.EngineRef engine,
      ExplainException[] failures) {}

  /** The raw head candidate a detection target follows: its index, class, flat index in the scores, IoU, score. */
  private record Candidate(int index, int classIndex, int flat, double iou, float score) {}

  private Computed compute(List<Job> jobs) throws ExplainException, InterruptedException {
    Job first = jobs.get(0);
    ModelRuntime rt = first.rt();
    boolean classification = rt.spec().task() == ModelSpec.Task.CLASSIFICATION;
    boolean detection = rt.spec().task() == ModelSpec.Task.DETECTION;
    ModelRuntime.Kind kind = ModelRuntime.Kind.of(first.method());
    ModelRuntime.Loaded prog = rt.program(first.layer(), kind);
    int n = jobs.size();
    Preprocessor.Prepared p0 = first.prepared();
    float[] x = new float[n * p0.chw().length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(jobs.get(i).prepared().chw(), 0, x, i * p0.chw().length, p0.chw().length);
    }
    Blob input = new Blob(new long[] {n, 3, p0.height(), p0.width()}, x);
    int channels = classification || detection ? 0 : (int) rt.graph().dims(rt.target())[1];
    double[] thresholds = classification || detection ? null : thresholds(jobs);
    ExplainException[] failures = new ExplainException[n];
    WorkerPool.Worker w = pool.borrow();
    try {
      Backend.Session s = w.session(prog.key(), prog.byDevice().get(w.device));
      boolean dense = !classification && !detection;
      float[][] regions = dense ? predictedRegions(jobs, s, kind, rt, input, channels, p0) : null;
      float[][] denseSeeds = dense ? denseSeeds(jobs, channels, regions) : null;
      Candidate[] picked = detection ? candidates(jobs, s, kind, rt, input, failures) : null;
      List<Blob> feeds = new ArrayList<>(List.of(input));
      if (kind != ModelRuntime.Kind.FORWARD) {
        feeds.addAll(classification ? List.of(classSeed(jobs, prog.program().seedShape()[0]))
            : detection ? List.of(detectionSeed(picked, rt))
            : List.of(denseSeedBlob(denseSeeds, p0, channels), thresholdBlob(thresholds)));
      }
      long t0 = System.nanoTime();
      Map<String, Blob> out = s.run(feeds);
      double engineMs = (System.nanoTime() - t0) / 1e6;
      // a program that forms the method's weighted sum hands back [N,1,h,w] instead of A (and A@GRAD)
      Blob a = out.get(kind.formsSum() ? ExplainProgram.weightedSum(first.layer()) : first.layer());
      Blob g = kind == ModelRuntime.Kind.EXPLAIN ? out.get(ExplainProgram.grad(first.layer())) : null;
      Blob output = out.get(rt.spec().output());
      int c = (int) a.shape()[1];
      int h = (int) a.shape()[2];
      int wd = (int) a.shape()[3];
      float[][] maps = new float[n][];
      float[][] probs = new float[n][];
      int[] cls = new int[n];
      List<Map<String, Object>> targets = new ArrayList<>();
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Job j = jobs.get(i);
        Map<String, Object> target = new LinkedHashMap<>();
        MaskedScorer scorer;
        if (classification) {
          probs[i] = output.item(i);
          int predicted = argmax(probs[i]);
          cls[i] = j.input().classIndex() != null ? j.input().classIndex() : predicted;
          target.put("kind", "class");
          target.put("classIndex", cls[i]);
          target.put("label", rt.spec().label(cls[i]));
          int ci = cls[i];
          scorer = (masks, mh, mw) -> scoreMasked(s, prog, j, masks, mh, mw, o -> o.get(rt.target()), ci, null, 0);
        } else if (detection) {
          Candidate cd = picked[i] != null ? picked[i] : new Candidate(0, 0, 0, 0, 0f);
          target.put("kind", "detection");
          target.put("box", j.input().detection());
          target.put("classIndex", cd.classIndex());
          target.put("label", rt.spec().label(cd.classIndex()));
          target.put("candidate", cd.index());
          target.put("iou", Math.round(cd.iou() * 1000) / 1000.0);
          target.put("score", cd.score());
          int flat = cd.flat();
          scorer = (masks, mh, mw) -> scoreMasked(s, prog, j, masks, mh, mw, o -> o.get(rt.target()), flat, null,
              0);
        } else {
          if (j.input().segmentClass() != null) {
            target.put("kind", "segment");
            target.put("classIndex", j.input().segmentClass());
            target.put("label", rt.spec().label(j.input().segmentClass()));
            if (j.input().box() != null) {
              target.put("box", j.input().box());
            } else {
              target.put("region", "predicted");
            }
          } else if (j.input().box() != null) {
            target.put("kind", "box");
            target.put("box", j.input().box());
          } else {
            target.put("kind", "threshold");
            target.put("threshold", thresholds[i]);
          }
          float[] seed = denseSeeds[i];
          double thr = thresholds[i];
          scorer = (masks, mh, mw) -> scoreMasked(s, prog, j, masks, mh, mw, o -> o.get(rt.target()), -1, seed,
              thr);
        }
        targets.add(target);
        maps[i] = kind.formsSum() ? j.method().fromEngineSum(a.item(i))
            : j.method().compute(new FeatureMaps(a.item(i), g == null ? null : g.item(i), c, h, wd), scorer);
      }
      double camMs = (System.nanoTime() - t1) / 1e6 / n;
      return new Computed(maps, h, wd, probs, cls, targets, engineMs / n, camMs,
          new Explanation.EngineRef(prog.engine(), prog.engineVersion()), failures);
    } finally {
      pool.giveBack(w);
    }
  }

  private Explanation render(Job j, Computed c, int i) {
    ModelSpec spec = j.rt().spec();
    Rendered r = Renderer.render(j.image(), c.maps()[i], c.mapW(), c.mapH(), j.prepared().contentFracX(),
        j.prepared().contentFracY(), j.prepared().view(), j.input().withOverlay() ? options.render() : options.render().withoutOverlay());
    Explanation.Prediction prediction = null;
    if (c.probabilities()[i] != null) {
      float[] pr = c.probabilities()[i];
      int k = argmax(pr);
      prediction = new Explanation.Prediction(k, spec.label(k), pr[k], pr);
    }
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("preprocess", round(j.preprocessMs()));
    timings.put("engine", round(c.engineMs()));
    timings.put("cam", round(c.camMs()));
    timings.put("render", round(r.renderMs()));
    return new Explanation(j.image().width(), j.image().height(),
        new Explanation.ModelRef(spec.id(), spec.version(), j.rt().sha256()), j.method().name(), j.layer(),
        prediction, c.targets().get(i), r.grid(), r.peak(), r.regions(), timings, r.heatmapPng(), r.overlayPng(),
        c.engine());
  }

  private static Blob classSeed(List<Job> jobs, long k) {
    float[] seed = new float[jobs.size() * (int) k];
    for (int i = 0; i < jobs.size(); i++) {
      Integer c = jobs.get(i).input().classIndex();
      if (c != null) {
        seed[i * (int) k + c] = 1f; // an all-zero row means "the predicted class"
      }
    }
    return new Blob(new long[] {jobs.size(), k}, seed);
  }

  /**
   * Detection targets: a first pass with a zero seed gives the raw candidate boxes (x1,y1,x2,y2 in input pixels)
   * and class scores; each reported box, mapped into input pixels, follows the candidate with the highest IoU, and
   * its class (the given one, else the candidate's best). A box that overlaps no candidate fails that image alone.
   */
  private Candidate[] candidates(List<Job> jobs, Backend.Session s, ModelRuntime.Kind kind, ModelRuntime rt,
      Blob input, ExplainException[] failures) throws ExplainException {
    List<Blob> feeds = new ArrayList<>(List.of(input));
    long[] sd = rt.graph().dims(rt.target());
    if (kind != ModelRuntime.Kind.FORWARD) {
      feeds.add(new Blob(new long[] {jobs.size(), sd[1], sd[2]}, new float[(int) (jobs.size() * sd[1] * sd[2])]));
    }
    Map<String, Blob> out = s.run(feeds);
    Blob boxes = out.get(rt.spec().output());
    Blob scores = out.get(rt.target());
    int m = (int) boxes.shape()[1];
    int layout = TargetFinder.scoreLayout(scores.shape(), m);
    if (boxes.shape().length != 3 || boxes.shape()[2] != 4 || layout == 0) {
      throw new ExplainException(Reason.BAD_SPEC, "model " + rt.spec().key() + ": boxes "
          + Arrays.toString(boxes.shape()) + " and scores " + Arrays.toString(scores.shape())
          + " are not [N,M,4] and [N,C,M]/[N,M,C]; set output and logits to the raw head outputs");
    }
    int classes = (int) (layout == 2 ? scores.shape()[1] : scores.shape()[2]);
    Candidate[] picked = new Candidate[jobs.size()];
    for (int i = 0; i < jobs.size(); i++) {
      Job j = jobs.get(i);
      double[] q = inputBox(j);
      float[] b = boxes.item(i);
      float[] sc = scores.item(i);
      int best = -1;
      double bestIou = 0;
      for (int k = 0; k < m; k++) {
        double iou = iou(q, b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]);
        if (iou > bestIou) {
          bestIou = iou;
          best = k;
        }
      }
      int[] d = j.input().detection();
      if (best < 0) {
        failures[i] = new ExplainException(Reason.BAD_TARGET, "detection box " + d[0] + "," + d[1] + "," + d[2]
            + "," + d[3] + " overlaps none of the " + m + " candidate boxes of model " + rt.spec().key());
        continue;
      }
      int cls = j.input().classIndex() != null ? j.input().classIndex() : -1;
      if (cls < 0) {
        cls = 0;
        for (int c = 1; c < classes; c++) {
          if (sc[flat(layout, c, best, m, classes)] > sc[flat(layout, cls, best, m, classes)]) {
            cls = c;
          }
        }
      }
      int f = flat(layout, cls, best, m, classes);
      picked[i] = new Candidate(best, cls, f, bestIou, sc[f]);
    }
    return picked;
  }

  /** Index of (class, candidate) in one image's scores: [C,M] (layout 2) or [M,C] (layout 1). */
  private static int flat(int layout, int cls, int cand, int m, int classes) {
    return layout == 2 ? cls * m + cand : cand * classes + cls;
  }

  /** The reported detection box as x1,y1,x2,y2 in model-input pixels (through the view the content shows). */
  private static double[] inputBox(Job j) {
    Preprocessor.Prepared p = j.prepared();
    int[] d = j.input().detection();
    double[] v = p.viewOr(j.image().width(), j.image().height());
    double sx = p.contentWidth() / v[2];
    double sy = p.contentHeight() / v[3];
    return new double[] {(d[0] - v[0]) * sx, (d[1] - v[1]) * sy, (d[0] + d[2] - v[0]) * sx,
        (d[1] + d[3] - v[1]) * sy};
  }

  static double iou(double[] a, double x1, double y1, double x2, double y2) {
    double iw = Math.min(a[2], x2) - Math.max(a[0], x1);
    double ih = Math.min(a[3], y2) - Math.max(a[1], y1);
    if (iw <= 0 || ih <= 0 || !(x2 > x1) || !(y2 > y1)) {
      return 0;
    }
    double inter = iw * ih;
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (x2 - x1) * (y2 - y1) - inter);
  }

  /** One-hot seeds [N, ...score dims] on each image's chosen (candidate, class); zeros for a failed image. */
  private static Blob detectionSeed(Candidate[] picked, ModelRuntime rt) {
    long[] sd = rt.graph().dims(rt.target());
    int per = (int) (sd[1] * sd[2]);
    float[] seed = new float[picked.length * per];
    for (int i = 0; i < picked.length; i++) {
      if (picked[i] != null) {
        seed[i * per + picked[i].flat()] = 1f;
      }
    }
    return new Blob(new long[] {picked.length, sd[1], sd[2]}, seed);
  }

  /**
   * Segment targets without a box: the pixels the model assigns to the class (arg-max over the class maps), from
   * a first pass of the same program with the gradient seeds off. Null entries for every other target.
   */
  private float[][] predictedRegions(List<Job> jobs, Backend.Session s, ModelRuntime.Kind kind,
      ModelRuntime rt, Blob input, int channels, Preprocessor.Prepared p0) throws ExplainException {
    float[][] out = new float[jobs.size()][];
    if (jobs.stream().noneMatch(j -> j.input().segmentClass() != null && j.input().box() == null)) {
      return out;
    }
    int plane = p0.height() * p0.width();
    List<Blob> feeds = new ArrayList<>(List.of(input));
    if (kind != ModelRuntime.Kind.FORWARD) {
      feeds.add(new Blob(new long[] {jobs.size(), channels, p0.height(), p0.width()},
          new float[jobs.size() * channels * plane]));
      double[] off = new double[jobs.size()];
      Arrays.fill(off, Float.MAX_VALUE);
      feeds.add(thresholdBlob(off));
    }
    Blob logits = s.run(feeds).get(rt.target());
    if (logits.shape()[2] != p0.height() || logits.shape()[3] != p0.width()) {
      throw new ExplainException(Reason.BAD_TARGET, "model " + rt.spec().key() + ": its class maps are "
          + logits.shape()[2] + "x" + logits.shape()[3] + ", not the input size: segment targets need full-size maps");
    }
    for (int i = 0; i < jobs.size(); i++) {
      Integer c = jobs.get(i).input().segmentClass();
      if (c == null || jobs.get(i).input().box() != null) {
        continue;
      }
      float[] o = logits.item(i);
      float[] m = new float[plane];
      for (int k = 0; k < plane; k++) {
        int best = 0;
        for (int ch = 1; ch < channels; ch++) {
          if (o[ch * plane + k] > o[best * plane + k]) {
            best = ch;
          }
        }
        m[k] = best == c ? 1f : 0f;
      }
      out[i] = m;
    }
    return out;
  }

  /**
   * d(score)/d(target map) per image, {@code channels} planes in model-input pixels: the box in plane 0 (or in
   * the segment class's plane), the predicted region of a segment class, or zeros for threshold targets.
   */
  private static float[][] denseSeeds(List<Job> jobs, int channels, float[][] predicted) {
    float[][] out = new float[jobs.size()][];
    for (int i = 0; i < jobs.size(); i++) {
      Job j = jobs.get(i);
      Preprocessor.Prepared p = j.prepared();
      int plane = p.height() * p.width();
      float[] all = new float[Math.max(1, channels) * plane];
      Integer seg = j.input().segmentClass();
      out[i] = all;
      if (predicted[i] != null) {
        System.arraycopy(predicted[i], 0, all, seg * plane, plane);
        continue;
      }
      float[] m = new float[plane];
      int[] box = j.input().box();
      if (box != null) {
        // original pixels -> input pixels through the view the content shows (a centre crop shifts it)
        double[] v = p.viewOr(j.image().width(), j.image().height());
        double sx = p.contentWidth() / v[2];
        double sy = p.contentHeight() / v[3];
        int x0 = clamp((int) Math.floor((box[0] - v[0]) * sx), p.width());
        int y0 = clamp((int) Math.floor((box[1] - v[1]) * sy), p.height());
        int x1 = clamp((int) Math.ceil((box[0] + box[2] - v[0]) * sx), p.width());
        int y1 = clamp((int) Math.ceil((box[1] + box[3] - v[1]) * sy), p.height());
        for (int y = y0; y < y1; y++) {
          Arrays.fill(m, y * p.width() + x0, y * p.width() + x1, 1f);
        }
      }
      System.arraycopy(m, 0, all, (seg == null ? 0 : seg) * plane, plane);
    }
    return out;
  }

  private static double[] thresholds(List<Job> jobs) {
    double[] t = new double[jobs.size()];
    for (int i = 0; i < t.length; i++) {
      ExplainInput in = jobs.get(i).input();
      // a box target switches the threshold term off: probabilities never exceed 2 (logits can: segment targets)
      t[i] = in.segmentClass() != null ? Float.MAX_VALUE
          : in.box() != null ? 2.0 : in.threshold() != null ? in.threshold() : DEFAULT_THRESHOLD;
    }
    return t;
  }

  private static Blob denseSeedBlob(float[][] seeds, Preprocessor.Prepared p, int channels) {
    float[] all = new float[seeds.length * seeds[0].length];
    for (int i = 0; i < seeds.length; i++) {
      System.arraycopy(seeds[i], 0, all, i * seeds[0].length, seeds[0].length);
    }
    return new Blob(new long[] {seeds.length, Math.max(1, channels), p.height(), p.width()}, all);
  }

  private static Blob thresholdBlob(double[] t) {
    float[] v = new float[t.length];
    for (int i = 0; i < t.length; i++) {
      v[i] = (float) t[i];
    }
    return new Blob(new long[] {t.length, 1, 1, 1}, v);
  }

  /**
   * Score-CAM's forward passes: the input multiplied by each upsampled mask, batched, scored like the target
   * (the class logit, or the weighted/thresholded sum of the dense output).
   */
  private float[] scoreMasked(Backend.Session s, ModelRuntime.Loaded prog, Job j, List<float[]> masks,
      int mh, int mw, java.util.function.Function<Map<String, Blob>, Blob> pick, int cls, float[] seed,
      double threshold) throws ExplainException {
    if (prog.program().feeds().size() != 1) {
      throw new ExplainException(Reason.ENGINE_FAILED, "masked scoring needs the forward program");
    }
    Preprocessor.Prepared p = j.prepared();
    int plane = p.height() * p.width();
    float[] scores = new float[masks.size()];
    for (int from = 0; from < masks.size(); from += SCORE_BATCH) {
      int n = Math.min(SCORE_BATCH, masks.size() - from);
      float[] x = new float[n * 3 * plane];
      for (int b = 0; b < n; b++) {
        float[] up = Upsample.bilinear(masks.get(from + b), mw, mh, p.width(), p.height());
        for (int ch = 0; ch < 3; ch++) {
          for (int k = 0; k < plane; k++) {
            x[b * 3 * plane + ch * plane + k] = p.chw()[ch * plane + k] * up[k];
          }
        }
      }
      Blob out = pick.apply(s.run(List.of(new Blob(new long[] {n, 3, p.height(), p.width()}, x))));
      for (int b = 0; b < n; b++) {
        float[] o = out.item(b);
        if (cls >= 0) {
          scores[from + b] = o[cls];
        } else {
          double sum = 0;
          for (int k = 0; k < o.length; k++) {
            sum += seed[k] * o[k] + (o[k] > threshold ? o[k] : 0);
          }
          scores[from + b] = (float) sum;
        }
      }
    }
    return scores;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    pool.close();
    new java.util.HashSet<>(models.values()).forEach(ModelRuntime::close);
  }
}
