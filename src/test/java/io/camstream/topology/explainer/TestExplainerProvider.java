package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;

/**
 * TEST DOUBLE registration: makes {@link Explainers#fromConfig} return the {@link DarknessExplainer} on the test
 * classpath (src/test/resources/META-INF/services). Delete that services file once the real engine registers its
 * provider in src/main; every streaming test then runs the real engine. System property
 * {@code camstream.test.explainDelayMs} slows the double down per image, like a real engine.
 */
public final class TestExplainerProvider implements ExplainerProvider {

  @Override
  public String name() {
    return "test-double";
  }

  @Override
  public Explainer create(CamstreamConfig config) {
    return new DarknessExplainer(Long.getLong("camstream.test.explainDelayMs", 0L));
  }
}
