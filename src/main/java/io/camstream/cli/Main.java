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
    return new CommandLine(new Main());
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
