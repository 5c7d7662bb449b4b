package io.camstream.topology.router;

import io.camstream.event.InferenceEvent;
import io.camstream.event.Schemas;
import io.camstream.topology.DeadLetters;
import java.util.List;

/** Checks the event against {@code inference-event.schema.json}; SCHEMA_VIOLATION lists what is wrong. */
final class ValidateEvent extends RouterStep {

  ValidateEvent(String next, RouterMetrics metrics) {
    super(next, metrics);
  }

  @Override
  Verdict check(RouterItem item) {
    // Before the schema: 4294967296 is a schema-valid integer, and read as an int it would quietly be class 0.
    String target = ClassIndices.violation(item.json());
    if (target != null) {
      return Verdict.fail(DeadLetters.Reason.BAD_TARGET, target);
    }
    List<String> v = Schemas.violations(Schemas.INFERENCE_EVENT, item.json());
    if (!v.isEmpty()) {
      return Verdict.fail(DeadLetters.Reason.SCHEMA_VIOLATION, String.join("; ", v));
    }
    try {
      return Verdict.pass(item.withEvent(InferenceEvent.of(item.json())));
    } catch (RuntimeException e) {
      // The schema says what the typed view needs, so this is a schema gap; still a violation, not a crash.
      return Verdict.fail(DeadLetters.Reason.SCHEMA_VIOLATION, e.getMessage());
    }
  }
}
