package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.engine.EngineOptions;
import io.camstream.engine.PaddleExplainer;
import io.camstream.engine.ProgramCache;
import io.camstream.explain.Explainer;
import io.camstream.io.SharedDir;
import io.camstream.model.ModelSpec;
import io.camstream.render.RenderOptions;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Opens the explain engine (real Paddle models, one pool of predictors) for a config. */
public final class Explainers {

  private Explainers() {}

  /**
   * A {@link PaddleExplainer} on every spec in {@code models.dir}, with {@code explainer.pool.size.per.device}
   * predictors on each of {@code explainer.devices}; the CPU's cores are shared among the predictors.
   */
  public static Explainer fromConfig(CamstreamConfig config) {
    int perDevice = config.explainerPoolSizePerDevice();
    int threads = Math.max(1,
        Runtime.getRuntime().availableProcessors() / (perDevice * config.explainerDevices().size()));
    EngineOptions options = new EngineOptions(config.explainerDevices(), perDevice, threads,
        config.explainerBatchMaxSize(), ProgramCache.defaultRoot(), RenderOptions.defaults(),
        config.explainerEngine());
    try {
      return new PaddleExplainer(ModelSpec.loadAll(config.modelsDir()), SharedDir.locate().root(), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the explain engine on " + config.modelsDir() + ": "
          + e.getMessage(), e);
    }
  }
}
