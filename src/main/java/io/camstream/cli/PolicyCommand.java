package io.camstream.cli;

import io.camstream.config.CamstreamConfig;
import io.camstream.config.ConfigLoader;
import io.camstream.policy.PolicyKeys;
import io.camstream.topology.router.PolicyTopic;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code camstream policy set|get|list|rm}: live policy overrides on the compacted policies topic. {@code set}
 * checks the scope key and the value against {@code policy.schema.json} before anything is produced, so an invalid
 * override never reaches the topic from here; {@code get} and {@code list} show what the router has in force (the
 * last valid value per scope). Exit code 0 on success, 2 for a bad scope or value or no broker, 1 when {@code get}
 * finds no override.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Live policy overrides on the policies topic: set (validated), get, list, rm.",
    subcommands = {PolicyCommand.Set.class, PolicyCommand.Get.class, PolicyCommand.ListAll.class,
        PolicyCommand.Remove.class})
public final class PolicyCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The config, or null (after saying why) when it names no broker to talk to. */
  static CamstreamConfig broker(ConfigOptions options, PrintWriter err) {
    CamstreamConfig config = options.load();
    if (config.embeddedBroker()) {
      err.println("policy talks to a running broker: give --bootstrap-servers or set bootstrap.servers ("
          + ConfigLoader.envName(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG) + ")");
      return null;
    }
    return config;
  }

  /** The broker config for a command on {@code scope}; null, having said why, when either is bad. */
  static CamstreamConfig brokerFor(String scope, ConfigOptions options, PrintWriter err) {
    return badScope(scope, err) ? null : broker(options, err);
  }

  static boolean badScope(String scope, PrintWriter err) {
    if (PolicyKeys.valid(scope)) {
      return false;
    }
    err.println("bad scope '" + scope + "': use model:<id>, line:<lineId> or line:<lineId>|model:<id>");
    return true;
  }

  /** {@code policy set SCOPE JSON}. */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Validate a partial policy against policy.schema.json, then make it the scope's live override.")
  static final class Set implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCOPE", description = "model:<id>, line:<lineId> or line:<lineId>|model:<id>")
    String scope;

    @Parameters(index = "1", paramLabel = "JSON", description = "partial policy, e.g. '{\"confidenceBelow\": 0.3}'")
    String json;

    @Mixin ConfigOptions configOptions;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      if (badScope(scope, err)) {
        return 2;
      }
      String problem = PolicyTopic.problem(json);
      if (problem != null) {
        err.println(problem + " (nothing was written)");
        return 2;
      }
      CamstreamConfig config = broker(configOptions, err);
      if (config == null) {
        return 2;
      }
      PolicyTopic.write(config, scope, json);
      spec.commandLine().getOut().println("set " + scope + " " + json);
      return 0;
    }
  }

  /** {@code policy get SCOPE}. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the override in force for a scope.")
  static final class Get implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCOPE") String scope;

    @Mixin ConfigOptions configOptions;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      CamstreamConfig config = brokerFor(scope, configOptions, err);
      if (config == null) {
        return 2;
      }
      PolicyTopic.State state = PolicyTopic.read(config);
      String value = state.inForce().get(scope);
      if (state.invalidLatest().containsKey(scope)) {
        err.println("note: the latest record of " + scope + " is invalid and ignored: "
            + state.invalidLatest().get(scope));
      }
      if (value == null) {
        err.println("no override for " + scope);
        return 1;
      }
      spec.commandLine().getOut().println(value);
      return 0;
    }
  }

  /** {@code policy list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every override in force, one per line.")
  static final class ListAll implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      CamstreamConfig config = broker(configOptions, spec.commandLine().getErr());
      if (config == null) {
        return 2;
      }
      PolicyTopic.State state = PolicyTopic.read(config);
      PrintWriter out = spec.commandLine().getOut();
      for (Map.Entry<String, String> e : state.inForce().entrySet()) {
        out.println(e.getKey() + " " + e.getValue());
      }
      state.invalidLatest().forEach((k, why) -> spec.commandLine().getErr()
          .println("note: the latest record of " + k + " is invalid and ignored: " + why));
      out.flush();
      return 0;
    }
  }

  /** {@code policy rm SCOPE}: the documented way to remove an override (a tombstone). */
  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = "Remove a scope's override (writes a tombstone; the file policy applies again).")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCOPE") String scope;

    @Mixin ConfigOptions configOptions;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      CamstreamConfig config = brokerFor(scope, configOptions, err);
      if (config == null) {
        return 2;
      }
      PolicyTopic.write(config, scope, null);
      spec.commandLine().getOut().println("removed " + scope);
      return 0;
    }
  }
}
