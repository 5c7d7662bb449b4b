package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.AttentionSampler;
import java.util.ArrayList;
import java.util.List;

/**
 * Queue filter: each non-blank field must match exactly (line id, model id, predicted class, one of the selection
 * reasons).
 */
public record ReviewFilter(String line, String model, String classLabel, String reason) {

  /** Matches everything. */
  public static final ReviewFilter ALL = new ReviewFilter(null, null, null, null);

  /** True when the review passes every set field. */
  public boolean matches(JsonNode review) {
    return same(line, review.path("lineId").asText(""))
        && same(model, review.path("model").path("id").asText(""))
        && same(classLabel, AttentionSampler.classLabel(review))
        && (blank(reason) || reasons(review).contains(reason));
  }

  /**
   * The selection reasons of a review as strings; an object reason is named by its {@code code}, {@code reason}
   * or {@code kind} field.
   */
  public static List<String> reasons(JsonNode review) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : review.path("selection").path("reasons")) {
      if (r.isObject()) {
        for (String f : List.of("code", "reason", "kind")) {
          if (r.hasNonNull(f)) {
            out.add(r.get(f).asText());
            break;
          }
        }
      } else if (!r.isNull()) {
        out.add(r.asText());
      }
    }
    return out;
  }

  private static boolean same(String want, String got) {
    return blank(want) || want.equals(got);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
