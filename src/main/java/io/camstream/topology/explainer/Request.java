package io.camstream.topology.explainer;

import io.camstream.event.ExplainRequest;
import io.camstream.event.InferenceEvent;
import io.camstream.event.Json;
import io.camstream.explain.ExplainInput;
import io.camstream.policy.BoxSelection;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** An explain request as the router wrote it, with what the explainer derives from it. */
final class Request {

  final ExplainRequest request;
  final InferenceEvent event;
  final String eventId;
  final Instant timestamp;

  private Request(ExplainRequest request) {
    this.request = request;
    this.event = request.event();
    this.eventId = event.eventId();
    this.timestamp = event.instant();
  }

  /** Parses a request; one the router could not have written fails with a message. */
  static Request parse(byte[] bytes) throws IOException {
    ExplainRequest r;
    try {
      r = Json.read(bytes, ExplainRequest.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (r == null || r.event() == null || r.policy() == null) {
      throw new IOException("an explain request needs 'event' and 'policy'");
    }
    try {
      return new Request(r);
    } catch (RuntimeException e) {
      throw new IOException("bad event timestamp: " + e.getMessage(), e);
    }
  }

  /** The id the explainer serves: {@code id@version}, so the version the line ran is the one explained. */
  String modelKey() {
    return event.model().key();
  }

  boolean withOverlay() {
    return request.policy().withOverlay();
  }

  /**
   * Classification events explain the class the line reported. Detection events explain each selected box with a
   * box target and the box's class ({@link BoxSelection}, least confident first), which the engine reads by the
   * model's task (a detector's detection, a segmenter's segment); without a box to target, the whole map.
   */
  List<ExplainInput> toInputs(byte[] imageBytes) {
    Integer classIndex = event.prediction() != null ? event.prediction().classIndex() : null;
    List<BoxSelection.Selected> boxes = boxes();
    if (boxes.isEmpty()) {
      return List.of(input(imageBytes, classIndex, null));
    }
    // the box's own class goes along: a detector explains that class of the box, a segmenter that class's segment
    return boxes.stream().map(b -> input(imageBytes, b.source() == null ? null : b.source().classIndex(), b.box()))
        .toList();
  }

  /** The boxes this request explains, from the event and the policy the router recorded. */
  List<BoxSelection.Selected> boxes() {
    return BoxSelection.select(event, request.policy());
  }

  private ExplainInput input(byte[] imageBytes, Integer classIndex, int[] box) {
    return new ExplainInput(modelKey(), imageBytes, eventId, request.policy().targetLayer(),
        request.policy().method(), classIndex, box, null, withOverlay());
  }
}
