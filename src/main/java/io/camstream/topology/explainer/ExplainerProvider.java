package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;

/**
 * Creates the explain engine for the explainer role and replay. The engine registers one implementation in
 * {@code META-INF/services/io.camstream.topology.explainer.ExplainerProvider}; {@link Explainers#fromConfig} finds
 * it, so the streaming code never depends on the engine's classes.
 */
public interface ExplainerProvider {

  /** A short name for logs, e.g. {@code paddle}. */
  String name();

  /**
   * Opens an explainer on {@code models.dir}, with predictors over {@code explainer.devices} x
   * {@code explainer.pool.size.per.device}.
   */
  Explainer create(CamstreamConfig config);
}
