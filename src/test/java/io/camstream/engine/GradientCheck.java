package io.camstream.engine;

import ai.djl.Device;
import io.camstream.model.ExplainProgram;
import io.camstream.model.ExplainProgramBuilder;
import io.camstream.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Independent check of A@GRAD: perturbs sampled entries of the layer's activation, runs the head of the network
 * cut off at the layer (a separate program that takes A as a feed), and compares central differences of the target
 * score with the explain program's gradient.
 */
final class GradientCheck {

  /** Relative error ||fd - g|| / ||g|| over the sampled entries, and the entries themselves for messages. */
  record Result(double relativeError, double[] fd, double[] analytic, int[] entries) {
    @Override
    public String toString() {
      return String.format("rel.err %.4f over %d entries (first fd %.6g vs grad %.6g)", relativeError,
          entries.length, fd[0], analytic[0]);
    }
  }

  private GradientCheck() {}

  /**
   * @param seed classification: one-hot row [K] or zeros (predicted class); dense: box mask [H*W]
   * @param scoreClass class whose logit is the score (classification), or -1 for dense (score = sum(seed * out))
   * @param absStep smallest perturbation; the step is max(absStep, |a| * relStep). Layers early in a deep
   *     piecewise-linear network need small steps: a large one crosses activation kinks downstream.
   */
  static Result run(ModelRuntime rt, String layer, Blob x, float[] seed, int scoreClass, int topK, int randomK,
      Path cacheRoot, float absStep, float relStep) throws Exception {
    return run(rt, layer, x, seed, scoreClass, topK, randomK, cacheRoot, absStep, relStep, List.of("paddle"))
        .get("paddle");
  }

  /**
   * As above, with the explain program run on each engine ({@code paddle}, {@code onnxruntime}: forced, so a graph
   * that does not compile or verify fails the test); the finite differences are taken once, on the sampled entries
   * of the first engine's gradient.
   */
  static Map<String, Result> run(ModelRuntime rt, String layer, Blob x, float[] seed, int scoreClass, int topK,
      int randomK, Path cacheRoot, float absStep, float relStep, List<String> engines) throws Exception {
    ModelSpec spec = rt.spec();
    boolean dense = spec.task() == ModelSpec.Task.DENSE;
    List<Blob> feeds = new ArrayList<>(List.of(x));
    if (dense) {
      feeds.add(new Blob(new long[] {1, 1, x.shape()[2], x.shape()[3]}, seed));
      feeds.add(new Blob(new long[] {1, 1, 1, 1}, new float[] {2f}));
    } else {
      feeds.add(new Blob(new long[] {1, seed.length}, seed));
    }
    float[] a = null;
    long[] aShape = null;
    Map<String, float[]> grads = new LinkedHashMap<>();
    for (String engine : engines) {
      ModelRuntime.Loaded explain = rt.program(layer, ModelRuntime.Kind.EXPLAIN, engine);
      try (Backend.Session s = explain.byDevice().get("cpu").newSession()) {
        Map<String, Blob> out = s.run(feeds);
        if (a == null) {
          a = out.get(layer).data();
          aShape = out.get(layer).shape();
        }
        grads.put(engine, out.get(ExplainProgram.grad(layer)).data());
      }
    }
    float[] g = grads.get(engines.get(0));
    // the head program: layer's producer removed, A fed in
    ExplainProgram head = ExplainProgramBuilder.head(rt.graph(), layer, rt.target());
    ProgramCache cache = new ProgramCache(cacheRoot);
    Map<String, String> trial = new LinkedHashMap<>();
    trial.put(head.feeds().get(0), shape(x.shape()));
    trial.put(layer, shape(aShape));
    Path dir = cache.materialise(rt.sha256(), "head-" + layer, head,
        rt.modelDir().resolve(spec.files().params()), trial);
    Map<String, long[]> dims = new LinkedHashMap<>();
    dims.put(head.feeds().get(0), new long[] {-1, 3, -1, -1});
    long[] aDims = aShape.clone();
    aDims[0] = -1;
    dims.put(layer, aDims);

    int[] entries = pick(g, topK, randomK);
    int m = entries.length;
    double[] fd = new double[m];
    try (PaddleModel headModel = new PaddleModel(dir, Device.cpu(), dims, head.fetches(), 2);
        Backend.Session s = headModel.newSession()) {
      int entriesPerBatch = 8;
      for (int from = 0; from < m; from += entriesPerBatch) {
        int k = Math.min(entriesPerBatch, m - from);
        float[] xs = new float[2 * k * x.data().length];
        float[] as = new float[2 * k * a.length];
        float[] eps = new float[k];
        for (int i = 0; i < k; i++) {
          int e = entries[from + i];
          eps[i] = Math.max(absStep, Math.abs(a[e]) * relStep);
          for (int sign = 0; sign < 2; sign++) {
            int row = 2 * i + sign;
            System.arraycopy(x.data(), 0, xs, row * x.data().length, x.data().length);
            System.arraycopy(a, 0, as, row * a.length, a.length);
            as[row * a.length + e] += sign == 0 ? eps[i] : -eps[i];
          }
        }
        long[] xShape = x.shape().clone();
        xShape[0] = 2L * k;
        long[] as4 = aShape.clone();
        as4[0] = 2L * k;
        Blob out = s.run(List.of(new Blob(xShape, xs), new Blob(as4, as))).get(rt.target());
        for (int i = 0; i < k; i++) {
          double plus = score(out.item(2 * i), seed, scoreClass);
          double minus = score(out.item(2 * i + 1), seed, scoreClass);
          fd[from + i] = (plus - minus) / (2.0 * eps[i]);
        }
      }
    }
    Map<String, Result> results = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : grads.entrySet()) {
      double[] an = new double[m];
      double num = 0;
      double den = 0;
      for (int i = 0; i < m; i++) {
        an[i] = e.getValue()[entries[i]];
        num += (fd[i] - an[i]) * (fd[i] - an[i]);
        den += an[i] * an[i];
      }
      results.put(e.getKey(), new Result(Math.sqrt(num / den), fd, an, entries));
    }
    return results;
  }

  private static double score(float[] out, float[] seed, int cls) {
    if (cls >= 0) {
      return out[cls];
    }
    double s = 0;
    for (int i = 0; i < out.length; i++) {
      s += (double) seed[i] * out[i];
    }
    return s;
  }

  /** The entries with the largest |gradient| plus a few random ones. */
  private static int[] pick(float[] g, int top, int random) {
    Integer[] idx = IntStream.range(0, g.length).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -Math.abs(g[i])).thenComparingInt(i -> i));
    List<Integer> out = new ArrayList<>(Arrays.asList(idx).subList(0, Math.min(top, idx.length)));
    Random r = new Random(7);
    while (out.size() < Math.min(g.length, top + random)) {
      int i = r.nextInt(g.length);
      if (!out.contains(i)) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String shape(long[] s) {
    StringBuilder b = new StringBuilder("1");
    for (int i = 1; i < s.length; i++) {
      b.append('x').append(s[i]);
    }
    return b.toString();
  }
}
