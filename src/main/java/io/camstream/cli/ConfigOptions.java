package io.camstream.cli;

import io.camstream.config.CamstreamConfig;
import io.camstream.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The config flags every command shares ({@code @Mixin ConfigOptions config;}): a config file, the bootstrap
 * servers, and {@code --set key=value} for any other key. Flags win over environment variables, which win over
 * the file.
 */
public final class ConfigOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config file (.yaml/.yml or .properties).")
  Path file;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka brokers; empty or absent starts the embedded broker.")
  String bootstrapServers;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any config key (see `camstream config`).")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The config from file, environment and these flags. */
  public CamstreamConfig load() {
    Map<String, String> flags = new LinkedHashMap<>(settings);
    if (bootstrapServers != null) {
      flags.put(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }
    return ConfigLoader.load(file, flags);
  }
}
