package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.ExplainProgram;
import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explain program of a model the test writes itself, against a plain-Java forward and backward pass of the
 * same network: logits, A and A@GRAD agree to 1e-5, for the predicted class and for a chosen class in one batch.
 */
class TinyModelIT {

  @TempDir Path dir;

  @Test
  void explainProgramMatchesPlainJavaForwardAndBackward() throws Exception {
    ProgramWriter w = TinyModels.classifier();
    w.write(dir);
    ModelSpec spec = TinyModels.spec(dir, "tiny", "A", "logits", "probs");
    float[] x = ProgramWriter.random(2 * 3 * 64, 11, 1f);
    Map<String, float[]> p = Reference.params(dir, w);
    for (String engine : ExplainGradientsIT.ENGINES) {
      check(spec, w, x, p, engine);
    }
  }

  private void check(ModelSpec spec, ProgramWriter w, float[] x, Map<String, float[]> p, String engine)
      throws Exception {
    try (ModelRuntime rt = new ModelRuntime(spec, dir, EngineFixture.options())) {
      ModelRuntime.Loaded prog = rt.program("A", ModelRuntime.Kind.EXPLAIN, engine);
      assertThat(prog.engine()).isEqualTo(engine);
      float[] seed = {0, 0, 0, 0, 0, 1}; // row 0: predicted class; row 1: class 2
      Map<String, Blob> out;
      try (Backend.Session s = prog.byDevice().get("cpu").newSession()) {
        out = s.run(List.of(new Blob(new long[] {2, 3, 8, 8}, x), new Blob(new long[] {2, 3}, seed)));
      }
      for (int n = 0; n < 2; n++) {
        float[] xi = java.util.Arrays.copyOfRange(x, n * 192, (n + 1) * 192);
        Reference.Pass ref = Reference.forward(xi, p);
        int cls = n == 0 ? Reference.argmax(ref.logits()) : 2;
        float[] dA = Reference.backward(ref, p, cls);
        assertThat(out.get("logits").item(n)).containsExactly(ref.logits(), org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(out.get("A").item(n)).containsExactly(ref.a(), org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(out.get(ExplainProgram.grad("A")).item(n))
            .containsExactly(dA, org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  /** The tiny classifier in plain Java, float64 throughout. */
  static final class Reference {
    record Pass(float[] x, float[] c1, float[] a, float[] m, float[] logits) {}

    static Map<String, float[]> params(Path dir, ProgramWriter w) throws Exception {
      Map<String, float[]> out = new java.util.HashMap<>();
      io.camstream.model.ParamsIO.read(dir.resolve("inference.pdiparams"), w.program())
          .forEach((k, v) -> out.put(k, v.data()));
      return out;
    }

    static Pass forward(float[] x, Map<String, float[]> p) {
      int c = TinyModels.C;
      int s = TinyModels.S;
      float[] cw = p.get("conv_w");
      float[] cb = p.get("conv_b");
      float[] c1 = new float[c * s * s];
      float[] a = new float[c * s * s];
      for (int o = 0; o < c; o++) {
        for (int y = 0; y < s; y++) {
          for (int xx = 0; xx < s; xx++) {
            double acc = cb[o];
            for (int i = 0; i < 3; i++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int iy = y + ky - 1;
                  int ix = xx + kx - 1;
                  if (iy >= 0 && iy < s && ix >= 0 && ix < s) {
                    acc += (double) cw[((o * 3 + i) * 3 + ky) * 3 + kx] * x[(i * s + iy) * s + ix];
                  }
                }
              }
            }
            c1[(o * s + y) * s + xx] = (float) acc;
            a[(o * s + y) * s + xx] = (float) Math.max(0, acc);
          }
        }
      }
      int h = s / 2;
      float[] m = new float[c * h * h];
      double[] pooled = new double[c];
      for (int o = 0; o < c; o++) {
        double sumA = 0;
        for (int i = 0; i < s * s; i++) {
          sumA += a[o * s * s + i];
        }
        double sumM = 0;
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < h; xx++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int dy = 0; dy < 2; dy++) {
              for (int dx = 0; dx < 2; dx++) {
                best = Math.max(best, a[(o * s + 2 * y + dy) * s + 2 * xx + dx]);
              }
            }
            m[(o * h + y) * h + xx] = best;
            sumM += best;
          }
        }
        pooled[o] = sumM / (h * h) + sumA / (s * s);
      }
      float[] logits = new float[TinyModels.K];
      for (int k = 0; k < TinyModels.K; k++) {
        double acc = p.get("fc_b")[k];
        for (int o = 0; o < c; o++) {
          acc += pooled[o] * p.get("fc_w")[o * TinyModels.K + k];
        }
        logits[k] = (float) acc;
      }
      return new Pass(x, c1, a, m, logits);
    }

    /** d logit[cls] / dA: through the max-pool route (first max in a window) and the direct average. */
    static float[] backward(Pass f, Map<String, float[]> p, int cls) {
      int c = TinyModels.C;
      int s = TinyModels.S;
      int h = s / 2;
      float[] d = new float[c * s * s];
      for (int o = 0; o < c; o++) {
        double w = p.get("fc_w")[o * TinyModels.K + cls];
        for (int i = 0; i < s * s; i++) {
          d[o * s * s + i] += (float) (w / (s * s));
        }
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < h; xx++) {
            int arg = -1;
            for (int dy = 0; dy < 2 && arg < 0; dy++) {
              for (int dx = 0; dx < 2 && arg < 0; dx++) {
                int idx = (o * s + 2 * y + dy) * s + 2 * xx + dx;
                if (f.a()[idx] == f.m()[(o * h + y) * h + xx]) {
                  arg = idx;
                }
              }
            }
            d[arg] += (float) (w / (h * h));
          }
        }
      }
      return d;
    }

    static int argmax(float[] v) {
      int b = 0;
      for (int i = 1; i < v.length; i++) {
        if (v[i] > v[b]) {
          b = i;
        }
      }
      return b;
    }
  }
}
