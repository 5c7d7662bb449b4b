package io.camstream.topology.explainer;

import io.camstream.explain.Explainer;

/**
 * The one place tests get their explain engine. Today it is the {@link DarknessExplainer} test double; when the
 * real engine lands this becomes {@code return Explainers.fromConfig(config)} and every streaming test runs Paddle.
 */
public final class TestEngines {

  private TestEngines() {}

  public static Explainer explainer() {
    return new DarknessExplainer();
  }
}
