package io.camstream.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.event.Json;
import io.camstream.event.Schemas;
import java.io.IOException;
import java.util.List;

/** Reads partial policies from JSON, checked against {@code policy.schema.json}. */
public final class PolicyJson {

  private PolicyJson() {}

  /** Parses a partial policy; {@link IllegalArgumentException} with a one-line reason when it is not one. */
  public static PolicyPatch patch(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return PolicyPatch.EMPTY;
    }
    List<String> v = Schemas.violations(Schemas.POLICY, node);
    if (!v.isEmpty()) {
      throw new IllegalArgumentException("invalid policy: " + String.join("; ", v));
    }
    try {
      return Json.MAPPER.treeToValue(node, PolicyPatch.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid policy: " + e.getMessage(), e);
    }
  }

  /** Parses a partial policy from JSON text. */
  public static PolicyPatch patch(String json) {
    try {
      return patch(Json.MAPPER.readTree(json));
    } catch (IOException e) {
      throw new IllegalArgumentException("policy is not JSON: " + e.getMessage(), e);
    }
  }
}
