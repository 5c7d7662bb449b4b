package io.camstream.policy;

import io.camstream.event.InferenceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which boxes of a detection event are explained, each with its own box target. The rule: every detection with a
 * box whose confidence is strictly below the policy's {@code confidenceBelow}, least confident first (ties in event
 * order), at most {@code maxBoxes}; when none is below (the event was selected as a new or audit sample, or
 * {@code explainAll}), the least confident detection with a box. Detections without a box cannot be targeted; an
 * event with none gets the whole-map (threshold) target. Pure in the event and the recorded policy, so a replay of
 * the request selects the same boxes.
 */
public final class BoxSelection {

  private BoxSelection() {}

  /** One selected detection: its index in the event's {@code detections} and its box in whole image pixels. */
  public record Selected(int detection, InferenceEvent.Detection source, int[] box) {}

  /** The selected boxes, in explain order (least confident first); empty for classification events. */
  public static List<Selected> select(InferenceEvent event, Policy policy) {
    if (event.prediction() != null) {
      return List.of();
    }
    List<Integer> boxed = new ArrayList<>();
    for (int i = 0; i < event.detections().size(); i++) {
      if (pixels(event.detections().get(i).box()) != null) {
        boxed.add(i);
      }
    }
    Comparator<Integer> leastConfident = Comparator.comparingDouble(i -> event.detections().get(i).confidence());
    boxed.sort(leastConfident.thenComparing(Comparator.naturalOrder()));
    List<Integer> picked = boxed.stream()
        .filter(i -> event.detections().get(i).confidence() < policy.confidenceBelow())
        .limit(policy.maxBoxes())
        .toList();
    if (picked.isEmpty() && !boxed.isEmpty()) {
      picked = List.of(boxed.get(0));
    }
    return picked.stream()
        .map(i -> new Selected(i, event.detections().get(i), pixels(event.detections().get(i).box())))
        .toList();
  }

  /**
   * The box as whole pixels covering it (floor of the corner, ceil of the far edge); null when it has no area or
   * is not a finite, non-negative box.
   */
  static int[] pixels(InferenceEvent.Box b) {
    if (b == null || !Double.isFinite(b.x()) || !Double.isFinite(b.y()) || !Double.isFinite(b.w())
        || !Double.isFinite(b.h()) || b.x() < 0 || b.y() < 0 || b.w() <= 0 || b.h() <= 0
        || b.x() + b.w() > Integer.MAX_VALUE || b.y() + b.h() > Integer.MAX_VALUE) {
      return null;
    }
    int x0 = (int) Math.floor(b.x());
    int y0 = (int) Math.floor(b.y());
    int x1 = (int) Math.ceil(b.x() + b.w());
    int y1 = (int) Math.ceil(b.y() + b.h());
    return new int[] {x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)};
  }
}
