package io.camstream.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.review.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which files the UI may show: artifacts only from inside the artifacts directory, original images only from the
 * configured image roots, and never for a privacy (heatmap-only) review. Symbolic links are resolved before the
 * check, so a link cannot lead outside.
 */
final class Files {

  private final Path artifactsDir;
  private final List<Path> imageRoots;

  Files(Path artifactsDir, List<Path> imageRoots) {
    this.artifactsDir = artifactsDir.toAbsolutePath().normalize();
    this.imageRoots = imageRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  /** True when the policy that selected the review kept raw pixels out ({@code privacy: heatmap-only}). */
  static boolean heatmapOnly(JsonNode review) {
    JsonNode p = review.path("selection").path("policy").path("privacy");
    return p.isTextual() && p.asText().strip().toLowerCase(Locale.ROOT).equals("heatmap-only");
  }

  /** The UI's links for a review: image, overlay, heatmap (null where there is nothing to show), heatmapOnly. */
  ObjectNode links(JsonNode review) {
    ObjectNode l = Json.MAPPER.createObjectNode();
    boolean privacy = heatmapOnly(review);
    String eventId = review.path("eventId").asText();
    boolean image = !privacy && fileUri(review.path("image").path("uri").asText(null)).isPresent();
    l.put("image", image ? "/images/" + URLEncoder.encode(eventId, StandardCharsets.UTF_8).replace("+", "%20") : null);
    l.put("overlay", privacy ? null : artifactLink(review.path("artifacts").path("overlay").asText(null)));
    l.put("heatmap", artifactLink(review.path("artifacts").path("heatmap").asText(null)));
    l.put("heatmapOnly", privacy);
    return l;
  }

  /** True when the record names a heat map or overlay in the artifacts directory that no longer exists. */
  boolean artifactsGone(JsonNode review) {
    for (String kind : new String[] {"heatmap", "overlay"}) {
      Optional<Path> p = fileUri(review.path("artifacts").path(kind).asText(null));
      if (p.isPresent() && p.get().startsWith(artifactsDir) && !java.nio.file.Files.exists(p.get())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code /artifacts/<relative path>} for a {@code file:} URI of an existing file inside the artifacts directory,
   * else null (a deleted artifact gets no link).
   */
  String artifactLink(String uri) {
    Optional<Path> p = fileUri(uri);
    if (p.isEmpty() || !p.get().startsWith(artifactsDir) || !java.nio.file.Files.exists(p.get())) {
      return null;
    }
    StringBuilder b = new StringBuilder("/artifacts");
    for (Path part : artifactsDir.relativize(p.get())) {
      b.append('/').append(URLEncoder.encode(part.toString(), StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  /** The artifact at a decoded relative path, when it is a regular file really inside the artifacts directory. */
  Optional<Path> artifact(String relative) throws IOException {
    return inside(artifactsDir.resolve(relative).normalize(), List.of(artifactsDir));
  }

  /** The original image of a review, when it may be shown. */
  Optional<Path> image(JsonNode review) throws IOException {
    if (heatmapOnly(review)) {
      return Optional.empty();
    }
    Optional<Path> p = fileUri(review.path("image").path("uri").asText(null));
    return p.isEmpty() ? Optional.empty() : inside(p.get(), imageRoots);
  }

  private static Optional<Path> inside(Path p, List<Path> roots) throws IOException {
    for (Path root : roots) {
      if (p.startsWith(root) && java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isDirectory(root)) {
        Path real = p.toRealPath();
        if (real.startsWith(root.toRealPath())) {
          return Optional.of(real);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> fileUri(String uri) {
    if (uri == null || !uri.regionMatches(true, 0, "file:", 0, 5)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(URI.create(uri)).toAbsolutePath().normalize());
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Content type from the file's first bytes; the name may lie, the bytes do not. */
  static String sniff(byte[] b) {
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "image/png";
    }
    if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
      return "image/jpeg";
    }
    if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
      return "image/webp";
    }
    if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
      return "image/bmp";
    }
    if (b.length >= 1 && (b[0] == '{' || b[0] == '[')) {
      return "application/json";
    }
    return "application/octet-stream";
  }
}
