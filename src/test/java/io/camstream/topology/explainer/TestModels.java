package io.camstream.topology.explainer;

import io.camstream.kafka.KafkaFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models directory for streaming tests: the project's {@code models/} when it holds the specs of
 * {@code ocr-textline-cls} 2.0 and {@code ocr-db-det} 3.0, otherwise a temp folder with just their ids and versions
 * (all the router reads; the test double engine needs nothing more).
 */
public final class TestModels {

  private TestModels() {}

  public static Path dir() {
    Path project = Path.of("models");
    if (Files.isDirectory(project) && io.camstream.topology.router.ModelCatalog.scan(project).keys()
        .containsAll(java.util.List.of("ocr-textline-cls@2.0", "ocr-db-det@3.0"))) {
      return project.toAbsolutePath();
    }
    try {
      Path dir = KafkaFixture.tempDir("camstream-models-");
      Files.writeString(dir.resolve("ocr-textline-cls.yaml"), "id: ocr-textline-cls\nversion: \"2.0\"\n");
      Files.writeString(dir.resolve("ocr-db-det.yaml"), "id: ocr-db-det\nversion: \"3.0\"\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
