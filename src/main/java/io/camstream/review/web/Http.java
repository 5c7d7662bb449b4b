package io.camstream.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.camstream.review.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Small helpers for the JDK HTTP server: responses with safe headers, query strings, bounded bodies. */
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

  static void securityHeaders(Headers h) {
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("X-Frame-Options", "DENY");
    if (!h.containsKey("Content-Security-Policy")) {
      h.set("Content-Security-Policy", CSP);
    }
  }

  static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    bytes(ex, status, "application/json; charset=utf-8", body.toString().getBytes(StandardCharsets.UTF_8));
  }

  static void error(HttpExchange ex, int status, String message) throws IOException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("error", message);
    json(ex, status, body);
  }

  static void html(HttpExchange ex, int status, String page) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    bytes(ex, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  static void bytes(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", contentType);
    securityHeaders(h);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    securityHeaders(ex.getResponseHeaders());
    ex.sendResponseHeaders(303, -1);
    ex.close();
  }

  /** Decoded query parameters; the last value of a repeated name wins. */
  static Map<String, String> query(HttpExchange ex) {
    return form(ex.getRequestURI().getRawQuery());
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

  /** The request body, refusing more than {@code max} bytes with 413. */
  static byte[] body(HttpExchange ex, int max) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (InputStream in = ex.getRequestBody()) {
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (buf.size() + n > max) {
          throw new Failure(413, "request body larger than " + max + " bytes");
        }
        buf.write(chunk, 0, n);
      }
    }
    return buf.toByteArray();
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
