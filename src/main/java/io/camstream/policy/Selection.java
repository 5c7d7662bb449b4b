package io.camstream.policy;

import java.util.List;

/**
 * Whether an event is explained, and why.
 *
 * @param reasons in this order when several apply: {@link #LOW_CONFIDENCE}, {@link #NEW_SAMPLE},
 *     {@link #AUDIT_SAMPLE}, {@link #ALWAYS}; empty when not selected
 */
public record Selection(List<String> reasons) {

  public static final String LOW_CONFIDENCE = "low-confidence";
  public static final String NEW_SAMPLE = "new-sample";
  public static final String AUDIT_SAMPLE = "audit-sample";
  public static final String ALWAYS = "always";

  public Selection {
    reasons = List.copyOf(reasons);
  }

  public boolean selected() {
    return !reasons.isEmpty();
  }
}
