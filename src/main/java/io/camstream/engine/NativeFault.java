package io.camstream.engine;

import ai.djl.Device;
import io.camstream.explain.ExplainException;
import io.camstream.explain.Explainer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only: feeds a model a tensor Paddle rejects (one channel where the first convolution wants three), past the
 * Java shape check. Paddle throws a C++ exception the JNI does not catch and the process aborts (SIGABRT, exit
 * 134): the real failure an engine worker exists to contain. Only reached through the engine worker's fault hook,
 * which is off unless explicitly enabled.
 */
public final class NativeFault {

  private NativeFault() {}

  /** Does not return: the process aborts inside Paddle. */
  public static void feedRejectedTensor(Explainer explainer, String modelId) {
    if (!(explainer instanceof PaddleExplainer paddle)) {
      throw new IllegalStateException("no Paddle engine to feed: " + explainer.engine());
    }
    try {
      ModelRuntime rt = paddle.runtime(modelId);
      var original = rt.program(rt.defaultLayer(), ModelRuntime.Kind.ORIGINAL).program();
      Map<String, long[]> free = new LinkedHashMap<>();
      for (String f : original.feeds()) {
        free.put(f, new long[] {-1, -1, -1, -1});
      }
      try (PaddleModel model = new PaddleModel(rt.modelDir(), Device.cpu(), free, original.fetches(), 1);
          Backend.Session s = model.newSession()) {
        s.run(List.of(new Blob(new long[] {1, 1, 32, 32}, new float[32 * 32])));
      }
    } catch (ExplainException | IOException e) {
      throw new IllegalStateException("cannot set up the rejected tensor: " + e.getMessage(), e);
    }
    throw new IllegalStateException("Paddle accepted a one-channel tensor; no abort happened");
  }
}
