package io.camstream.review.web;

import java.util.List;
import java.util.Optional;

/** The pages ({@code /}, {@code /review/<eventId>}, {@code /atlas}) and their scripts and styles under {@code /static/}. */
final class PageHandler {

  private PageHandler() {}

  static void page(Exchange ex, String file) {
    asset(ex, file);
  }

  static void staticFile(Exchange ex) {
    List<String> s = ex.segments;
    asset(ex, s.size() == 2 ? s.get(1) : "");
  }

  private static void asset(Exchange ex, String file) {
    Optional<byte[]> bytes = Assets.get(file);
    if (bytes.isEmpty()) {
      Http.error(ex, 404, "not found");
      return;
    }
    ex.setHeader("Cache-Control", "no-cache");
    Http.bytes(ex, 200, Assets.type(file), bytes.get());
  }
}
