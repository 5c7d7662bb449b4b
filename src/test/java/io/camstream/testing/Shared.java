package io.camstream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test access to ../shared (models and images), with the same override rule as the product. */
public final class Shared {

  private Shared() {}

  public static Path dir() {
    String p = System.getProperty("camstream.shared", System.getenv("CAMSTREAM_SHARED"));
    Path d = p != null ? Path.of(p) : Path.of("..", "shared");
    if (!Files.isDirectory(d)) {
      throw new IllegalStateException("shared folder not found at " + d.toAbsolutePath()
          + " (set -Dcamstream.shared or CAMSTREAM_SHARED)");
    }
    return d.toAbsolutePath().normalize();
  }

  public static Path image(String name) {
    return dir().resolve("images").resolve(name);
  }

  public static byte[] imageBytes(String name) {
    try {
      return Files.readAllBytes(image(name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The project's shipped model specs. */
  public static Path spec(String id) {
    return Path.of("models", id + ".yaml").toAbsolutePath();
  }
}
