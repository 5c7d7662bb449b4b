package io.camstream.cam;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;

/**
 * The part every method shares: input checks, then the method's map, then ReLU. Subclasses override
 * {@link #camMap}; per-channel methods extend {@link WeightedCam} instead.
 */
public abstract class BaseCam implements CamMethod {

  private final String name;
  private final boolean requiresGradients;

  protected BaseCam(String name, boolean requiresGradients) {
    this.name = name;
    this.requiresGradients = requiresGradients;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final boolean requiresGradients() {
    return requiresGradients;
  }

  @Override
  public final float[] compute(FeatureMaps features, MaskedScorer scorer) throws ExplainException {
    if (requiresGradients && features.gradient() == null) {
      throw new IllegalArgumentException(name + " needs gradients but the feature maps carry none");
    }
    // A NaN from the engine would otherwise poison the whole map and every summary made from it.
    requireFinite("activation", features.activation());
    if (requiresGradients) {
      requireFinite("gradient", features.gradient());
    }
    double[] map = camMap(features, scorer);
    float[] out = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      out[i] = map[i] > 0 ? (float) map[i] : 0f;
    }
    return out;
  }

  @Override
  public final float[] fromEngineSum(float[] sum) throws ExplainException {
    if (engineSum() == null) {
      throw new UnsupportedOperationException(name + " has no engine-formed sum");
    }
    requireFinite("map", sum);
    float[] out = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      out[i] = sum[i] > 0 ? sum[i] : 0f;
    }
    return out;
  }

  /** The map before ReLU, {@code height * width} values. */
  protected abstract double[] camMap(FeatureMaps features, MaskedScorer scorer) throws ExplainException;

  /** {@code sum_k weights[k] * A_k}, accumulated per pixel in channel order. */
  protected static double[] weightedSum(FeatureMaps f, double[] weights) {
    int area = f.area();
    float[] a = f.activation();
    double[] map = new double[area];
    for (int k = 0; k < f.channels(); k++) {
      double w = weights[k];
      if (w == 0) {
        continue;
      }
      int base = k * area;
      for (int p = 0; p < area; p++) {
        map[p] += w * a[base + p];
      }
    }
    return map;
  }

  private void requireFinite(String what, float[] values) throws ExplainException {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new ExplainException(
            Reason.ENGINE_FAILED, name + ": " + what + " value " + values[i] + " at flat index " + i + " is not finite");
      }
    }
  }
}
