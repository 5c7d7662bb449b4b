package io.camstream.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Paddle program loaded through DJL. Sessions are cheap native clones of the predictor, one per thread: sharing
 * one predictor across threads corrupts it and aborts the JVM.
 */
public final class PaddleModel implements Backend {

  public static final String ENGINE = "paddle";

  private final Model model;
  private final List<String> feeds;
  private final Map<String, long[]> feedDims;
  private final List<String> fetches;

  /**
   * @param dir folder holding {@code inference.pdmodel} and {@code inference.pdiparams}
   * @param feedDims declared dims of each feed in column order (-1 = free), checked before every native call
   * @param fetches names of the fetched variables in column order
   */
  public PaddleModel(Path dir, Device device, Map<String, long[]> feedDims, List<String> fetches, int threads)
      throws IOException {
    this.feeds = List.copyOf(feedDims.keySet());
    this.feedDims = new LinkedHashMap<>(feedDims);
    this.fetches = List.copyOf(fetches);
    this.model = Model.newInstance("camstream", device, "PaddlePaddle");
    try {
      // IR passes would fuse or rename the activations we fetch; grad programs run as written.
      model.load(dir, "inference", Map.of("SwitchIrOptim", "false", "CMLNumThreads", Integer.toString(threads),
          "DisableGlog", "true"));
    } catch (MalformedModelException e) {
      model.close();
      throw new IOException("cannot load Paddle model from " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public String engineVersion() {
    return model.getNDManager().getEngine().getVersion();
  }

  @Override
  public List<String> feeds() {
    return feeds;
  }

  @Override
  public List<String> fetches() {
    return fetches;
  }

  @Override
  public Session newSession() {
    return new Session(model.newPredictor(new NoopTranslator()));
  }

  @Override
  public void close() {
    model.close();
  }

  /** One predictor; not thread-safe. */
  public final class Session implements Backend.Session {
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
                a.toFloatArray()));
          }
        } finally {
          out.close();
        }
        return result;
      } catch (TranslateException e) {
        throw new IllegalStateException("Paddle run failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      predictor.close();
    }
  }
}
