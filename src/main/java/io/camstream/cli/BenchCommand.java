package io.camstream.cli;

import io.camstream.cam.CamMethods;
import io.camstream.engine.Backend;
import io.camstream.engine.Blob;
import io.camstream.engine.EngineOptions;
import io.camstream.engine.ModelRuntime;
import io.camstream.engine.PaddleExplainer;
import io.camstream.engine.OnnxModel;
import io.camstream.engine.OrtProfile;
import io.camstream.engine.PaddleModel;
import io.camstream.engine.Preprocessor;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.model.ModelSpec;
import io.camstream.render.Images;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream bench}: forward-only against explain latency in the same run (interleaved, so machine noise
 * hits both alike), per-stage timings of the whole pipeline, and optionally resident memory over many
 * explanations.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure explain vs forward-only latency, per-stage timings and memory growth.")
public final class BenchCommand implements Callable<Integer> {

  @Mixin ModelOption model;
  @Mixin EngineMixin engine;

  @Option(names = "--images", arity = "1..*", paramLabel = "FILE",
      description = "Images (default: the shared sample images that suit the model).")
  List<Path> images;

  @Option(names = "--iterations", defaultValue = "30", description = "Timed rounds over the images (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed rounds first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--layer", description = "Target layer (default: the spec's).")
  String layer;

  @Option(names = "--method", description = "CAM method for the pipeline timings (default: the spec's).")
  String method;

  @Option(names = "--memory", defaultValue = "0", paramLabel = "N",
      description = "Also run N full explanations and report resident memory growth after warm-up.")
  int memory;

