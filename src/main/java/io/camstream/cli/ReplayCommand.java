package io.camstream.cli;

import io.camstream.config.CamstreamConfig;
import io.camstream.config.ConfigLoader;
import io.camstream.explain.Explainer;
import io.camstream.topology.explainer.Explainers;
import io.camstream.topology.replay.Replayer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream replay --from T1 --to T2 [--model id@version] [--to-topic T | --to-dir D]}: re-explains the
 * recorded explain requests of a time range (the selection as it was made, with its recorded policy) and reports
 * how many heatmap hashes match the original review records, and why each mismatch differs. Exit code 0 when all
 * match, 1 when any differs, has no original or failed again.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Re-explain the recorded requests of a time range and compare heatmap hashes with the original reviews.")
public final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--from", required = true, description = "start of the range, ISO-8601 (e.g. 2026-11-28T03:00:00Z)")
  Instant from;

  @Option(names = "--to", required = true, description = "end of the range (inclusive), ISO-8601")
  Instant to;

  @Option(names = "--model", description = "only events of this model: id or id@version")
  String model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Mixin ConfigOptions configOptions;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The engine; a field so tests can run the command with another one. */
  Function<CamstreamConfig, Explainer> engine = Explainers::fromConfig;

  /** Where the replayed review records go. */
  static final class Target {
    @Option(names = "--to-topic", description = "publish replayed review records to this topic (created if missing)")
    String topic;

    @Option(names = "--to-dir", description = "write replayed review records to DIR/reviews.jsonl, artifacts to DIR/artifacts")
    Path dir;
  }

  @Override
  public Integer call() {
    CamstreamConfig config = configOptions.load();
    if (config.embeddedBroker()) {
      spec.commandLine().getErr().println("replay reads the events topic of a running broker: give --bootstrap-servers or set "
          + "bootstrap.servers (" + ConfigLoader.envName(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG) + ")");
      return 2;
    }
    try (Explainer explainer = engine.apply(config)) {
      Replayer replayer = new Replayer(config, explainer, System.err);
      Replayer.Summary s = replayer.run(new Replayer.Options(from, to, model, target.topic, target.dir));
      java.io.PrintWriter out = spec.commandLine().getOut();
      out.println(s.line());
      if (s.noOriginal() > 0 || s.failed() > 0) {
        out.printf("(%d without an original review record, %d failed again, %d of another model)%n",
            s.noOriginal(), s.failed(), s.notSelected());
      }
      if (!s.mismatches().isEmpty()) {
        out.println("mismatches by reason: " + s.reasons());
        s.mismatches().forEach(m -> out.println("mismatch " + m.eventId() + ": " + String.join(", ", m.reasons())));
      }
      out.flush();
      return s.allMatched() && s.mismatches().isEmpty() ? 0 : 1;
    }
  }
}
