package io.camstream.explain;

/**
 * A request that killed an engine worker twice while alone in its batch. It carries the worker's last output
 * lines (a native abort's message is there), which the dead letter keeps in the {@link #HEADER} header.
 */
public final class EngineCrashedException extends ExplainException {

  /** Dead-letter header with the dead worker's last output lines. */
  public static final String HEADER = "camstream.dlq.worker.stderr";

  private final String workerOutput;

  public EngineCrashedException(String message, String workerOutput) {
    super(Reason.ENGINE_CRASHED, message);
    this.workerOutput = workerOutput == null ? "" : workerOutput;
  }

  /** The worker's last output lines, newline-separated. */
  public String workerOutput() {
    return workerOutput;
  }
}
