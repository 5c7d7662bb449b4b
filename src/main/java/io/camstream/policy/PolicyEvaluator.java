package io.camstream.policy;

import io.camstream.event.InferenceEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a resolved policy to an event. Pure and deterministic: the same event and policy always give the same
 * selection, which is what makes audit replays choose the same events.
 */
public final class PolicyEvaluator {

  private PolicyEvaluator() {}

  /** The selection of an event under a policy. */
  public static Selection evaluate(InferenceEvent event, Policy policy) {
    if (!policy.enableExplain()) {
      return new Selection(List.of());
    }
    List<String> reasons = new ArrayList<>(4);
    Double confidence = event.lowestConfidence();
    if (confidence != null && confidence < policy.confidenceBelow()) {
      reasons.add(Selection.LOW_CONFIDENCE);
    }
    if (event.newSample() && policy.explainNewSamples()) {
      reasons.add(Selection.NEW_SAMPLE);
    }
    if (auditSampled(event.eventId(), policy.auditSampleRate())) {
      reasons.add(Selection.AUDIT_SAMPLE);
    }
    if (policy.explainAll()) {
      reasons.add(Selection.ALWAYS);
    }
    return new Selection(reasons);
  }

  /**
   * True when the event id falls in the audit sample: the first 8 bytes of sha256(eventId, UTF-8), read as an
   * unsigned big-endian number and divided by 2^64, are below the rate. Rate 0 never, rate 1 always.
   */
  public static boolean auditSampled(String eventId, double rate) {
    if (rate <= 0) {
      return false;
    }
    if (rate >= 1) {
      return true;
    }
    return auditFraction(eventId) < rate;
  }

  /** The event id's position in [0, 1) used by {@link #auditSampled}. */
  public static double auditFraction(String eventId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
      long first8 = ByteBuffer.wrap(d, 0, 8).getLong();
      // The top 53 bits fit a double exactly; the fraction is then uniform in [0, 1).
      return (first8 >>> 11) * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
