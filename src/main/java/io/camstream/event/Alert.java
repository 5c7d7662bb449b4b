package io.camstream.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;

/**
 * An attention-analytics alert (schema {@code alert.schema.json}; topic {@code camstream.alerts}).
 *
 * @param kind machine code of the alert, e.g. {@code attention-outside-roi}
 * @param modelId model the alert is about
 * @param lineId line the alert is about
 * @param classLabel class the alert is about, may be null
 * @param window the time window the value was computed over
 * @param value the measured value
 * @param threshold the threshold it crossed
 * @param message one line for people
 * @param extra fields this version does not know, kept
 */
public record Alert(
    String kind,
    String modelId,
    String lineId,
    String classLabel,
    Window window,
    double value,
    double threshold,
    String message,
    @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

  public Alert {
    extra = Json.copy(extra);
  }

  public Alert(String kind, String modelId, String lineId, String classLabel, Window window, double value,
      double threshold, String message) {
    this(kind, modelId, lineId, classLabel, window, value, threshold, message, Map.of());
  }

  /** A time window, ISO-8601 instants, start inclusive, end exclusive. */
  public record Window(String start, String end) {}
}
