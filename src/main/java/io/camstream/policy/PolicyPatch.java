package io.camstream.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Part of a policy: the fields one scope sets (policy file entry or policies-topic value); null fields inherit
 * from the wider scope. Field meanings are those of {@link Policy}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record PolicyPatch(
    Boolean enableExplain,
    Double confidenceBelow,
    Boolean explainNewSamples,
    Double auditSampleRate,
    Boolean explainAll,
    String targetLayer,
    String method,
    Policy.Privacy privacy,
    Policy.Roi roi,
    Integer maxBoxes) {

  /** A patch that leaves the box cap alone. */
  public PolicyPatch(Boolean enableExplain, Double confidenceBelow, Boolean explainNewSamples, Double auditSampleRate,
      Boolean explainAll, String targetLayer, String method, Policy.Privacy privacy, Policy.Roi roi) {
    this(enableExplain, confidenceBelow, explainNewSamples, auditSampleRate, explainAll, targetLayer, method, privacy,
        roi, null);
  }

  /** Sets nothing. */
  public static final PolicyPatch EMPTY = new PolicyPatch(null, null, null, null, null, null, null, null, null);

  /** A patch that only switches explanations on or off (the common live override). */
  public static PolicyPatch enable(boolean on) {
    return new PolicyPatch(on, null, null, null, null, null, null, null, null);
  }
}
