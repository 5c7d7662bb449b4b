package io.camstream.topology.explainer;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared sample images, resolved like the application resolves shared/ (property, env, ../shared). */
public final class SharedImages {

  private SharedImages() {}

  public static Path dir() {
    String shared = System.getProperty("camstream.shared");
    if (shared == null) {
      shared = System.getenv().getOrDefault("CAMSTREAM_SHARED", "../shared");
    }
    Path images = Path.of(shared).resolve("images").toAbsolutePath().normalize();
    if (!Files.isDirectory(images)) {
      throw new IllegalStateException("shared images not found at " + images
          + " (set -Dcamstream.shared or CAMSTREAM_SHARED)");
    }
    return images;
  }

  public static String uri(String name) {
    return dir().resolve(name).toUri().toString();
  }
}
