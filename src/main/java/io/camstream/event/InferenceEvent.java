package io.camstream.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One inference event from an inspection line (schema {@code inference-event.schema.json}). The typed fields are
 * read from the original JSON object, which is kept whole and written back as it came, unknown fields included.
 *
 * @param eventId unique id of the event (also seeds audit sampling)
 * @param lineId inspection line; the Kafka key
 * @param cameraId camera on the line
 * @param timestamp when the image was taken, ISO-8601 with offset (e.g. {@code 2026-11-28T03:00:00.123Z})
 * @param model the model that made the prediction
 * @param image where the image is and its size
 * @param prediction classification result, or null when the event has detections
 * @param detections detection results, empty for classification events
 * @param newSample the line flagged this image as a new kind of sample
 * @param attributes free attributes of the line (an empty object when absent)
 * @param json the original JSON object
 */
public record InferenceEvent(
    String eventId,
    String lineId,
    String cameraId,
    String timestamp,
    ModelRef model,
    ImageRef image,
    Prediction prediction,
    List<Detection> detections,
    boolean newSample,
    JsonNode attributes,
    @JsonIgnore ObjectNode json) {

  /**
   * Reads an event from its JSON object. Expects a document that passed the schema; anything else gets an
   * {@link IllegalArgumentException} naming the field.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static InferenceEvent of(ObjectNode json) {
    JsonNode m = need(json, "model");
    JsonNode i = need(json, "image");
    JsonNode p = json.get("prediction");
    Prediction prediction = null;
    if (p != null && !p.isNull()) {
      List<TopK> topK = new ArrayList<>();
      p.path("topK").forEach(t -> topK.add(new TopK(t.path("classIndex").asInt(), text(t, "label"),
          t.path("confidence").asDouble())));
      prediction = new Prediction(classIndex(need(p, "classIndex")), text(p, "label"), need(p, "confidence").asDouble(),
          List.copyOf(topK));
    }
    List<Detection> detections = new ArrayList<>();
    json.path("detections").forEach(d -> {
      JsonNode b = d.path("box");
      detections.add(new Detection(text(d, "label"), d.hasNonNull("classIndex") ? d.get("classIndex").asInt() : null,
          need(d, "confidence").asDouble(), b.isObject()
              ? new Box(b.path("x").asDouble(), b.path("y").asDouble(), b.path("w").asDouble(), b.path("h").asDouble())
              : null));
    });
    JsonNode attributes = json.path("attributes");
    return new InferenceEvent(
        need(json, "eventId").asText(),
        need(json, "lineId").asText(),
        text(json, "cameraId"),
        need(json, "timestamp").asText(),
        new ModelRef(need(m, "id").asText(), need(m, "version").asText()),
        new ImageRef(need(i, "uri").asText(), i.path("width").asInt(), i.path("height").asInt(), text(i, "sha256")),
        prediction,
        List.copyOf(detections),
        json.path("newSample").asBoolean(false),
        attributes.isObject() ? attributes : Json.MAPPER.createObjectNode(),
        json.deepCopy());
  }

  /** The original JSON, unknown fields included; what serialisation writes. */
  @JsonValue
  public ObjectNode toJson() {
    return json.deepCopy();
  }

  /** The timestamp as an instant. */
  public Instant instant() {
    return java.time.OffsetDateTime.parse(timestamp).toInstant();
  }

  /** The lowest confidence of the event: the prediction's, or the least confident detection's; null if none. */
  public Double lowestConfidence() {
    if (prediction != null) {
      return prediction.confidence();
    }
    return detections.stream().map(Detection::confidence).min(Double::compare).orElse(null);
  }

  /** A class index, refused (not cut to another class) when it is not a whole number from 0 to 2^31-1. */
  private static int classIndex(JsonNode n) {
    if (!n.isNumber() || !n.canConvertToInt() || n.asDouble() != Math.rint(n.asDouble()) || n.asInt() < 0) {
      throw new IllegalArgumentException("classIndex " + n + " is not a class index (0 to " + Integer.MAX_VALUE + ")");
    }
    return n.asInt();
  }

  private static JsonNode need(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException("inference event lacks '" + field + "'");
    }
    return n;
  }

  private static String text(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  /** Model identity as the line names it. */
  public record ModelRef(String id, String version) {
    /** {@code id@version}, the key model specs are also known by. */
    public String key() {
      return id + "@" + version;
    }
  }

  /** The image: URI (file:, http(s):, s3:, data:), size in pixels and optional sha256 of its bytes. */
  public record ImageRef(String uri, int width, int height, String sha256) {}

  /** Classification result as the line's model reported it. */
  public record Prediction(int classIndex, String label, double confidence, List<TopK> topK) {}

  /** One of the top-k classes. */
  public record TopK(int classIndex, String label, double confidence) {}

  /** One detection: label, optional class index, confidence and box in image pixels. */
  public record Detection(String label, Integer classIndex, double confidence, Box box) {}

  /** A box in image pixels. */
  public record Box(double x, double y, double w, double h) {}
}
