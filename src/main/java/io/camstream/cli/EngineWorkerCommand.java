package io.camstream.cli;

import io.camstream.config.CamstreamConfig;
import io.camstream.engine.NativeFault;
import io.camstream.topology.explainer.Explainers;
import io.camstream.worker.EngineWorker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code camstream engine-worker}: one engine worker process, started and supervised by the explainer role (not
 * meant to be run by hand). It hosts the engine on one device and answers batches on the role's socket.
 */
@Command(name = "engine-worker", mixinStandardHelpOptions = true,
    description = "Engine worker process (started by the explainer role): explains batches sent on a Unix socket.")
public final class EngineWorkerCommand implements Callable<Integer> {

  @Option(names = "--socket", required = true, paramLabel = "PATH", description = "The role's Unix socket.")
  Path socket;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu:N.")
  String device;

  @Option(names = "--threads", defaultValue = "1", description = "Engine math threads.")
  int threads;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    CamstreamConfig config = configOptions.load();
    return EngineWorker.run(socket, device, () -> Explainers.forWorker(config, device, threads),
        NativeFault::feedRejectedTensor);
  }
}
