package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;

/**
 * The one place streaming tests get their explain engine. Today it is the {@link DarknessExplainer} test double;
 * when the real engine lands this becomes {@code return Explainers.fromConfig(config)} and every streaming test
 * (ExplainerEndToEndIT, ExplainerCrashIT, ReplayerIT, DemoCommandIT) runs Paddle. System property
 * {@code camstream.test.explainDelayMs} slows the double down per image, like a real engine.
 */
public final class TestEngines {

  private TestEngines() {}

  public static Explainer explainer(CamstreamConfig config) {
    return new DarknessExplainer(Long.getLong("camstream.test.explainDelayMs", 0L));
  }
}
