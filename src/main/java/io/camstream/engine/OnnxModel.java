package io.camstream.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A compiled explain graph ({@code model.onnx}) loaded through DJL's OnnxRuntime engine. Session options are
 * built with ONNX Runtime's own Java API and handed to DJL as its {@code sessionOptions} argument, because DJL's
 * option keys cannot switch on deterministic compute (see docs/engine.md). ONNX Runtime sessions are thread-safe;
 * a session here is one DJL predictor per worker all the same, so both engines are driven alike.
 */
public final class OnnxModel extends DjlBackend {

  public static final String ENGINE = "onnxruntime";
  static final String DJL_ENGINE = "OnnxRuntime";

  /**
   * @param onnxFile the compiled graph
   * @param device cpu, or a GPU: then the CUDA execution provider must be available, or this fails (no silent CPU)
   */
  public OnnxModel(Path onnxFile, Device device, Map<String, long[]> feedDims, List<String> fetches, int threads)
      throws IOException {
    this(onnxFile, device, feedDims, fetches, threads, null);
  }

  /** @param profile file name prefix for ONNX Runtime's profiler (it adds a date and .json), or null */
  public OnnxModel(Path onnxFile, Device device, Map<String, long[]> feedDims, List<String> fetches, int threads,
      Path profile) throws IOException {
    super(load(onnxFile, device, threads, profile), feedDims, fetches);
  }

  private static Model load(Path onnxFile, Device device, int threads, Path profile) throws IOException {
    Engine.getEngine(DJL_ENGINE); // DJL's engine must create the ORT environment before the plain API touches it
    OrtSession.SessionOptions options = sessionOptions(device, threads);
    if (profile != null) {
      try {
        options.enableProfiling(profile.toString());
      } catch (OrtException e) {
        options.close();
        throw new IOException("ONNX Runtime cannot profile to " + profile + ": " + e.getMessage(), e);
      }
    }
    Model model = Model.newInstance("camstream-onnx", device, DJL_ENGINE);
    try {
      String name = onnxFile.getFileName().toString().replaceFirst("\\.onnx$", "");
      model.load(onnxFile.getParent(), name, Map.of("sessionOptions", options));
      return model;
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IOException("cannot load ONNX graph " + onnxFile + ": " + e.getMessage(), e);
    }
  }

  /** Deterministic, one session per model, math threads as configured; CUDA for a GPU device or an error. */
  static OrtSession.SessionOptions sessionOptions(Device device, int threads) throws IOException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // replays must reproduce: deterministic kernels (cuDNN algorithm choice included) on every provider
      o.setDeterministicCompute(true);
      // gradients behind saturated sigmoids are denormal floats; without flushing them the adjoint's convolutions
      // run many times slower on x86 (values below 1e-38 are far under the 1e-4 agreement tolerance)
      o.addConfigEntry("session.set_denormal_as_zero", "1");
      // idle intra-op threads must not spin: sessions of several programs (and Paddle) share the same cores
      o.addConfigEntry("session.intra_op.allow_spinning", "0");
      if (device.isGpu()) {
        checkCuda(device);
        o.addCUDA(device.getDeviceId());
      }
      return o;
    } catch (OrtException e) {
      o.close();
      throw new IOException("ONNX Runtime cannot use " + device + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fails when a GPU is configured but this ONNX Runtime build has no CUDA provider (the CPU jar, or no driver):
   * the role must not start and quietly run on the CPU.
   */
  public static void checkCuda(Device device) throws IOException {
    Engine.getEngine(DJL_ENGINE);
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      throw new IOException("device " + device + " is configured for the onnxruntime engine, but this ONNX Runtime"
          + " build has no CUDA execution provider (available: " + OrtEnvironment.getAvailableProviders()
          + "); build with -Pgpu (onnxruntime_gpu, CUDA 12) or set explainer.engine=paddle");
    }
  }

  /** ONNX Runtime's version, from the native library in use. */
  public static String version() {
    Engine.getEngine(DJL_ENGINE);
    return OrtEnvironment.getEnvironment().getVersion();
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public String engineVersion() {
    return version();
  }
}
