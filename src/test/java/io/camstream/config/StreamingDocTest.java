package io.camstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StreamingDocTest {

  @Test
  void docsStreamingListsEveryConfigKeyWithItsEnvironmentVariable() throws Exception {
    String doc = Files.readString(Path.of("docs/streaming.md"));
    for (String key : CamstreamConfig.configDef().names()) {
      assertThat(doc).as("docs/streaming.md lacks %s; paste `camstream config --markdown` into it", key)
          .contains("| `" + key + "` | `" + ConfigLoader.envName(key) + "` |");
    }
  }
}
