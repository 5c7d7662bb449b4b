package io.camstream.render;

import java.nio.file.Path;

/** Where the shared test assets live: {@code ../shared} unless overridden by property or environment. */
final class SharedTestDir {

  private SharedTestDir() {}

  static Path get() {
    return Path.of(System.getProperty("camstream.shared", System.getenv().getOrDefault("CAMSTREAM_SHARED", "../shared")));
  }

  static Path image(String name) {
    return get().resolve("images").resolve(name);
  }
}
