package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.engine.Devices;
import io.camstream.engine.EngineOptions;
import io.camstream.engine.PaddleExplainer;
import io.camstream.explain.Explainer;
import io.camstream.io.SharedDir;
import io.camstream.model.ModelSpec;
import io.camstream.render.RenderOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

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
    return open(config, config.explainerDevices(), perDevice, threads);
  }

  /**
   * The engine of one engine worker process: one predictor on {@code device} with {@code threads} math threads.
   *
   * @throws IllegalStateException when the device cannot be used here (the worker reports it as fatal)
   */
  public static Explainer forWorker(CamstreamConfig config, String device, int threads) {
    Devices.require(device);
    return open(config, List.of(device), 1, threads);
  }

  /**
   * Where generated programs are kept: {@code camstream.cache} / {@code CAMSTREAM_CACHE} when set, else under the
   * role's data dir (never the user's home, so each test run and each instance has its own).
   */
  public static Path programCache(CamstreamConfig config) {
    String p = System.getProperty("camstream.cache", System.getenv("CAMSTREAM_CACHE"));
    return p != null ? Path.of(p) : config.dataDir().resolve("cache").toAbsolutePath();
  }

  private static Explainer open(CamstreamConfig config, List<String> devices, int perDevice, int threads) {
    EngineOptions options = new EngineOptions(devices, perDevice, threads,
        config.explainerBatchMaxSize(), programCache(config), RenderOptions.defaults(),
        config.explainerEngine());
    try {
      return new PaddleExplainer(ModelSpec.loadAll(config.modelsDir()), SharedDir.locate().root(), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the explain engine on " + config.modelsDir() + ": "
          + e.getMessage(), e);
    }
  }
}