  @Option(names = "--images-per-call", defaultValue = "1", paramLabel = "N",
      description = "Batch size of the engine timings: each image repeated N times (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--kernel-profile",
      description = "Also time ONNX Runtime's graphs by its profiler: kernel time per run, which thread wake-ups and"
          + " other load disturb far less than wall time, and what the explain graph adds by op type. The"
          + " pipeline and memory parts are skipped (the profiler slows every kernel a little).")
  boolean kernelProfile;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelSpec ms = model.load();
    Path shared = engine.sharedDir();
    List<Path> files = images != null ? images : defaultImages(ms, shared);
    List<byte[]> bytes = new ArrayList<>();
    for (Path f : files) {
      bytes.add(Files.readAllBytes(f));
    }
    Path profiles = kernelProfile ? Files.createTempDirectory("camstream-ort-profile") : null;
    EngineOptions options = engine.options().withPool(1, engine.options().threadsPerPredictor());
    String l;
    ModelRuntime.Kind kind;
    try (PaddleExplainer explainer = new PaddleExplainer(List.of(ms), shared,
        profiles == null ? options : options.withOnnxProfile(profiles))) {
      ModelRuntime rt = explainer.runtime(ms.id());
      l = layer != null ? layer : rt.defaultLayer();
      out.printf("bench %s, layer %s, %d image(s), %d iterations after %d warm-up, %d thread(s), %s%n", ms.key(), l,
          files.size(), iterations, warmup, engine.options().threadsPerPredictor(), System.getProperty("os.arch"));
      kind = engineTimes(out, rt, l, bytes);
      if (profiles == null) {
        pipelineTimes(out, explainer, ms, l, bytes);
        if (memory > 0) {
          memoryGrowth(out, explainer, ms, l, bytes);
        }
      }
    }
    if (profiles != null) {
      try {
        kernelTimes(out, profiles, l, kind, bytes.size());
      } finally {
        try (var s = Files.list(profiles)) {
          for (Path f : s.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(profiles);
      }
    }
    out.flush();
    return 0;
  }

  /**
   * ONNX Runtime's profiler files for the forward and explain sessions of the engine loop (written when the
   * explainer closed them): kernel time per run, paired by round, and the op types the explain graph adds.
   */
  private void kernelTimes(PrintWriter out, Path profiles, String l, ModelRuntime.Kind kind, int images)
      throws IOException {
    String device = engine.devices.get(0);
    Path fwd = profileFile(profiles, ModelRuntime.profileName(
        ModelRuntime.key(l, ModelRuntime.Kind.ORIGINAL, OnnxModel.ENGINE), device));
    Path exp = profileFile(profiles, ModelRuntime.profileName(ModelRuntime.key(l, kind, OnnxModel.ENGINE), device));
    if (fwd == null || exp == null) {
      out.println("kernels onnxruntime: no profile (ONNX Runtime did not run these graphs)");
      return;
    }
    OrtProfile f = OrtProfile.read(fwd, warmup * images);
    OrtProfile x = OrtProfile.read(exp, warmup * images);
    out.printf("kernels onnxruntime forward-only  median %8.2f ms  p90 %8.2f ms  (time inside kernels, %d runs)%n",
        percentile(f.runKernelMs(), 50), percentile(f.runKernelMs(), 90), f.runKernelMs().size());
    out.printf("kernels onnxruntime explain       median %8.2f ms  p90 %8.2f ms%n", percentile(x.runKernelMs(), 50),
        percentile(x.runKernelMs(), 90));
    int n = Math.min(f.runKernelMs().size(), x.runKernelMs().size());
    out.printf("ratio   onnxruntime kernel time explain / forward-only: %.3f (medians), %.3f (median of pairs)%n",
        percentile(x.runKernelMs(), 50) / percentile(f.runKernelMs(), 50),
        percentile(pairRatios(x.runKernelMs().subList(0, n), f.runKernelMs().subList(0, n)), 50));
    StringBuilder added = new StringBuilder("kernels explain - forward by op type, ms per run:");
    x.opTypeMs().entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - f.opTypeMs().getOrDefault(e.getKey(), 0.0)))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
        .forEach(e -> added.append(String.format(" %s %+.2f", e.getKey(), e.getValue())));
    out.println(added);
  }

  /** The newest file ORT wrote for a prefix ({@code <prefix>_<date>.json}), or null. */
  private static Path profileFile(Path dir, String prefix) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix + "_")
          && p.getFileName().toString().endsWith(".json")).max(java.util.Comparator.naturalOrder()).orElse(null);
    }
  }

  /**
   * Native pass only: the original program against the explain program on the same prepared inputs, on both
   * engines (Paddle Inference, and ONNX Runtime when the compiled graphs verify), all four alternated in one loop.
   */
  private ModelRuntime.Kind engineTimes(PrintWriter out, ModelRuntime rt, String l, List<byte[]> bytes)
      throws Exception {
    String m = method != null ? method : rt.spec().method() != null ? rt.spec().method() : CamMethods.DEFAULT;
    ModelRuntime.Kind kind = ModelRuntime.Kind.of(CamMethods.byName(m));
    if (kind == ModelRuntime.Kind.FORWARD) {
      kind = ModelRuntime.Kind.EXPLAIN; // gradient-free methods: time the backward pass anyway
    }
    out.printf("engine  explain program: %s (%s), batch %d%n", kind, m, batch);
    List<String> engines = new ArrayList<>();
    List<Backend.Session> sessions = new ArrayList<>(); // per engine: forward, explain
    // both engines side by side unless --engine names one
    List<String> order = engine.engine == null ? List.of(PaddleModel.ENGINE, OnnxModel.ENGINE)
        : List.of(engine.engine);
    for (String e : order) {
      try {
        ModelRuntime.Loaded fwd = rt.program(l, ModelRuntime.Kind.ORIGINAL, e);
        ModelRuntime.Loaded exp = rt.program(l, kind, e);
        sessions.add(fwd.byDevice().get(engine.devices.get(0)).newSession());
        sessions.add(exp.byDevice().get(engine.devices.get(0)).newSession());
        engines.add(e);
        out.printf("engine  %s %s%n", e, exp.engineVersion());
      } catch (ExplainException ex) {
        out.printf("engine  %s not available: %s%n", e, ex.getMessage());
      }
    }
    List<List<Blob>> fwdFeeds = new ArrayList<>();
    List<List<Blob>> expFeeds = new ArrayList<>();
    for (byte[] b : bytes) {
      Preprocessor.Prepared p = rt.preprocessor().prepare(Images.decode(b, rt.spec().input().maxPixels()));
      Blob x = new Blob(new long[] {1, 3, p.height(), p.width()}, p.chw());
      fwdFeeds.add(repeat(List.of(x), batch));
      expFeeds.add(repeat(rt.defaultTargetFeeds(x), batch));
    }
    int runs = sessions.size();
    List<List<Double>> times = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      times.add(new ArrayList<>());
    }
    try {
      for (int it = 0; it < warmup + iterations; it++) {
        for (int i = 0; i < bytes.size(); i++) {
          // rotate which run goes first so drift and cache effects fall on all alike
          for (int k = 0; k < runs; k++) {
            int r = (k + it + i) % runs;
            double t = time(sessions.get(r), r % 2 == 0 ? fwdFeeds.get(i) : expFeeds.get(i));
            if (it >= warmup) {
              times.get(r).add(t);
            }
          }
        }
      }
    } finally {
      sessions.forEach(Backend.Session::close);
    }
    for (int e = 0; e < engines.size(); e++) {
      List<Double> f = times.get(2 * e);
      List<Double> x = times.get(2 * e + 1);
      double fm = percentile(f, 50);
      double xm = percentile(x, 50);
      String name = engines.get(e);
      out.printf("engine  %-11s forward-only  median %8.2f ms  p90 %8.2f ms%n", name, fm, percentile(f, 90));
      out.printf("engine  %-11s explain       median %8.2f ms  p90 %8.2f ms%n", name, xm, percentile(x, 90));
      out.printf("ratio   %-11s explain / forward-only: %.3f (medians), %.3f (median of pairs)%n", name, xm / fm,
          percentile(pairRatios(x, f), 50));
    }
    if (engines.size() == 2) {
      out.printf("ratio   onnxruntime / paddle: explain %.3f (medians), %.3f (median of pairs); forward-only %.3f%n",
          percentile(times.get(3), 50) / percentile(times.get(1), 50), percentile(pairRatios(times.get(3),
              times.get(1)), 50), percentile(times.get(2), 50) / percentile(times.get(0), 50));
    }
    return kind;
  }

  private static List<Double> pairRatios(List<Double> a, List<Double> b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i) / b.get(i)); // the runs of one round are back to back: machine noise hits both alike
    }
    return out;
  }

  /** Each feed repeated {@code n} times along the batch axis. */
  static List<Blob> repeat(List<Blob> feeds, int n) {
    if (n == 1) {
      return feeds;
    }
    List<Blob> out = new ArrayList<>();
    for (Blob b : feeds) {
      long[] shape = b.shape().clone();
      shape[0] *= n;
      float[] d = new float[b.data().length * n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(b.data(), 0, d, i * b.data().length, b.data().length);
      }
      out.add(new Blob(shape, d));
    }
    return out;
  }

  private static double time(Backend.Session s, List<Blob> feeds) {
    long t0 = System.nanoTime();
    s.run(feeds);
    return (System.nanoTime() - t0) / 1e6;
  }

  /** The whole explanation per image, stage by stage, as the service runs it. */
  private void pipelineTimes(PrintWriter out, PaddleExplainer explainer, ModelSpec ms, String l,
      List<byte[]> bytes) throws ExplainException {
    Map<String, List<Double>> stages = new LinkedHashMap<>();
    List<Double> total = new ArrayList<>();
    for (int it = 0; it < warmup + iterations; it++) {
      for (byte[] b : bytes) {
        long t0 = System.nanoTime();
        Explanation e = explainer.explain(input(ms, l, b));
        double ms0 = (System.nanoTime() - t0) / 1e6;
        if (it >= warmup) {
          total.add(ms0);
          e.timingsMs().forEach((k, v) -> stages.computeIfAbsent(k, kk -> new ArrayList<>()).add(v));
        }
      }
    }
    String ran = null;
    for (byte[] b : bytes.subList(0, 1)) {
      Explanation e = explainer.explain(input(ms, l, b));
      ran = e.engine() == null ? "?" : e.engine().name() + " " + e.engine().version();
    }
    StringBuilder sb = new StringBuilder("pipeline (method " + (method != null ? method
        : ms.method() != null ? ms.method() : "gradcam") + ", engine " + ran + ")");
    stages.forEach((k, v) -> sb.append(String.format("  %s %.2f", k, percentile(v, 50))));
    out.println(sb.append(String.format("  | total median %.2f ms p90 %.2f ms", percentile(total, 50),
        percentile(total, 90))));
  }

  private ExplainInput input(ModelSpec ms, String l, byte[] b) {
    return new ExplainInput(ms.id(), b, "bench", l, method, null, null, null, true);
  }

  /** Resident set size after warm-up against the end of N explanations: a native or NDArray leak shows here. */
  private void memoryGrowth(PrintWriter out, PaddleExplainer explainer, ModelSpec ms, String l, List<byte[]> bytes)
      throws ExplainException, IOException {
    int warm = Math.max(50, memory / 10);
    long afterWarm = 0;
    long peak = 0;
    for (int i = 0; i < memory; i++) {
      explainer.explain(input(ms, l, bytes.get(i % bytes.size())));
      if (i + 1 == warm) {
        System.gc();
        afterWarm = rssKb();
      }
      if (i >= warm && i % 100 == 0) {
        peak = Math.max(peak, rssKb());
      }
    }
    System.gc();
    long end = rssKb();
    peak = Math.max(peak, end);
    out.printf("memory  %d explanations: RSS after %d warm-up %.1f MiB, at end %.1f MiB (peak %.1f MiB), growth %.2f %%%n",
        memory, warm, afterWarm / 1024.0, end / 1024.0, peak / 1024.0, 100.0 * (end - afterWarm) / afterWarm);
  }

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  static double percentile(List<Double> v, double p) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, idx))];
  }

  static List<Path> defaultImages(ModelSpec ms, Path shared) {
    Path dir = shared.resolve("images");
    List<String> names = ms.task() == ModelSpec.Task.CLASSIFICATION
        ? List.of("textline_en_0.png", "textline_en_180.png", "rapidocr_text_cls.jpg", "rapidocr_text_rec.jpg")
        : List.of("doc_synthetic_en.png");
    return names.stream().map(dir::resolve).toList();
  }
}
