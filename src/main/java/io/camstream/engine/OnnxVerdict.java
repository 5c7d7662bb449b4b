package io.camstream.engine;

import io.camstream.cam.CamMath;
import io.camstream.io.AtomicFiles;
import io.camstream.model.ExplainProgram;
import io.camstream.model.Tensor;
import io.camstream.model.onnx.PaddleToOnnx;
import io.camstream.model.onnx.UnsupportedOnnxOpException;
import io.camstream.model.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Compiles a generated Paddle program to ONNX and proves it before first use: the graph runs beside the Paddle
 * program on one sample input and must agree (every fetch within 1e-4 of Paddle's, relative to its magnitude when
 * above 1; Grad-CAM grids, or the weighted sum the program forms, at r &ge; 0.9999). The verdict is cached beside the
 * compiled graph, under the same key as the Paddle program (model and params hashes, program key and hash) plus the
 * compiler version.
 *
 * @param onnxFile the verified graph, or null
 * @param reason why the program stays on Paddle (null when verified)
 */
record OnnxVerdict(Path onnxFile, String reason) {

  static final double TOLERANCE = 1e-4;
  static final double MIN_CORRELATION = 0.9999;

  boolean ok() {
    return onnxFile != null;
  }

  /**
   * @param dir cache folder for this program's graph and verdict
   * @param paddle the reference, already proven in a child process; used for the check only when no verdict is cached
   */
  static OnnxVerdict of(Path dir, ExplainProgram p, Map<String, long[]> feedDims, Map<String, Tensor> params,
      List<Blob> sample, PaddleLoader paddle, int threads) throws IOException {
    Path file = dir.resolve("model-v" + PaddleToOnnx.VERSION + ".onnx");
    Path record = dir.resolve("onnx-verdict-v" + PaddleToOnnx.VERSION);
    // one process compiles and checks; the pool's other workers wait and read its verdict
    return AtomicFiles.holding(dir, () -> {
      if (Files.exists(record)) {
        String v = Files.readString(record, StandardCharsets.UTF_8).strip();
        return v.equals("ok") && Files.exists(file) ? new OnnxVerdict(file, null) : new OnnxVerdict(null, v);
      }
      OnnxVerdict verdict;
      try {
        ModelProto m = PaddleToOnnx.compile(p.program(), feedDims, p.fetches(), params);
        AtomicFiles.write(file, m::writeTo);
        verdict = compare(file, p, feedDims, sample, paddle, threads);
      } catch (UnsupportedOnnxOpException e) {
        verdict = new OnnxVerdict(null, e.getMessage());
      }
      AtomicFiles.writeString(record, verdict.ok() ? "ok" : verdict.reason());
      return verdict;
    });
  }

  /** Opens the Paddle reference for the check (only needed when no verdict is cached). */
  interface PaddleLoader {
    PaddleModel load() throws IOException;
  }

