package io.camstream.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.camstream.review.ReviewQueries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** {@code /artifacts/<path>} (artifacts directory only) and {@code /images/<eventId>} (a known review's image). */
final class FileHandler implements HttpHandler {

  private final Files files;
  private final ReviewQueries queries;

  FileHandler(Files files, ReviewQueries queries) {
    this.files = files;
    this.queries = queries;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      serve(ex);
    } catch (java.nio.file.NoSuchFileException e) {
      Http.error(ex, 404, "gone: " + ex.getRequestURI().getPath());
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      ex.getResponseHeaders().set("Retry-After", "2");
      Http.error(ex, 503, "the review stores are loading, try again in a moment");
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
      Http.error(ex, 405, "method not allowed");
      return;
    }
    String path = ex.getRequestURI().getPath();
    Optional<Path> file;
    if (path.startsWith("/artifacts/")) {
      file = files.artifact(path.substring("/artifacts/".length()));
    } else if (path.startsWith("/images/")) {
      String eventId = path.substring("/images/".length());
      Optional<JsonNode> review = queries.review(eventId);
      if (review.isEmpty()) {
        Http.error(ex, 404, "no review with eventId " + eventId);
        return;
      }
      file = files.image(review.get());
      if (file.isEmpty()) {
        Http.error(ex, 404, "the image of " + eventId + " cannot be shown: heatmap-only review, no file: URI, or "
            + "outside image.file.roots");
        return;
      }
    } else {
      file = Optional.empty();
    }
    if (file.isEmpty()) {
      Http.error(ex, 404, "not found: " + path);
      return;
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(file.get());
    ex.getResponseHeaders().set("Cache-Control", "private, max-age=3600");
    Http.bytes(ex, 200, Files.sniff(bytes), bytes);
  }
}
