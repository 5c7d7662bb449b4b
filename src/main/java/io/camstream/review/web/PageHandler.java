package io.camstream.review.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Optional;

/** The pages ({@code /}, {@code /review/<eventId>}, {@code /atlas}) and their scripts and styles under {@code /static/}. */
final class PageHandler implements HttpHandler {

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
      Http.error(ex, 405, "method not allowed");
      return;
    }
    String path = ex.getRequestURI().getPath();
    String file;
    if (path.equals("/")) {
      file = "queue.html";
    } else if (path.startsWith("/review/") && path.length() > "/review/".length()) {
      file = "review.html";
    } else if (path.equals("/atlas")) {
      file = "atlas.html";
    } else if (path.startsWith("/static/")) {
      file = path.substring("/static/".length());
    } else {
      Http.error(ex, 404, "not found: " + path);
      return;
    }
    Optional<byte[]> bytes = Assets.get(file);
    if (bytes.isEmpty()) {
      Http.error(ex, 404, "not found: " + path);
      return;
    }
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    Http.bytes(ex, 200, Assets.type(file), bytes.get());
  }
}
