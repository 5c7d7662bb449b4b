package io.camstream.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds a {@link CamstreamConfig} from its layers, later ones winning: defaults, a config file, environment
 * variables, command-line flags.
 *
 * <p>The file is YAML ({@code .yaml}/{@code .yml}; nested maps join their keys with dots, lists become comma
 * lists) or Java properties (any other name). A key's environment variable is {@code CAMSTREAM_} plus the key in
 * upper case with dots as underscores ({@code topic.events} → {@code CAMSTREAM_TOPIC_EVENTS}); passthrough keys are
 * read back the other way ({@code CAMSTREAM_STREAMS_NUM_STREAM_THREADS} → {@code streams.num.stream.threads}).
 */
public final class ConfigLoader {

  private static final String ENV_PREFIX = "CAMSTREAM_";

  private ConfigLoader() {}

  /** Loads with the process environment. */
  public static CamstreamConfig load(Path file, Map<String, String> flags) {
    return load(file, System.getenv(), flags);
  }

  /**
   * Loads every layer.
   *
   * @param file config file or null
   * @param env environment variables (only {@code CAMSTREAM_*} ones that name a key are read)
   * @param flags command-line key/value settings, the last word
   */
  public static CamstreamConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, Object> props = new LinkedHashMap<>();
    if (file != null) {
      props.putAll(readFile(file));
    }
    props.putAll(fromEnv(env));
    props.putAll(flags);
    return new CamstreamConfig(props);
  }

  /** The environment variable that sets a key. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The settings a set of environment variables makes. */
  public static Map<String, String> fromEnv(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : CamstreamConfig.configDef().names()) {
      String v = env.get(envName(key));
      if (v != null) {
        out.put(key, v);
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      for (String prefix : List.of(CamstreamConfig.STREAMS_PREFIX, CamstreamConfig.KAFKA_PREFIX)) {
        String envPrefix = envName(prefix);
        if (e.getKey().startsWith(envPrefix) && e.getKey().length() > envPrefix.length()) {
          String rest = e.getKey().substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
          out.put(prefix + rest, e.getValue());
        }
      }
    }
    return out;
  }

  /** Reads a YAML or properties file into flat key/value pairs. */
  public static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Map<String, String> out = new LinkedHashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
          if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must be a YAML mapping of keys to values");
          }
          flatten("", root, out);
        }
        return out;
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
      Map<String, String> out = new LinkedHashMap<>();
      p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
      return out;
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(n -> items.add(n.asText()));
      out.put(prefix, String.join(",", items));
    } else {
      out.put(prefix, node.isNull() ? "" : node.asText());
    }
  }
}
