package io.camstream.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;

/**
 * A reviewer's decision on a review record (schema {@code review-decision.schema.json}; topic
 * {@code camstream.review-decisions}, key = eventId).
 *
 * @param eventId the reviewed event
 * @param decision confirm, reject or relabel
 * @param label the corrected label (relabel only)
 * @param comment free text, may be null
 * @param reviewer who decided
 * @param decidedAt when, ISO-8601
 * @param extra fields this version does not know, kept
 */
public record ReviewDecision(
    String eventId,
    Decision decision,
    String label,
    String comment,
    String reviewer,
    String decidedAt,
    @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

  public ReviewDecision {
    extra = Json.copy(extra);
    if (decision == Decision.RELABEL && (label == null || label.isBlank())) {
      throw new IllegalArgumentException("a relabel decision needs a label");
    }
  }

  public ReviewDecision(String eventId, Decision decision, String label, String comment, String reviewer,
      String decidedAt) {
    this(eventId, decision, label, comment, reviewer, decidedAt, Map.of());
  }

  /** What the reviewer said about the model's decision. */
  public enum Decision {
    CONFIRM, REJECT, RELABEL;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Decision of(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }
}
