package io.camstream.engine;

import io.camstream.render.RenderOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * How the engine runs.
 *
 * @param devices where predictors run: {@code cpu}, {@code gpu:0}, {@code gpu:1}, ...
 * @param poolSizePerDevice predictors (worker threads) per device
 * @param threadsPerPredictor Paddle CPU math threads per predictor
 * @param maxBatch most images per native call
 * @param cacheRoot where generated programs are kept
 * @param render how maps are rendered
 * @param engine {@code onnxruntime} or {@code paddle} for every model, overriding the specs; null: each spec's
 *     choice, else ONNX Runtime for a program whose compiled graph verifies against Paddle
 * @param onnxProfile a folder for ONNX Runtime's profiler, one JSON file per session written when it closes (every
 *     kernel timed, so runs get slower: for {@code bench --kernel-profile} only); null: no profiling
 */
public record EngineOptions(
    List<String> devices,
    int poolSizePerDevice,
    int threadsPerPredictor,
    int maxBatch,
    Path cacheRoot,
    RenderOptions render,
    String engine,
    Path onnxProfile) {

  public EngineOptions(List<String> devices, int poolSizePerDevice, int threadsPerPredictor, int maxBatch,
      Path cacheRoot, RenderOptions render) {
    this(devices, poolSizePerDevice, threadsPerPredictor, maxBatch, cacheRoot, render, null);
  }

  public EngineOptions(List<String> devices, int poolSizePerDevice, int threadsPerPredictor, int maxBatch,
      Path cacheRoot, RenderOptions render, String engine) {
    this(devices, poolSizePerDevice, threadsPerPredictor, maxBatch, cacheRoot, render, engine, null);
  }

  public EngineOptions {
    if (devices == null || devices.isEmpty()) {
      throw new IllegalArgumentException("at least one device is needed (cpu, gpu:0, ...)");
    }
    for (String d : devices) {
      if (!d.equals("cpu") && !d.matches("gpu:\\d+")) {
        throw new IllegalArgumentException("device must be cpu or gpu:N, not '" + d + "'");
      }
    }
    if (poolSizePerDevice < 1 || threadsPerPredictor < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("pool size, threads and batch size must be at least 1");
    }
    if (engine != null && !io.camstream.model.ModelSpec.ENGINES.contains(engine)) {
      throw new IllegalArgumentException("engine must be one of " + io.camstream.model.ModelSpec.ENGINES + ", not '"
          + engine + "'");
    }
  }

  /** One CPU predictor using every core, batches of 8, default cache and rendering. */
  public static EngineOptions defaults() {
    return new EngineOptions(List.of("cpu"), 1, Runtime.getRuntime().availableProcessors(), 8,
        ProgramCache.defaultRoot(), RenderOptions.defaults());
  }

  public EngineOptions withPool(int perDevice, int threads) {
    return new EngineOptions(devices, perDevice, threads, maxBatch, cacheRoot, render, engine, onnxProfile);
  }

  public EngineOptions withEngine(String e) {
    return new EngineOptions(devices, poolSizePerDevice, threadsPerPredictor, maxBatch, cacheRoot, render, e,
        onnxProfile);
  }

  public EngineOptions withOnnxProfile(Path folder) {
    return new EngineOptions(devices, poolSizePerDevice, threadsPerPredictor, maxBatch, cacheRoot, render, engine,
        folder);
  }
}
