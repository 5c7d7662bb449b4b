package io.camstream.attention;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads what the statistics need from a review record: the grouping key, the explanation grid (resampled to the
 * fixed grid) and the ROI from the policy that selected the review ({@code selection.policy.roi}). Reading the ROI
 * from the record rather than from the live policy topic keeps a replay's statistics identical to the original run.
 */
public final class AttentionSampler {

  private final int gridWidth;
  private final int gridHeight;

  public AttentionSampler(int gridWidth, int gridHeight) {
    if (gridWidth <= 0 || gridHeight <= 0) {
      throw new IllegalArgumentException("attention grid must be positive, got " + gridWidth + "x" + gridHeight);
    }
    this.gridWidth = gridWidth;
    this.gridHeight = gridHeight;
  }

  /**
   * The key of a review record.
   *
   * @throws IllegalArgumentException when the record has no model id or line id
   */
  public static AttentionKey key(JsonNode review) {
    String model = text(review.path("model").path("id"));
    String line = text(review.path("lineId"));
    if (model == null || line == null) {
      throw new IllegalArgumentException("review record needs model.id and lineId");
    }
    return new AttentionKey(model, line, classLabel(review));
  }

  /**
   * The predicted class the statistics group by: the event's prediction label (or index), else the label the
   * explained model predicted, else the explained target class; {@code "unknown"} when none is given.
   */
  public static String classLabel(JsonNode review) {
    JsonNode p = review.path("prediction");
    String label = text(p.path("label"));
    if (label == null) {
      label = text(p.path("classIndex"));
    }
    JsonNode e = review.path("explanation");
    if (label == null) {
      label = text(e.path("modelPrediction").path("label"));
    }
    if (label == null) {
      label = text(e.path("targetClass"));
    }
    return label == null ? "unknown" : label;
  }

  /**
   * The sample of a review record; empty when the record carries no explanation grid.
   *
   * @throws IllegalArgumentException when the grid or ROI is malformed
   */
  public Optional<AttentionSample> sample(JsonNode review, long timestamp) {
    JsonNode grid = review.path("explanation").path("grid");
    if (grid.isMissingNode() || grid.isNull()) {
      return Optional.empty();
    }
    int w = grid.path("width").asInt(-1);
    int h = grid.path("height").asInt(-1);
    JsonNode values = grid.path("values");
    if (!values.isArray()) {
      throw new IllegalArgumentException("explanation.grid.values must be an array");
    }
    double[] v = new double[values.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode n = values.get(i);
      if (!n.isNumber()) {
        throw new IllegalArgumentException("explanation.grid.values[" + i + "] is not a number");
      }
      v[i] = n.asDouble();
    }
    HeatGrid fixed = new HeatGrid(w, h, v).resample(gridWidth, gridHeight);
    return Optional.of(new AttentionSample(fixed, roi(review.path("selection").path("policy").path("roi")), timestamp));
  }

  /**
   * The ROI box, given as {@code {x, y, w, h}} or {@code {x, y, width, height}} fractions of the image, or as
   * {@code [x, y, w, h]}; the whole image when absent.
   */
  static Roi roi(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return Roi.WHOLE;
    }
    if (n.isArray() && n.size() == 4) {
      return new Roi(num(n.get(0), "roi[0]"), num(n.get(1), "roi[1]"), num(n.get(2), "roi[2]"),
          num(n.get(3), "roi[3]"));
    }
    if (n.isObject()) {
      JsonNode w = n.has("w") ? n.get("w") : n.get("width");
      JsonNode h = n.has("h") ? n.get("h") : n.get("height");
      return new Roi(num(n.get("x"), "roi.x"), num(n.get("y"), "roi.y"), num(w, "roi.w"), num(h, "roi.h"));
    }
    throw new IllegalArgumentException("selection.policy.roi must be {x,y,w,h} or [x,y,w,h], got " + n);
  }

  /**
   * Event time of a review record in epoch milliseconds: its {@code timestamp} as an ISO-8601 instant or offset
   * date-time, or as epoch milliseconds; empty when absent or unreadable.
   */
  public static Optional<Long> eventTime(JsonNode review) {
    JsonNode t = review.path("timestamp");
    if (t.isIntegralNumber()) {
      return Optional.of(t.asLong());
    }
    if (t.isTextual()) {
      String s = t.asText();
      try {
        return Optional.of(Instant.parse(s).toEpochMilli());
      } catch (DateTimeParseException e) {
        try {
          return Optional.of(OffsetDateTime.parse(s).toInstant().toEpochMilli());
        } catch (DateTimeParseException e2) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static double num(JsonNode n, String what) {
    if (n == null || !n.isNumber()) {
      throw new IllegalArgumentException(what + " must be a number");
    }
    return n.asDouble();
  }

  private static String text(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return null;
    }
    String s = n.asText();
    return s.isBlank() ? null : s;
  }
}
