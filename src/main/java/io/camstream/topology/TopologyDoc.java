package io.camstream.topology;

import io.camstream.config.CamstreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.Topology;

/**
 * Renders {@code topology/topology.txt}: the Kafka Streams {@code TopologyDescription} of every role in
 * {@link Roles}, under the default config. A test compares the file with this rendering; {@link #main} rewrites it.
 */
public final class TopologyDoc {

  /** Where the file lives, relative to the project root. */
  public static final Path FILE = Path.of("topology", "topology.txt");

  private TopologyDoc() {}

  /** The text of topology.txt for the current code. */
  public static String render() {
    CamstreamConfig config = CamstreamConfig.defaults();
    StringBuilder out = new StringBuilder();
    out.append("# Kafka Streams topologies of camstream's roles, under the default config.\n")
        .append("# Generated from the code; do not edit. Regenerate with:\n")
        .append("#   mvn -B -o -q test -Dtest=TopologyDocTest -Dcamstream.topology.write=true\n");
    for (Map.Entry<String, Role> e : Roles.all().entrySet()) {
      Topology t = e.getValue().topology(config);
      if (t != null) {
        out.append("\n## role ").append(e.getKey()).append("\n\n")
            .append(t.describe().toString().stripTrailing()).append('\n');
      }
    }
    return out.toString();
  }

  /** Writes topology.txt under the given project root (default: the working directory). */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    Path file = root.resolve(FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, render());
    System.out.println("wrote " + file);
  }
}
