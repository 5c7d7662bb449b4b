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
      var labels = models.labelCount(m.id(), m.version());
      var p = item.event().prediction();
      if (labels.isPresent() && p != null) {
        int k = labels.getAsInt();
        if (p.classIndex() >= k || p.topK().stream().anyMatch(t -> t.classIndex() >= k)) {
          return Verdict.fail(DeadLetters.Reason.BAD_TARGET, "class index beyond the " + k + " labels of model "
              + m.key() + " (prediction " + p.classIndex() + ")");
        }
      }
      return Verdict.pass(item);
    }
    return Verdict.fail(DeadLetters.Reason.UNKNOWN_MODEL,
        "model " + m.key() + " has no spec in the models directory (known: " + models.keys() + ")");
  }
}
