package io.camstream.cli;

import io.camstream.config.CamstreamConfig;
import io.camstream.config.ConfigLoader;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code camstream config}: the table of config keys, or ({@code --effective}) the values in force. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "List every config key with its default, environment variable and meaning.")
public final class ConfigCommand implements Callable<Integer> {

  @Option(names = "--markdown", description = "Print a Markdown table (for docs).")
  boolean markdown;

  @Option(names = "--effective", description = "Print the values in force after file, environment and flags.")
  boolean effective;

  @Mixin ConfigOptions configOptions;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<ConfigDef.ConfigKey> keys = CamstreamConfig.keys();
    if (effective) {
      CamstreamConfig c;
      try {
        c = configOptions.load();
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("camstream config: " + e.getMessage());
        return 2;
      }
      c.values().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> out.println(e.getKey() + " = " + e.getValue()));
      c.originals().entrySet().stream().filter(e -> e.getKey().startsWith(CamstreamConfig.STREAMS_PREFIX)
              || e.getKey().startsWith(CamstreamConfig.KAFKA_PREFIX))
          .forEach(e -> out.println(e.getKey() + " = " + e.getValue()));
      return 0;
    }
    if (markdown) {
      out.println("| key | env | type | default | valid | importance | meaning |");
      out.println("|---|---|---|---|---|---|---|");
      for (ConfigDef.ConfigKey k : keys) {
        out.printf("| `%s` | `%s` | %s | %s | %s | %s | %s |%n", k.name, ConfigLoader.envName(k.name),
            k.type.name().toLowerCase(), shown(k), k.validator == null ? "" : k.validator.toString().replace("|", "\\|"),
            k.importance.name().toLowerCase(), k.documentation.replace("|", "\\|"));
      }
      out.println("| `streams.*` | `CAMSTREAM_STREAMS_*` | | | | low | Passed to Kafka Streams as is. |");
      out.println("| `kafka.*` | `CAMSTREAM_KAFKA_*` | | | | low | Passed to every Kafka client as is. |");
    } else {
      for (ConfigDef.ConfigKey k : keys) {
        out.printf("%s  (env %s, %s, default %s)%n    %s%n", k.name, ConfigLoader.envName(k.name),
            k.type.name().toLowerCase(), shown(k), k.documentation);
      }
      out.println("streams.*  (env CAMSTREAM_STREAMS_*)\n    Passed to Kafka Streams as is.");
      out.println("kafka.*  (env CAMSTREAM_KAFKA_*)\n    Passed to every Kafka client as is.");
    }
    return 0;
  }

  private static String shown(ConfigDef.ConfigKey k) {
    if (k.type == ConfigDef.Type.PASSWORD) {
      return "(empty)";
    }
    Object d = k.defaultValue;
    String s = d instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(d);
    return s.isEmpty() ? "(empty)" : s;
  }
}
