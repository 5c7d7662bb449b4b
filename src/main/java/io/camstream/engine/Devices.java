package io.camstream.engine;

import ai.djl.engine.Engine;

/** Device truth: a configured GPU must be one the engine can use, or the role does not start. */
public final class Devices {

  private Devices() {}

  /**
   * Checks that the Paddle engine of this process can run on {@code device}.
   *
   * @throws IllegalStateException with a message for operators when it cannot (say, {@code gpu:0} with the CPU
   *     build of Paddle Inference, or no such GPU)
   */
  public static void require(String device) {
    if (device.equals("cpu")) {
      return;
    }
    int index = Integer.parseInt(device.substring(4));
    int gpus = Engine.getEngine("PaddlePaddle").getGpuCount();
    if (index >= gpus) {
      throw new IllegalStateException("explainer.devices names " + device + ", but the Paddle engine sees " + gpus
          + " GPU(s)" + (gpus == 0 ? " (this is the CPU build of Paddle Inference, or no CUDA device is visible;"
              + " build with -Pgpu and run where a GPU is)" : "")
          + "; set explainer.devices=cpu to run on the CPU");
    }
  }
}
