package io.camstream.engine;

import java.util.List;
import java.util.Map;

/**
 * A compiled program loaded on one device by one inference engine: feeds in, fetches out. Paddle Inference runs
 * the generated Paddle program ({@link PaddleModel}, the reference); ONNX Runtime runs the same program compiled
 * to one ONNX graph ({@link OnnxModel}). Callers never see which.
 */
public interface Backend extends AutoCloseable {

  /** Engine name as reported in explanations and review records: {@code paddle} or {@code onnxruntime}. */
  String engine();

  /** The engine library's version (Paddle Inference, ONNX Runtime). */
  String engineVersion();

  List<String> feeds();

  List<String> fetches();

  /** A session for one thread at a time. */
  Session newSession();

  @Override
  void close();

  /** One runner; not thread-safe. */
  interface Session extends AutoCloseable {
    /** Runs the program; inputs in feed order, outputs by fetch name. */
    Map<String, Blob> run(List<Blob> inputs);

    @Override
    void close();
  }

  /** Checks inputs against declared feed dims (-1 free) before a native call: a Paddle shape error kills the JVM. */
  static void checkInputs(List<String> feeds, Map<String, long[]> feedDims, List<Blob> inputs) {
    if (inputs.size() != feeds.size()) {
      throw new IllegalArgumentException("program takes " + feeds + ", got " + inputs.size() + " inputs");
    }
    long batch = inputs.get(0).shape()[0];
    for (int i = 0; i < inputs.size(); i++) {
      long[] want = feedDims.get(feeds.get(i));
      long[] got = inputs.get(i).shape();
      boolean ok = want.length == got.length && got[0] == batch;
      for (int d = 0; ok && d < want.length; d++) {
        ok = want[d] < 0 || want[d] == got[d];
      }
      if (!ok) {
        throw new IllegalArgumentException("input " + feeds.get(i) + " has shape " + java.util.Arrays.toString(got)
            + ", the program needs " + java.util.Arrays.toString(want) + " (batch " + batch + ")");
      }
    }
  }
}
