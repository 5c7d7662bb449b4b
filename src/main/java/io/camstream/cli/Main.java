package io.camstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code camstream <command>}. Each subcommand is its own class. */
@Command(
    name = "camstream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Kafka streaming explanation worker: exact Grad-CAM on PaddlePaddle inference models.",
    subcommands = {
        CommandLine.HelpCommand.class,
        ExplainCommand.class,
        LayersCommand.class,
        BenchCommand.class,
        CompareCommand.class,
        RunCommand.class,
        ConfigCommand.class,
        ModelsCommand.class,
        ReplayCommand.class,
        DemoCommand.class,
        ReviewAccountCommand.class,
        EngineWorkerCommand.class,
        PolicyCommand.class,
        ExportCommand.class,
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    // DJL must never reach for the network (telemetry, model zoo downloads).
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    System.exit(commandLine().execute(args));
  }

  /** Built in one place so tests run commands exactly as the launcher does. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // model, spec and layer errors reach the user as one line, never as a stack trace
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("camstream " + cmd.getCommandName() + ": " + oneLine(ex));
      cmd.getErr().flush();
      return 1;
    });
    return cl;
  }

  static String oneLine(Throwable ex) {
    String m = ex instanceof io.camstream.explain.ExplainException e ? e.line()
        : ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
    return m.strip().replaceAll("\\s*\\R\\s*", " | ");
  }

  @Override
  public void run() {
    commandLine().usage(System.out);
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"camstream " + (v == null ? "dev" : v)};
    }
  }
}
