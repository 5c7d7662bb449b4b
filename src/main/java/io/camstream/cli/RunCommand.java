package io.camstream.cli;

import io.camstream.config.CamstreamConfig;
import io.camstream.topology.Role;
import io.camstream.topology.Roles;
import io.camstream.topology.Runner;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream run --role R}: starts the embedded broker unless bootstrap servers are configured, creates the
 * topics, starts the roles and the metrics/health endpoints, and runs until SIGTERM/SIGINT.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run camstream roles until stopped (SIGTERM / Ctrl-C).")
public final class RunCommand implements Callable<Integer> {

  @Option(names = {"-r", "--role"}, paramLabel = "ROLE", defaultValue = "all",
      description = "Role(s) to run: a name, a comma list, or all (default). Known: ${COMPLETION-CANDIDATES}",
      completionCandidates = RoleNames.class)
  String role;

  @Mixin ConfigOptions configOptions;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CamstreamConfig config;
    List<Role> roles;
    try {
      config = configOptions.load();
      roles = Runner.select(role);
    } catch (ConfigException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("camstream run: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runner runner = Runner.start(config, roles);
    Thread hook = new Thread(() -> {
      runner.close();
      stopped.countDown();
    }, "camstream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    spec.commandLine().getOut().printf("camstream running %s on %s%s; stop with Ctrl-C%n",
        roles.stream().map(Role::name).toList(), runner.config().bootstrapServers(),
        runner.ops() == null ? "" : ", metrics on :" + runner.ops().port());
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  /** Role names for the help text. */
  static final class RoleNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      List<String> names = new java.util.ArrayList<>(Roles.all().keySet());
      names.add("all");
      return names.iterator();
    }
  }
}
