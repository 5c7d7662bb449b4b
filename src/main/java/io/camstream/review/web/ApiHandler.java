package io.camstream.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.camstream.attention.AttentionKey;
import io.camstream.attention.AttentionSampler;
import io.camstream.attention.AttentionSettings;
import io.camstream.attention.AttentionSummary;
import io.camstream.attention.AttentionWindow;
import io.camstream.attention.HeatmapPng;
import io.camstream.review.DecisionService;
import io.camstream.review.Json;
import io.camstream.review.ReviewFeed;
import io.camstream.review.ReviewFilter;
import io.camstream.review.ReviewQueries;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api/}: the queue, one review, decisions, and the attention atlas (statistics and
 * mean-heatmap PNGs). See the package documentation for the routes.
 */
final class ApiHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final int DEFAULT_LIMIT = 200;
  private static final int ATLAS_PNG_SIZE = 256;

  private final ReviewQueries queries;
  private final DecisionService decisions;
  private final ReviewFeed feed;
  private final Files files;
  private final AttentionSettings attention;

  ApiHandler(ReviewQueries queries, DecisionService decisions, ReviewFeed feed, Files files,
      AttentionSettings attention) {
    this.queries = queries;
    this.decisions = decisions;
    this.feed = feed;
    this.files = files;
    this.attention = attention;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      route(ex);
    } catch (Http.Failure f) {
      Http.error(ex, f.status, f.getMessage());
    } catch (InvalidStateStoreException e) {
      ex.getResponseHeaders().set("Retry-After", "2");
      Http.error(ex, 503, "the review stores are loading, try again in a moment");
    } catch (RuntimeException e) {
      LOG.error("review API failed on {} {}", ex.getRequestMethod(), ex.getRequestURI(), e);
      Http.error(ex, 500, "internal error: " + e.getMessage());
    }
  }

  private void route(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    // split the raw path so an eventId with an encoded '/' stays one segment
    List<String> parts = new ArrayList<>();
    for (String raw : ex.getRequestURI().getRawPath().substring("/api/".length()).split("/", -1)) {
      parts.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    if (parts.get(0).equals("reviews")) {
      if (parts.size() == 1 && method.equals("GET")) {
        list(ex);
        return;
      }
      if (parts.size() == 2 && !parts.get(1).isEmpty() && method.equals("GET")) {
        one(ex, parts.get(1));
        return;
      }
      if (parts.size() == 3 && parts.get(2).equals("decision")) {
        if (!method.equals("POST")) {
          throw new Http.Failure(405, "POST a decision");
        }
        decide(ex, parts.get(1));
        return;
      }
    }
    if (parts.get(0).equals("atlas") && method.equals("GET")) {
      if (parts.size() == 1) {
        atlas(ex);
        return;
      }
      if (parts.size() == 2 && parts.get(1).equals("image")) {
        atlasImage(ex);
        return;
      }
    }
    throw new Http.Failure(404, "no such API: " + method + " " + path);
  }

  private void list(HttpExchange ex) throws IOException {
    Map<String, String> q = Http.query(ex);
    ReviewFilter f = new ReviewFilter(q.get("line"), q.get("model"), q.get("class"), q.get("reason"));
    int limit = intParam(q, "limit", DEFAULT_LIMIT);
    long version = feed.version();
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (JsonNode r : queries.open(f, limit)) {
      items.add(summary(r));
    }
    ReviewQueries.Facets facets = queries.facets();
    ObjectNode fc = body.putObject("facets");
    facets.lines().forEach(fc.putArray("lines")::add);
    facets.models().forEach(fc.putArray("models")::add);
    facets.classes().forEach(fc.putArray("classes")::add);
    facets.reasons().forEach(fc.putArray("reasons")::add);
    body.put("version", version);
    Http.json(ex, 200, body);
  }

  private ObjectNode summary(JsonNode r) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("eventId", r.path("eventId").asText());
    s.put("lineId", r.path("lineId").asText(null));
    s.put("cameraId", r.path("cameraId").asText(null));
    s.set("timestamp", r.path("timestamp").isMissingNode() ? null : r.get("timestamp"));
    ObjectNode m = s.putObject("model");
    m.put("id", r.path("model").path("id").asText(null));
    m.put("version", r.path("model").path("version").asText(null));
    s.put("label", AttentionSampler.classLabel(r));
    JsonNode conf = r.path("prediction").path("confidence");
    if (conf.isNumber()) {
      s.put("confidence", conf.asDouble());
    }
    ReviewFilter.reasons(r).forEach(s.putArray("reasons")::add);
    s.put("method", r.path("explanation").path("method").asText(null));
    s.set("links", files.links(r));
    return s;
  }

  private void one(HttpExchange ex, String eventId) throws IOException {
    Optional<JsonNode> r = queries.review(eventId);
    if (r.isEmpty()) {
      throw new Http.Failure(404, "no review with eventId " + eventId);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("review", r.get());
    body.set("decision", queries.decision(eventId).orElse(null));
    body.set("links", files.links(r.get()));
    Http.json(ex, 200, body);
  }

  private void decide(HttpExchange ex, String eventId) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    // A cross-site form cannot send JSON without a CORS preflight, which this server never grants.
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw new Http.Failure(415, "send the decision as application/json");
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    if (origin != null && !origin.equals("null") && host != null && !origin.endsWith("://" + host)) {
      throw new Http.Failure(403, "cross-origin decisions are refused");
    }
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(Http.body(ex, 16 * 1024));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Http.Failure(400, "the body is not JSON: " + e.getOriginalMessage());
    }
    DecisionService.Outcome o = decisions.decide(eventId, request);
    Http.json(ex, o.status(), o.body());
  }

  private void atlas(HttpExchange ex) throws IOException {
    Map<String, String> q = Http.query(ex);
    AttentionSettings.WindowSize size = size(q);
    int limit = intParam(q, "limit", 60);
    ReviewFilter f = new ReviewFilter(q.get("line"), q.get("model"), q.get("class"), null);
    List<KeyValue<Windowed<String>, AttentionWindow>> windows = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, AttentionWindow> it =
        queries.stores().attention(size.name()).all()) {
      while (it.hasNext()) {
        KeyValue<Windowed<String>, AttentionWindow> kv = it.next();
        AttentionKey k = AttentionKey.decode(kv.key.key());
        if (matches(f, k)) {
          windows.add(kv);
        }
      }
    }
    windows.sort(Comparator.comparing((KeyValue<Windowed<String>, AttentionWindow> kv) -> kv.key.window().start())
        .reversed().thenComparing(kv -> kv.key.key()));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("size", size.name());
    ObjectNode th = body.putObject("thresholds");
    th.put("outsideRoi", attention.outsideRoiThreshold());
    th.put("drift", attention.driftThreshold());
    th.put("minReviews", attention.minReviews());
    body.putArray("sizes");
    attention.windows().forEach(w -> ((ArrayNode) body.get("sizes")).add(w.name()));
    ArrayNode out = body.putArray("windows");
    for (KeyValue<Windowed<String>, AttentionWindow> kv : windows.subList(0, Math.min(limit, windows.size()))) {
      AttentionKey k = AttentionKey.decode(kv.key.key());
      AttentionSummary s = kv.value.summary();
      ObjectNode w = out.addObject();
      w.set("key", Json.MAPPER.valueToTree(k));
      w.put("start", Instant.ofEpochMilli(kv.key.window().start()).toString());
      w.put("end", Instant.ofEpochMilli(kv.key.window().end()).toString());
      w.put("count", s.count());
      w.putObject("centroid").put("x", s.centroid().x()).put("y", s.centroid().y());
      w.put("spread", s.spread());
      w.put("outsideShare", s.outsideShare());
      w.set("roi", Json.MAPPER.valueToTree(s.roi()));
      w.put("image", "/api/atlas/image?size=" + size.name() + "&start=" + kv.key.window().start() + "&key="
          + URLEncoder.encode(kv.key.key(), StandardCharsets.UTF_8));
    }
    Http.json(ex, 200, body);
  }

  private static boolean matches(ReviewFilter f, AttentionKey k) {
    return (blank(f.line()) || f.line().equals(k.lineId())) && (blank(f.model()) || f.model().equals(k.modelId()))
        && (blank(f.classLabel()) || f.classLabel().equals(k.classLabel()));
  }

  private void atlasImage(HttpExchange ex) throws IOException {
    Map<String, String> q = Http.query(ex);
    AttentionSettings.WindowSize size = size(q);
    String key = q.get("key");
    long start;
    try {
      start = Long.parseLong(q.getOrDefault("start", ""));
      AttentionKey.decode(key == null ? "" : key);
    } catch (IllegalArgumentException e) {
      throw new Http.Failure(400, "atlas image needs size, start (epoch ms) and key");
    }
    AttentionWindow w = queries.stores().attention(size.name()).fetch(key, start);
    if (w == null) {
      throw new Http.Failure(404, "no " + size.name() + " window at " + start + " for " + key);
    }
    ex.getResponseHeaders().set("Cache-Control", "private, max-age=60");
    Http.bytes(ex, 200, "image/png", HeatmapPng.png(w.meanGrid(), ATLAS_PNG_SIZE, ATLAS_PNG_SIZE));
  }

  private AttentionSettings.WindowSize size(Map<String, String> q) {
    String name = q.getOrDefault("size", attention.windows().get(0).name());
    Set<String> names = Set.copyOf(attention.windows().stream().map(AttentionSettings.WindowSize::name).toList());
    if (!names.contains(name)) {
      throw new Http.Failure(400, "size must be one of " + names);
    }
    return attention.window(name);
  }

  private static int intParam(Map<String, String> q, String name, int def) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 1 || n > 10_000) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new Http.Failure(400, name + " must be a number from 1 to 10000");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
