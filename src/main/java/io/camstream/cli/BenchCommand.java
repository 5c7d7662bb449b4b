package io.camstream.cli;

import io.camstream.cam.CamMethods;
import io.camstream.engine.Blob;
import io.camstream.engine.ModelRuntime;
import io.camstream.engine.PaddleExplainer;
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
    try (PaddleExplainer explainer = new PaddleExplainer(List.of(ms), shared, engine.options().withPool(1,
        engine.options().threadsPerPredictor()))) {
      ModelRuntime rt = explainer.runtime(ms.id());
      String l = layer != null ? layer : rt.defaultLayer();
      out.printf("bench %s, layer %s, %d image(s), %d iterations after %d warm-up, %d thread(s), %s%n", ms.key(), l,
          files.size(), iterations, warmup, engine.options().threadsPerPredictor(), System.getProperty("os.arch"));
      engineTimes(out, rt, l, bytes);
      pipelineTimes(out, explainer, ms, l, bytes);
      if (memory > 0) {
        memoryGrowth(out, explainer, ms, l, bytes);
      }
    }
    out.flush();
    return 0;
  }

  /** Native pass only: the original program against the explain program on the same prepared inputs. */
  private void engineTimes(PrintWriter out, ModelRuntime rt, String l, List<byte[]> bytes) throws Exception {
    ModelRuntime.Loaded fwd = rt.program(l, ModelRuntime.Kind.ORIGINAL);
    String m = method != null ? method : rt.spec().method() != null ? rt.spec().method() : CamMethods.DEFAULT;
    ModelRuntime.Kind kind = ModelRuntime.Kind.of(CamMethods.byName(m));
    if (kind == ModelRuntime.Kind.FORWARD) {
      kind = ModelRuntime.Kind.EXPLAIN; // gradient-free methods: time the backward pass anyway
    }
    out.printf("engine  explain program: %s (%s)%n", kind, m);
    ModelRuntime.Loaded exp = rt.program(l, kind);
    List<List<Blob>> fwdFeeds = new ArrayList<>();
    List<List<Blob>> expFeeds = new ArrayList<>();
    for (byte[] b : bytes) {
      Preprocessor.Prepared p = rt.preprocessor().prepare(Images.decode(b, rt.spec().input().maxPixels()));
      Blob x = new Blob(new long[] {1, 3, p.height(), p.width()}, p.chw());
      fwdFeeds.add(List.of(x));
      expFeeds.add(rt.defaultTargetFeeds(x));
    }
    List<Double> f = new ArrayList<>();
    List<Double> x = new ArrayList<>();
    try (PaddleModel.Session fs = fwd.byDevice().get(engine.devices.get(0)).newSession();
        PaddleModel.Session es = exp.byDevice().get(engine.devices.get(0)).newSession()) {
      for (int it = 0; it < warmup + iterations; it++) {
        for (int i = 0; i < bytes.size(); i++) {
          // alternate which goes first so drift and cache effects fall on both
          boolean fwdFirst = (it + i) % 2 == 0;
          double a = fwdFirst ? time(fs, fwdFeeds.get(i)) : time(es, expFeeds.get(i));
          double b = fwdFirst ? time(es, expFeeds.get(i)) : time(fs, fwdFeeds.get(i));
          if (it >= warmup) {
            f.add(fwdFirst ? a : b);
            x.add(fwdFirst ? b : a);
          }
        }
      }
    }
    double fm = percentile(f, 50);
    double xm = percentile(x, 50);
    out.printf("engine  forward-only  median %8.2f ms  p90 %8.2f ms%n", fm, percentile(f, 90));
    out.printf("engine  explain       median %8.2f ms  p90 %8.2f ms%n", xm, percentile(x, 90));
    List<Double> paired = new ArrayList<>();
    for (int i = 0; i < f.size(); i++) {
      paired.add(x.get(i) / f.get(i)); // the two runs of a pair are back to back: machine noise hits both alike
    }
    out.printf("ratio   explain / forward-only: %.3f (medians), %.3f (median of back-to-back pairs)%n", xm / fm,
        percentile(paired, 50));
  }

  private static double time(PaddleModel.Session s, List<Blob> feeds) {
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
    StringBuilder sb = new StringBuilder("pipeline (method " + (method != null ? method
        : ms.method() != null ? ms.method() : "gradcam") + ")");
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
