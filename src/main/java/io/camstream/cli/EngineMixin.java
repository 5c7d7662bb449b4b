package io.camstream.cli;

import io.camstream.engine.EngineOptions;
import io.camstream.engine.ProgramCache;
import io.camstream.io.SharedDir;
import io.camstream.render.RenderOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Engine and rendering options shared by the commands that run models. */
public final class EngineMixin {

  @Option(names = "--devices", split = ",", defaultValue = "cpu",
      description = "Where predictors run: cpu, gpu:0, ... (default: ${DEFAULT-VALUE}).")
  List<String> devices;

  @Option(names = "--pool", defaultValue = "1", description = "Predictors per device (default: ${DEFAULT-VALUE}).")
  int pool;

  @Option(names = "--threads", defaultValue = "0",
      description = "Paddle math threads per predictor; 0 = cores / predictors (default).")
  int threads;

  @Option(names = "--batch", defaultValue = "8", description = "Most images per native call (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--cache", description = "Generated-program cache (default: ~/.cache/camstream).")
  Path cache;

  @Option(names = "--colormap", defaultValue = "jet", description = "Overlay colour map (default: ${DEFAULT-VALUE}).")
  String colormap;

  @Option(names = "--alpha", defaultValue = "0.5", description = "Heat weight in the overlay, 0..1 (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--region-threshold", defaultValue = "0.5",
      description = "Normalised heat above which pixels form hot regions (default: ${DEFAULT-VALUE}).")
  double regionThreshold;

  @Option(names = "--engine", paramLabel = "onnxruntime|paddle",
      description = "Inference engine for every model, overriding the specs (default: each spec's engine, else"
          + " ONNX Runtime for a program whose compiled graph verifies against Paddle, else Paddle).")
  String engine;

  @Option(names = "--shared", description = "The shared folder with models/ and images/ (default: ../shared).")
  Path shared;

  EngineOptions options() {
    int perDevice = Math.max(1, pool);
    int t = threads > 0 ? threads
        : Math.max(1, Runtime.getRuntime().availableProcessors() / (perDevice * devices.size()));
    return new EngineOptions(devices, perDevice, t, batch, cache == null ? ProgramCache.defaultRoot() : cache,
        new RenderOptions(colormap, alpha, regionThreshold, 10, true), engine);
  }

  Path sharedDir() {
    return shared != null ? shared : SharedDir.locate().root();
  }
}