  private static OnnxVerdict compare(Path file, ExplainProgram p, Map<String, long[]> feedDims, List<Blob> sample,
      PaddleLoader paddle, int threads) throws IOException {
    Map<String, Blob> ref;
    try (PaddleModel pm = paddle.load(); Backend.Session s = pm.newSession()) {
      ref = s.run(sample);
    }
    Map<String, Blob> got;
    try (OnnxModel om = new OnnxModel(file, ai.djl.Device.cpu(), feedDims, p.fetches(), threads);
        Backend.Session s = om.newSession()) {
      got = s.run(sample);
    } catch (IOException | RuntimeException e) {
      return new OnnxVerdict(null, "ONNX Runtime could not run the compiled graph: " + e.getMessage());
    }
    String sum = p.layer() == null ? null : ExplainProgram.weightedSum(p.layer());
    // what carries the gradient back: the whole gradient, or the weighted sum formed from it
    String layerGrad = p.layer() == null ? null : ref.containsKey(sum) ? sum : ExplainProgram.grad(p.layer());
    if (layerGrad != null && ref.containsKey(layerGrad)) {
      double gmax = 0;
      for (float v : ref.get(layerGrad).data()) {
        gmax = Math.max(gmax, Math.abs(v));
      }
      if (gmax < 1e-6) {
        return new OnnxVerdict(null, "the verification sample gives no gradient at " + p.layer() + " (max "
            + gmax + "), so the graph cannot be verified");
      }
    }
    for (String f : p.fetches()) {
      Blob a = ref.get(f);
      Blob b = got.get(f);
      if (b == null || !java.util.Arrays.equals(a.shape(), b.shape())) {
        return new OnnxVerdict(null, "fetch " + f + " has shape " + (b == null ? "none" : java.util.Arrays.toString(
            b.shape())) + " on ONNX Runtime, " + java.util.Arrays.toString(a.shape()) + " on Paddle");
      }
      double scale = 1;
      double diff = 0;
      for (int i = 0; i < a.data().length; i++) {
        scale = Math.max(scale, Math.abs(a.data()[i]));
        diff = Math.max(diff, Math.abs(a.data()[i] - b.data()[i]));
      }
      if (!(diff <= TOLERANCE * scale)) {
        return new OnnxVerdict(null, String.format("fetch %s differs from Paddle by %.3g (tolerance %.1g x %.3g)", f,
            diff, TOLERANCE, scale));
      }
    }
    float[] ca = null;
    float[] cb = null;
    if (p.layer() != null && ref.containsKey(sum)) {
      ca = ref.get(sum).item(0);
      cb = got.get(sum).item(0);
    } else if (p.layer() != null && ref.containsKey(p.layer()) && ref.containsKey(ExplainProgram.grad(p.layer()))) {
      ca = gradCam(ref.get(p.layer()), ref.get(ExplainProgram.grad(p.layer())));
      cb = gradCam(got.get(p.layer()), got.get(ExplainProgram.grad(p.layer())));
    }
    if (ca != null) {
      double r = CamMath.pearson(ca, cb);
      boolean flat = java.util.Arrays.equals(ca, cb); // identical (also: both constant, where r is undefined)
      if (!flat && r < MIN_CORRELATION) {
        return new OnnxVerdict(null, String.format("CAM grids correlate at r=%.6f < %.4f", r, MIN_CORRELATION));
      }
    }
    return new OnnxVerdict(file, null);
  }

  /**
   * Grad-CAM of the first image before its ReLU, sum_k mean(dA_k) A_k: on a random sample the ReLU can leave a
   * flat map on which a correlation measures nothing, and the signed map is the stricter check.
   */
  static float[] gradCam(Blob a, Blob grad) {
    int c = (int) a.shape()[1];
    int hw = (int) (a.shape()[2] * a.shape()[3]);
    int ghw = grad.data().length / (int) grad.shape()[0] / c;
    float[] map = new float[hw];
    for (int k = 0; k < c; k++) {
      double w = 0;
      for (int i = 0; i < ghw; i++) {
        w += grad.data()[k * ghw + i];
      }
      w /= ghw;
      for (int i = 0; i < hw; i++) {
        map[i] += (float) (w * a.data()[k * hw + i]);
      }
    }
    return map;
  }

  /**
   * A fixed synthetic input: two bands of dark word-like blocks on a light page with a little noise, normalised as
   * the spec says. Plain noise makes a text detector output zeros everywhere, and zero gradients verify nothing.
   */
  static float[] sampleImage(io.camstream.model.ModelSpec.Input in, int h, int w) {
    Random r = new Random(20261130L);
    float[] x = new float[3 * h * w];
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < w; xx++) {
        boolean band = (y >= h / 4 && y < h / 4 + Math.max(4, h / 6)) || (y >= h / 2 && y < h / 2 + Math.max(4, h / 6));
        boolean ink = band && xx >= w / 8 && xx < 7 * w / 8 && (xx / 3) % 3 != 2;
        double v = (ink ? 30 : 225) + r.nextGaussian() * 8;
        for (int c = 0; c < 3; c++) {
          x[(c * h + y) * w + xx] = (float) ((v * in.scale() - in.mean().get(c)) / in.std().get(c));
        }
      }
    }
    return x;
  }
}
