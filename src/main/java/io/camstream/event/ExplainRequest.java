package io.camstream.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.camstream.policy.Policy;
import java.util.List;
import java.util.Map;

/**
 * What the router sends to the explainer (schema {@code explain-request.schema.json}; key = lineId): the original
 * event, the policy resolved for it, and why it was selected.
 *
 * @param event the inference event as it came, unknown fields included
 * @param policy the resolved policy (target layer, method, privacy, ...)
 * @param reasons one or more of {@code low-confidence}, {@code new-sample}, {@code audit-sample}, {@code always}
 * @param extra fields this version does not know, kept
 */
public record ExplainRequest(
    InferenceEvent event, Policy policy, List<String> reasons, @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

  public ExplainRequest {
    reasons = List.copyOf(reasons);
    extra = Json.copy(extra);
  }

  public ExplainRequest(InferenceEvent event, Policy policy, List<String> reasons) {
    this(event, policy, reasons, Map.of());
  }
}
