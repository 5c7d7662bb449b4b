package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.event.ReviewDecision;
import io.camstream.review.auth.Identity;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates and publishes review decisions, idempotently: the first decision on an event wins. Repeating it (same
 * decision, label, comment and reviewer) answers 200 with the stored decision and publishes nothing; a different
 * decision on a decided event answers 409 with the stored one. At most one decision per event is published by this
 * process, even under concurrent requests.
 */
public final class DecisionService {

  /** Where decisions go: the decisions topic, keyed by eventId. */
  @FunctionalInterface
  public interface Sink {
    /** Publishes and waits for the broker's acknowledgement; throws when it did not get it. */
    void publish(String eventId, String decisionJson) throws Exception;
  }

  /** An HTTP status and JSON body. */
  public record Outcome(int status, JsonNode body) {}

  private static final Logger AUDIT = LoggerFactory.getLogger("io.camstream.review.audit");
  static final Set<String> DECISIONS = Set.of("confirm", "reject", "relabel");
  static final int MAX_COMMENT = 2000;
  static final int MAX_NAME = 200;

  private final ReviewQueries queries;
  private final Sink sink;
  private final Clock clock;
  private final MeterRegistry meters;

  /** Counts every answer in {@code camstream.review.decisions} tagged with its outcome and HTTP status. */
  public DecisionService(ReviewQueries queries, Sink sink, Clock clock, MeterRegistry meters) {
    this.queries = queries;
    this.sink = sink;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * Handles a decision request body for an event. The decision's reviewer is the authenticated identity; a
   * {@code reviewer} field in the body is ignored.
   */
  public Outcome decide(String eventId, JsonNode request, Identity who) {
    Outcome o = handle(eventId, request, who);
    String outcome = o.body().has("status") ? o.body().get("status").asText() : "refused";
    meters.counter("camstream.review.decisions", "outcome", outcome, "status", String.valueOf(o.status()))
        .increment();
    return o;
  }

  private Outcome handle(String eventId, JsonNode request, Identity who) {
    if (request == null || !request.isObject()) {
      return error(400, "the body must be a JSON object {decision, label?, comment?}");
    }
    String decision = text(request, "decision");
    if (decision == null || !DECISIONS.contains(decision)) {
      return error(400, "decision must be one of confirm, reject, relabel");
    }
    String label = "relabel".equals(decision) ? text(request, "label") : null;
    if ("relabel".equals(decision) && label == null) {
      return error(400, "relabel needs the new class in 'label'");
    }
    String comment = text(request, "comment");
    String reviewer = who.name();
    if ((label != null && label.length() > MAX_NAME) || reviewer.length() > MAX_NAME
        || (comment != null && comment.length() > MAX_COMMENT)) {
      return error(400, "label and reviewer are limited to " + MAX_NAME + " characters, comment to " + MAX_COMMENT);
    }
    if (queries.review(eventId).isEmpty()) {
      return error(404, "no review with eventId " + eventId);
    }
    JsonNode d = Json.MAPPER.valueToTree(new ReviewDecision(eventId, ReviewDecision.Decision.of(decision), label,
        comment, reviewer, clock.instant().toString(),
        Map.of("reviewerRole", who.role().id(), "authenticatedBy", who.source())));

    Optional<JsonNode> earlier = queries.claim(eventId, d);
    if (earlier.isPresent()) {
      JsonNode e = earlier.get();
      boolean same = Objects.equals(decision, text(e, "decision")) && Objects.equals(label, text(e, "label"))
          && Objects.equals(comment, text(e, "comment")) && Objects.equals(reviewer, text(e, "reviewer"));
      return same ? result(200, "already-decided", e) : result(409, "conflict", e);
    }
    try {
      sink.publish(eventId, d.toString());
      // the audit trail: who decided what, as authenticated, beside the record on the decisions topic
      AUDIT.info("decision {} on {} by {} ({}, {})", decision, eventId, reviewer, who.role().id(), who.source());
    } catch (Exception ex) {
      queries.release(eventId, d);
      if (ex instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return error(503, "the decision could not be published, try again: " + ex.getMessage());
    }
    return result(201, "published", d);
  }

  private static Outcome result(int status, String what, JsonNode decision) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", what);
    body.set("decision", decision);
    return new Outcome(status, body);
  }

  static Outcome error(int status, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("error", message);
    return new Outcome(status, body);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText().strip();
    return s.isEmpty() ? null : s;
  }
}
