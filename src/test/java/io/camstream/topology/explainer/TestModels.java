package io.camstream.topology.explainer;

import java.nio.file.Files;
import java.nio.file.Path;

/** The models directory for streaming tests: the project's own {@code models/}, the specs the real engine loads. */
public final class TestModels {

  private TestModels() {}

  public static Path dir() {
    Path project = Path.of("models").toAbsolutePath();
    if (!Files.isRegularFile(project.resolve("ocr-textline-cls.yaml"))) {
      throw new IllegalStateException("run the tests from the project root: " + project + " has no model specs");
    }
    return project;
  }
}
