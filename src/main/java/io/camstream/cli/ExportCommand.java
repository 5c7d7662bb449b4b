package io.camstream.cli;

import io.camstream.config.CamstreamConfig;
import io.camstream.review.export.DecisionReader;
import io.camstream.review.export.ExportFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream export --format label-studio|coco|paddleclas --from T1 --to T2 --out DIR}: the decided reviews
 * of a time range (by decision time), in a format annotation tools and trainers import.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write the reviews decided in a time range for Label Studio, COCO or PaddleClas.")
public final class ExportCommand implements Callable<Integer> {

  @Option(names = "--format", required = true, description = "label-studio, coco or paddleclas")
  String format;

  @Option(names = "--from", required = true, description = "decided at or after, ISO-8601")
  Instant from;

  @Option(names = "--to", required = true, description = "decided at or before, ISO-8601")
  Instant to;

  @Option(names = "--out", required = true, description = "directory to write the files into")
  Path out;

  @Mixin ConfigOptions configOptions;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ExportFormat f;
    try {
      f = ExportFormat.of(format);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    CamstreamConfig config = configOptions.load();
    if (config.embeddedBroker()) {
      spec.commandLine().getErr().println("export reads the decisions and reviews topics of a running broker: give"
          + " --bootstrap-servers or set bootstrap.servers");
      return 2;
    }
    DecisionReader.Result r = DecisionReader.read(config.kafkaClientProperties(), config.topics().decisions(),
        config.topics().reviews(), from, to);
    List<Path> files = f.export(r.reviews(), out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("exported %d decided reviews (%s) to %s%s%n", r.reviews().size(), f.id(), files,
        r.withoutReview() > 0 ? "; " + r.withoutReview() + " decisions without a review record were skipped" : "");
    o.flush();
    return 0;
  }
}
