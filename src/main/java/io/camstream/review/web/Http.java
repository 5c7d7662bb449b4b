package io.camstream.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.review.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Small helpers for the handlers: responses with safe headers, query strings, form bodies. */
final class Http {

  /** Pages and scripts come only from this server; images may also be canvas-made. */
  static final String CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
      + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

  private Http() {}

  /** Thrown by handlers for a clean error response. */
  static final class Failure extends RuntimeException {
    final int status;

    Failure(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  static void securityHeaders(Exchange ex) {
    ex.setHeader("X-Content-Type-Options", "nosniff");
    ex.setHeader("Referrer-Policy", "no-referrer");
    ex.setHeader("X-Frame-Options", "DENY");
    if (!ex.hasHeader("Content-Security-Policy")) {
      ex.setHeader("Content-Security-Policy", CSP);
    }
    if (ex.secure()) {
      ex.setHeader("Strict-Transport-Security", "max-age=31536000");
    }
  }

  static void json(Exchange ex, int status, JsonNode body) {
    ex.setHeader("Cache-Control", "no-store");
    bytes(ex, status, "application/json; charset=utf-8", body.toString().getBytes(StandardCharsets.UTF_8));
  }

  static void error(Exchange ex, int status, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("error", message);
    json(ex, status, body);
  }

  static void html(Exchange ex, int status, String page) {
    ex.setHeader("Cache-Control", "no-store");
    bytes(ex, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  static void bytes(Exchange ex, int status, String type, byte[] body) {
    securityHeaders(ex);
    ex.send(status, type, body);
  }

  /** 303 to a location the caller has already checked ({@link LoginHandler#safeNext}). */
  static void redirect(Exchange ex, String location) {
    ex.setHeader("Location", location);
    securityHeaders(ex);
    ex.send(303, null, new byte[0]);
  }

  /** Decoded query parameters; the last value of a repeated name wins. */
  static Map<String, String> query(Exchange ex) {
    return form(ex.rawQuery());
  }

  /** Decoded {@code application/x-www-form-urlencoded} pairs. */
  static Map<String, String> form(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new Failure(400, "malformed query or form encoding");
      }
    }
    return out;
  }

  /** Escapes text for HTML element content and attribute values. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
