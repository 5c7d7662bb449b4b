package io.camstream.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The resolved policy for one event: whether and why to explain it, and how.
 *
 * @param enableExplain master switch; false selects nothing, whatever the other fields say
 * @param confidenceBelow select predictions (or any detection) with confidence strictly below this
 * @param explainNewSamples select events flagged {@code newSample}
 * @param auditSampleRate fraction of events selected at random, deterministically in the event id
 * @param explainAll select every event (the line/model is switched on in full)
 * @param targetLayer layer to explain; null means the model spec's default
 * @param method CAM method (gradcam, gradcampp, ...); null means the model spec's default
 * @param privacy {@code full} renders an overlay on the image; {@code heatmap-only} keeps raw pixels out of artifacts
 * @param roi region of interest as fractions of the image, used by attention statistics; null is the whole image
 * @param maxBoxes most detection boxes explained per detection event (see {@link BoxSelection}); 0 reads as the
 *     built-in {@value #DEFAULT_MAX_BOXES}, so requests recorded before the field existed replay the same
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Policy(
    boolean enableExplain,
    double confidenceBelow,
    boolean explainNewSamples,
    double auditSampleRate,
    boolean explainAll,
    String targetLayer,
    String method,
    Privacy privacy,
    Roi roi,
    int maxBoxes) {

  /** Detection boxes explained per event unless a policy says otherwise. */
  public static final int DEFAULT_MAX_BOXES = 3;

  /** The upper bound of {@link #maxBoxes}: each box is one more pass through the model. */
  public static final int MAX_BOXES_LIMIT = 16;

  /** What applies when neither the policy file nor the policies topic says anything. */
  public static final Policy BUILT_IN = new Policy(true, 0.6, true, 0.01, false, null, null, Privacy.FULL, null);

  /** A policy with the built-in box cap. */
  public Policy(boolean enableExplain, double confidenceBelow, boolean explainNewSamples, double auditSampleRate,
      boolean explainAll, String targetLayer, String method, Privacy privacy, Roi roi) {
    this(enableExplain, confidenceBelow, explainNewSamples, auditSampleRate, explainAll, targetLayer, method, privacy,
        roi, DEFAULT_MAX_BOXES);
  }

  public Policy {
    if (confidenceBelow < 0 || confidenceBelow > 1) {
      throw new IllegalArgumentException("confidenceBelow must be in [0,1], got " + confidenceBelow);
    }
    if (auditSampleRate < 0 || auditSampleRate > 1) {
      throw new IllegalArgumentException("auditSampleRate must be in [0,1], got " + auditSampleRate);
    }
    privacy = privacy == null ? Privacy.FULL : privacy;
    maxBoxes = maxBoxes == 0 ? DEFAULT_MAX_BOXES : maxBoxes;
    if (maxBoxes < 1 || maxBoxes > MAX_BOXES_LIMIT) {
      throw new IllegalArgumentException("maxBoxes must be in [1," + MAX_BOXES_LIMIT + "], got " + maxBoxes);
    }
  }

  /** This policy with every field the patch sets replaced. */
  public Policy apply(PolicyPatch p) {
    if (p == null) {
      return this;
    }
    return new Policy(
        p.enableExplain() != null ? p.enableExplain() : enableExplain,
        p.confidenceBelow() != null ? p.confidenceBelow() : confidenceBelow,
        p.explainNewSamples() != null ? p.explainNewSamples() : explainNewSamples,
        p.auditSampleRate() != null ? p.auditSampleRate() : auditSampleRate,
        p.explainAll() != null ? p.explainAll() : explainAll,
        p.targetLayer() != null ? p.targetLayer() : targetLayer,
        p.method() != null ? p.method() : method,
        p.privacy() != null ? p.privacy() : privacy,
        p.roi() != null ? p.roi() : roi,
        p.maxBoxes() != null ? p.maxBoxes() : maxBoxes);
  }

  /** Whether artifacts may contain raw pixels (an overlay on the image). */
  public boolean withOverlay() {
    return privacy == Privacy.FULL;
  }

  /** How much of the image artifacts may show. */
  public enum Privacy {
    FULL("full"),
    HEATMAP_ONLY("heatmap-only");

    private final String json;

    Privacy(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }

    @JsonCreator
    public static Privacy of(String s) {
      for (Privacy p : values()) {
        if (p.json.equals(s.toLowerCase(Locale.ROOT))) {
          return p;
        }
      }
      throw new IllegalArgumentException("privacy is full or heatmap-only, got '" + s + "'");
    }
  }

  /** A region of interest as fractions of the image width and height, each in [0,1]. */
  public record Roi(double x, double y, double w, double h) {
    public Roi {
      if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > 1.0000001 || y + h > 1.0000001) {
        throw new IllegalArgumentException("roi must lie inside [0,1]x[0,1] with positive size, got "
            + x + "," + y + "," + w + "," + h);
      }
    }
  }
}
