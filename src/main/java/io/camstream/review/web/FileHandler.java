package io.camstream.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.review.ReviewQueries;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** {@code /artifacts/<path>} (artifacts directory only) and {@code /images/<eventId>} (a known review's image). */
final class FileHandler {

  private final Files files;
  private final ReviewQueries queries;

  FileHandler(Files files, ReviewQueries queries) {
    this.files = files;
    this.queries = queries;
  }

  void artifact(Exchange ex) throws IOException {
    String relative = String.join("/", ex.segments.subList(1, ex.segments.size()));
    send(ex, files.artifact(relative));
  }

  void image(Exchange ex) throws IOException {
    String eventId = ex.segments.get(1);
    Optional<JsonNode> review = queries.review(eventId);
    if (review.isEmpty()) {
      throw new Http.Failure(404, "no review with eventId " + eventId);
    }
    Optional<Path> file = files.image(review.get());
    if (file.isEmpty()) {
      throw new Http.Failure(404, "the image of " + eventId + " cannot be shown: heatmap-only review, no file: URI,"
          + " outside image.file.roots, or gone");
    }
    send(ex, file);
  }

  private static void send(Exchange ex, Optional<Path> file) throws IOException {
    if (file.isEmpty()) {
      throw new Http.Failure(404, "not found");
    }
    byte[] bytes;
    try {
      bytes = java.nio.file.Files.readAllBytes(file.get());
    } catch (NoSuchFileException e) {
      throw new Http.Failure(404, "gone");
    }
    ex.setHeader("Cache-Control", "private, max-age=3600");
    Http.bytes(ex, 200, Files.sniff(bytes), bytes);
  }
}
