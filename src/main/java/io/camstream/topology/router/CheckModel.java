package io.camstream.topology.router;

import io.camstream.event.InferenceEvent;
import io.camstream.topology.DeadLetters;

/** Only models with a spec in the models directory are explained; others are UNKNOWN_MODEL. */
final class CheckModel extends RouterStep {

  private final ModelCatalog models;

  CheckModel(String next, RouterMetrics metrics, ModelCatalog models) {
    super(next, metrics);
    this.models = models;
  }

  @Override
  Verdict check(RouterItem item) {
    InferenceEvent.ModelRef m = item.event().model();
    if (models.knows(m.id(), m.version())) {
      return Verdict.pass(item);
    }
    return Verdict.fail(DeadLetters.Reason.UNKNOWN_MODEL,
        "model " + m.key() + " has no spec in the models directory (known: " + models.keys() + ")");
  }
}
