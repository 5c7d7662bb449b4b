package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.attention.AttentionSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The index of open reviews: key {@code <event time ms, 15 digits>/<eventId>}, so time order is key order and the
 * newest page is a reverse range scan; value a small summary (the fields the queue shows, filters on and links
 * from, without the heat grid and regions). Entries are deleted when the decision arrives. Facet counts (lines,
 * models, classes, reasons of open reviews, and the total) are kept beside it so the queue's filter lists never
 * need a scan.
 */
public final class OpenIndex {

  /** Facet key of the total number of open reviews. */
  public static final String TOTAL = "total";
  private static final char SEP = '\u001f';

  private OpenIndex() {}

  /** The index key of a review: event time (0 when unknown), then eventId. */
  public static String key(JsonNode review) {
    long t = Math.max(0, AttentionSampler.eventTime(review).orElse(0L));
    return String.format("%015d/%s", t, review.path("eventId").asText());
  }

  /** The eventId of an index key. */
  public static String eventId(String key) {
    return key.substring(16);
  }

  /** The fields of a review the queue needs, in the review record's own shape. */
  public static ObjectNode summary(JsonNode r) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    for (String f : List.of("eventId", "lineId", "cameraId", "timestamp", "model", "prediction", "image",
        "artifacts")) {
      if (r.has(f)) {
        s.set(f, r.get(f));
      }
    }
    if (s.path("image").isObject()) {
      s.set("image", Json.MAPPER.createObjectNode().set("uri", r.path("image").path("uri")));
    }
    ObjectNode e = s.putObject("explanation");
    e.set("method", r.path("explanation").path("method"));
    e.set("targetClass", r.path("explanation").path("targetClass"));
    e.set("modelPrediction", r.path("explanation").path("modelPrediction"));
    ObjectNode sel = s.putObject("selection");
    sel.set("reasons", r.path("selection").path("reasons"));
    sel.putObject("policy").set("privacy", r.path("selection").path("policy").path("privacy"));
    return s;
  }

  /** Adds an open review (its summary and its facet counts). */
  static void add(KeyValueStore<String, String> index, KeyValueStore<String, String> facets, JsonNode review) {
    index.put(key(review), summary(review).toString());
    facets(review).forEach(f -> bump(facets, f, 1));
  }

  /** Removes a review that was open (decided or expired); nothing when it was not in the index. */
  static boolean remove(KeyValueStore<String, String> index, KeyValueStore<String, String> facets,
      JsonNode review) {
    if (index.delete(key(review)) == null) {
      return false;
    }
    facets(review).forEach(f -> bump(facets, f, -1));
    return true;
  }

  /** The facet keys of a review: kind, separator, value; and the total. */
  static List<String> facets(JsonNode r) {
    List<String> out = new ArrayList<>();
    out.add(TOTAL);
    Optional.ofNullable(r.path("lineId").asText(null)).filter(s -> !s.isEmpty()).ifPresent(v -> out.add("line" + SEP + v));
    Optional.ofNullable(r.path("model").path("id").asText(null)).filter(s -> !s.isEmpty())
        .ifPresent(v -> out.add("model" + SEP + v));
    out.add("class" + SEP + AttentionSampler.classLabel(r));
    ReviewFilter.reasons(r).stream().distinct().forEach(v -> out.add("reason" + SEP + v));
    return out;
  }

  /** Splits a facet key into kind and value; empty for the total. */
  public static Optional<String[]> facet(String key) {
    int i = key.indexOf(SEP);
    return i < 0 ? Optional.empty() : Optional.of(new String[] {key.substring(0, i), key.substring(i + 1)});
  }

  private static void bump(KeyValueStore<String, String> facets, String key, long by) {
    String v = facets.get(key);
    long n = (v == null ? 0 : Long.parseLong(v)) + by;
    if (n <= 0) {
      facets.delete(key);
    } else {
      facets.put(key, Long.toString(n));
    }
  }
}
