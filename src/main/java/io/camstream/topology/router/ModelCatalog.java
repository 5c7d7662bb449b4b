package io.camstream.topology.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models camstream serves, as {@code id@version}: the top-level {@code id} and {@code version} of every model
 * spec YAML ({@code *.yaml}, {@code *.yml}) in the models directory and its subdirectories (two levels). Other
 * fields of a spec are the engine's business and are ignored here; a YAML without both fields is skipped with a
 * warning.
 */
public final class ModelCatalog {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

  private final Set<String> keys;
  /** Number of labels of each classifier spec that lists them ({@code labels}), by {@code id@version}. */
  private final Map<String, Integer> labelCounts;

  /** A catalog of the given {@code id@version} keys. */
  public ModelCatalog(Collection<String> keys) {
    this(keys, Map.of());
  }

  /** A catalog of the given keys, with the label counts of those whose specs list labels. */
  public ModelCatalog(Collection<String> keys, Map<String, Integer> labelCounts) {
    this.keys = Set.copyOf(keys);
    this.labelCounts = Map.copyOf(labelCounts);
  }

  /** Scans a models directory; a missing directory gives an empty catalog (and a warning). */
  public static ModelCatalog scan(Path dir) {
    if (!Files.isDirectory(dir)) {
      LOG.warn("models directory {} does not exist: no model is known, every event is dead-lettered as "
          + "UNKNOWN_MODEL", dir.toAbsolutePath());
      return new ModelCatalog(List.of());
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Set<String> keys = new TreeSet<>();
    Map<String, Integer> labels = new HashMap<>();
    try (Stream<Path> files = Files.walk(dir, 3)) {
      for (Path f : files.filter(Files::isRegularFile).filter(ModelCatalog::isYaml).toList()) {
        try {
          JsonNode spec = yaml.readTree(f.toFile());
          String id = spec == null ? null : text(spec, "id");
          String version = spec == null ? null : text(spec, "version");
          if (id == null || version == null) {
            LOG.warn("model spec {} has no top-level id and version; skipped", f);
          } else {
            keys.add(id + "@" + version);
            if (spec.path("labels").isArray()) {
              labels.put(id + "@" + version, spec.path("labels").size());
            }
          }
        } catch (IOException e) {
          LOG.warn("model spec {} is not readable YAML ({}); skipped", f, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan models directory " + dir, e);
    }
    LOG.info("models known to the router: {}", keys);
    return new ModelCatalog(keys, labels);
  }

  /** How many classes the model's spec lists, or empty when it lists none. */
  public java.util.OptionalInt labelCount(String id, String version) {
    Integer n = labelCounts.get(id + "@" + version);
    return n == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(n);
  }

  /** True when a spec declares exactly this id and version. */
  public boolean knows(String id, String version) {
    return keys.contains(id + "@" + version);
  }

  /** Every {@code id@version}, sorted. */
  public Set<String> keys() {
    return new TreeSet<>(keys);
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  private static String text(JsonNode spec, String field) {
    JsonNode n = spec.get(field);
    return n == null || n.isNull() || !n.isValueNode() || n.asText().isBlank() ? null : n.asText();
  }
}
