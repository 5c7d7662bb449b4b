package io.camstream.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * The JSON API under {@code /api/}: the queue, one review, decisions, and the attention atlas (statistics and
 * mean-heatmap PNGs). See the package documentation for the routes.
 */
final class ApiHandler {

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

  void list(Exchange ex) {
    Map<String, String> q = Http.query(ex);
    ReviewFilter f = new ReviewFilter(q.get("line"), q.get("model"), q.get("class"), q.get("reason"));
    int limit = intParam(q, "limit", DEFAULT_LIMIT);
    String cursor = q.get("cursor");
    if (cursor != null && (cursor.length() > 600 || !cursor.matches("\\d{15}/.*"))) {
      throw new Http.Failure(400, "cursor must be a nextCursor from an earlier page");
    }
    long version = feed.version();
    ReviewQueries.Page page = queries.page(f, limit, cursor);
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (JsonNode r : page.items()) {
      items.add(summary(r));
    }
    body.put("nextCursor", page.nextCursor());
    body.put("open", queries.openCount());
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

  void one(Exchange ex) {
    one(ex, ex.segments.get(2));
  }

  private void one(Exchange ex, String eventId) {
    Optional<JsonNode> r = queries.review(eventId);
    if (r.isEmpty()) {
      throw new Http.Failure(404, "no review with eventId " + eventId);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("review", r.get());
    Optional<JsonNode> decision = queries.decision(eventId);
    body.set("decision", decision.orElse(null));
    ObjectNode links = files.links(r.get());
    body.set("links", links);
    // decided; open; or out of the queue because its pictures passed artifact retention (or were deleted)
    boolean gone = files.artifactsGone(r.get());
    body.put("state", decision.isPresent() ? "decided" : gone || !queries.isOpen(r.get()) ? "artifacts-expired"
        : "open");
    Http.json(ex, 200, body);
  }

  void decide(Exchange ex) {
    decide(ex, ex.segments.get(2));
  }

  private void decide(Exchange ex, String eventId) {
    String type = ex.header("Content-Type");
    // A cross-site form cannot send JSON without a CORS preflight, which this server never grants.
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw new Http.Failure(415, "send the decision as application/json");
    }
    String origin = ex.header("Origin");
    String host = ex.header("Host");
    if (origin != null && !origin.equals("null") && host != null && !origin.endsWith("://" + host)) {
      throw new Http.Failure(403, "cross-origin decisions are refused");
    }
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(ex.body);
    } catch (IOException e) {
      throw new Http.Failure(400, "the body is not JSON");
    }
    DecisionService.Outcome o = decisions.decide(eventId, request, ex.identity);
    Http.json(ex, o.status(), o.body());
  }

  /** Who the server takes the caller for: the name decisions will carry. */
  void whoami(Exchange ex) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("name", ex.identity.name());
    body.put("role", ex.identity.role().id());
    body.put("source", ex.identity.source());
    Http.json(ex, 200, body);
  }

  /** Admins only: the latest decisions (who decided what, when), newest first; the stored audit trail. */
  void audit(Exchange ex) {
    if (!ex.identity.admin()) {
      throw new Http.Failure(403, "the audit trail is for admins");
    }
    int limit = intParam(Http.query(ex), "limit", DEFAULT_LIMIT);
    List<JsonNode> all = new ArrayList<>();
    try (KeyValueIterator<String, String> it = queries.stores().decisions().all()) {
      it.forEachRemaining(kv -> Json.object(kv.value).ifPresent(all::add));
    }
    all.sort(Comparator.comparing((JsonNode d) -> d.path("decidedAt").asText()).reversed());
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    all.stream().limit(limit).forEach(items::add);
    body.put("total", all.size());
    Http.json(ex, 200, body);
  }

  void atlas(Exchange ex) {
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

  void atlasImage(Exchange ex) {
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
    ex.setHeader("Cache-Control", "private, max-age=60");
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
