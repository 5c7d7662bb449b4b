package io.camstream.topology.explainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camstream.explain.ExplainInput;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * An explain request as the router wrote it ({@code {event, policy, reasons}}), read as a JSON tree so that every
 * field of the event, known or not, reaches the review record unchanged.
 */
final class Request {

  final JsonNode root;
  final JsonNode event;
  final JsonNode policy;
  final String eventId;
  final String modelId;
  final String modelVersion;
  final String imageUri;
  final Instant timestamp;

  private Request(JsonNode root) {
    this.root = root;
    this.event = root.path("event");
    this.policy = root.path("policy");
    this.eventId = text(event, "eventId");
    this.modelId = text(event.path("model"), "id");
    this.modelVersion = event.path("model").path("version").asText(null);
    this.imageUri = text(event.path("image"), "uri");
    this.timestamp = timestamp(event.path("timestamp"));
  }

  /** Parses a request; a request the router could not have written fails with a message. */
  static Request parse(ObjectMapper json, byte[] bytes) throws IOException {
    JsonNode root = json.readTree(bytes);
    if (root == null || !root.isObject() || !root.path("event").isObject()) {
      throw new IOException("an explain request must be a JSON object with an 'event' object");
    }
    try {
      return new Request(root);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The id the explainer serves: {@code id@version} when the event names a version. */
  String modelKey() {
    return modelVersion == null || modelVersion.isEmpty() ? modelId : modelId + "@" + modelVersion;
  }

  boolean heatmapOnly() {
    return "heatmap-only".equals(policy.path("privacy").asText(""));
  }

  ExplainInput toInput(byte[] imageBytes) {
    JsonNode prediction = event.path("prediction");
    Integer classIndex = prediction.path("classIndex").isIntegralNumber() ? prediction.path("classIndex").asInt()
        : null;
    return new ExplainInput(modelKey(), imageBytes, eventId, textOrNull(policy, "targetLayer"),
        textOrNull(policy, "method"), classIndex, null, null, !heatmapOnly());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException("missing '" + field + "' in explain request");
    }
    return v.asText();
  }

  private static String textOrNull(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }

  /** Events carry ISO-8601 instants; epoch milliseconds are accepted too. */
  private static Instant timestamp(JsonNode v) {
    if (v.isIntegralNumber()) {
      return Instant.ofEpochMilli(v.asLong());
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("event 'timestamp' is not an ISO-8601 instant: " + v.asText());
    }
  }
}
