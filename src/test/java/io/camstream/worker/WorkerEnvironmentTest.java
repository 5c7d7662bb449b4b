package io.camstream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker process for a GPU gets the deterministic engine settings in its environment (there is no GPU here, so
 * a real process that prints its environment stands in for the engine worker; the launch path is the real one).
 */
class WorkerEnvironmentTest {

  private static String environmentOf(String device) throws Exception {
    Path dir = Files.createTempDirectory("camstream-wenv");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      // the pool appends "--socket PATH": for sh -c they become $0 and $1 and are ignored
      WorkerProcess w = WorkerProcess.launch("env-" + device.replace(":", ""), device,
          List.of("/bin/sh", "-c", "echo cudnn=$FLAGS_cudnn_deterministic search=$FLAGS_cudnn_exhaustive_search"
              + " cublas=$CUBLAS_WORKSPACE_CONFIG"), dir, timer);
      assertThat(w.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      // the output pump may still be reading the last line
      for (int i = 0; i < 100 && w.tail().isEmpty(); i++) {
        Thread.sleep(50);
      }
      w.kill("test done");
      return w.tail();
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void gpuWorkersRunWithDeterministicKernels() throws Exception {
    assertThat(environmentOf("gpu:0")).isEqualTo("cudnn=1 search=0 cublas=:4096:8");
  }

  @Test
  void cpuWorkersGetNoGpuSettings() throws Exception {
    assertThat(environmentOf("cpu")).isEqualTo("cudnn= search= cublas=");
  }
}
