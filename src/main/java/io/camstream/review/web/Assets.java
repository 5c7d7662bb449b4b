package io.camstream.review.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The UI's files, read once from {@code io/camstream/review/} on the classpath. */
final class Assets {

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|css|js|svg)");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml");
  private static final Map<String, Optional<byte[]>> CACHE = new ConcurrentHashMap<>();

  private Assets() {}

  /** The file's bytes, or empty for an unknown or malformed name. */
  static Optional<byte[]> get(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return CACHE.computeIfAbsent(name, n -> {
      try (InputStream in = Assets.class.getResourceAsStream("/io/camstream/review/" + n)) {
        return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A UTF-8 text file that must exist. */
  static String text(String name) {
    return new String(get(name).orElseThrow(() -> new IllegalStateException("missing UI file " + name)),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  static String type(String name) {
    return TYPES.get(name.substring(name.lastIndexOf('.') + 1));
  }
}
