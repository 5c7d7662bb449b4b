package io.camstream.engine;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.onnxruntime.engine.OrtNDArray;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program loaded through one of DJL's engines: both engines are driven alike, one predictor per session, inputs
 * checked against the declared feed dims before every native call.
 */
abstract class DjlBackend implements Backend {

  private final Model model;
  private final List<String> feeds;
  private final Map<String, long[]> feedDims;
  private final List<String> fetches;

  DjlBackend(Model model, Map<String, long[]> feedDims, List<String> fetches) {
    this.model = model;
    this.feeds = List.copyOf(feedDims.keySet());
    this.feedDims = new LinkedHashMap<>(feedDims);
    this.fetches = List.copyOf(fetches);
  }

  final Model model() {
    return model;
  }

  @Override
  public final List<String> feeds() {
    return feeds;
  }

  @Override
  public final List<String> fetches() {
    return fetches;
  }

  @Override
  public final Backend.Session newSession() {
    return new Session(model.newPredictor(new NoopTranslator()));
  }

  @Override
  public final void close() {
    model.close();
  }

  /** One predictor; not thread-safe (a Paddle predictor shared by two threads aborts the JVM). */
  private final class Session implements Backend.Session {
    private final Predictor<NDList, NDList> predictor;

    private Session(Predictor<NDList, NDList> predictor) {
      this.predictor = predictor;
    }

    /** Runs the program; inputs in feed order. Shapes are checked here because a native shape error kills the JVM. */
    @Override
    public Map<String, Blob> run(List<Blob> inputs) {
      Backend.checkInputs(feeds, feedDims, inputs);
      try (NDManager scope = model.getNDManager().newSubManager()) {
        NDList in = new NDList();
        for (int i = 0; i < inputs.size(); i++) {
          NDArray a = scope.create(inputs.get(i).data(), new Shape(inputs.get(i).shape()));
          a.setName(feeds.get(i));
          in.add(a);
        }
        NDList out = predictor.predict(in);
        Map<String, Blob> result = new LinkedHashMap<>();
        try {
          for (int i = 0; i < out.size(); i++) {
            NDArray a = out.get(i);
            result.put(i < fetches.size() ? fetches.get(i) : a.getName(), new Blob(a.getShape().getShape(),
                floats(a)));
          }
        } finally {
          out.close();
        }
        return result;
      } catch (TranslateException e) {
        throw new IllegalStateException(engine() + " run failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      predictor.close();
    }
  }

  /**
   * An output's values. DJL's {@code toFloatArray} on an ONNX Runtime tensor copies twice (native to a new
   * ByteBuffer, then to the array); ORT's own {@code getFloatBuffer} copies once into a heap buffer whose array is
   * the result: a 7.4 MB detector activation is a millisecond or two cheaper per explanation.
   */
  static float[] floats(NDArray a) {
    if (a instanceof OrtNDArray o && a.getDataType() == DataType.FLOAT32) {
      FloatBuffer fb = o.getTensor().getFloatBuffer();
      if (fb.hasArray() && fb.arrayOffset() == 0 && fb.position() == 0 && fb.array().length == fb.remaining()) {
        return fb.array();
      }
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
    return a.toFloatArray();
  }
}
