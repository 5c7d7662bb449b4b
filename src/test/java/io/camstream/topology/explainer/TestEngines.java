package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;

/**
 * Where streaming tests get their explain engine: exactly as the application does, {@link Explainers#fromConfig}.
 * On the test classpath that is the {@link DarknessExplainer} test double (registered by
 * {@link TestExplainerProvider}) until the real engine's provider replaces it.
 */
public final class TestEngines {

  private TestEngines() {}

  public static Explainer explainer(CamstreamConfig config) {
    return Explainers.fromConfig(config);
  }
}
