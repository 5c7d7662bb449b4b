package io.camstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopologyDocTest {

  @Test
  void topologyTxtMatchesTheCode() throws Exception {
    String current = TopologyDoc.render();
    if (Boolean.getBoolean("camstream.topology.write")) {
      TopologyDoc.main(new String[] {"."});
    }
    Path file = TopologyDoc.FILE;
    assertThat(file).as("topology/topology.txt is missing; regenerate it with "
        + "`mvn -B -o -q test -Dtest=TopologyDocTest -Dcamstream.topology.write=true`").exists();
    assertThat(Files.readString(file))
        .as("topology/topology.txt is stale; regenerate it with "
            + "`mvn -B -o -q test -Dtest=TopologyDocTest -Dcamstream.topology.write=true` and commit it")
        .isEqualTo(current);
    assertThat(current).contains("## role router", "Processor: select-by-policy", "Sink: dead-letter-sink");
  }
}
