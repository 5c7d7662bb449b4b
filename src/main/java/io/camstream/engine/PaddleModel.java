package io.camstream.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Paddle program loaded through DJL. Sessions are cheap native clones of the predictor, one per thread: sharing
 * one predictor across threads corrupts it and aborts the JVM.
 */
public final class PaddleModel extends DjlBackend {

  public static final String ENGINE = "paddle";

  /**
   * @param dir folder holding {@code inference.pdmodel} and {@code inference.pdiparams}
   * @param feedDims declared dims of each feed in column order (-1 = free), checked before every native call
   * @param fetches names of the fetched variables in column order
   */
  public PaddleModel(Path dir, Device device, Map<String, long[]> feedDims, List<String> fetches, int threads)
      throws IOException {
    super(load(dir, device, threads), feedDims, fetches);
  }

  private static Model load(Path dir, Device device, int threads) throws IOException {
    Model model = Model.newInstance("camstream", device, "PaddlePaddle");
    try {
      // IR passes would fuse or rename the activations we fetch; grad programs run as written.
      model.load(dir, "inference", Map.of("SwitchIrOptim", "false", "CMLNumThreads", Integer.toString(threads),
          "DisableGlog", "true"));
      return model;
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
    return model().getNDManager().getEngine().getVersion();
  }
}
