package io.camstream.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CAM math stays portable: no engine, broker or image library types leak into it. */
class CamBoundaryTest {

  @Test
  void camSourcesImportNoDjlKafkaOrOpenCv() throws IOException {
    Path dir = Path.of("src/main/java/io/camstream/cam");
    List<Path> sources;
    try (Stream<Path> files = Files.list(dir)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).isNotEmpty();
    for (Path source : sources) {
      assertThat(Files.readAllLines(source))
          .as(source.toString())
          .noneMatch(line -> line.matches("import\\s+(static\\s+)?(ai\\.djl|org\\.apache\\.kafka|org\\.opencv|nu\\.pattern)\\..*"));
    }
  }
}
