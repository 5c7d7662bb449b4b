package io.camstream.review.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.AttentionSampler;
import java.util.Optional;

/**
 * A review record with its decision.
 *
 * @param review the review record as on the reviews topic
 * @param decision the decision as on the decisions topic
 */
public record DecidedReview(JsonNode review, JsonNode decision) {

  public String eventId() {
    return review.path("eventId").asText();
  }

  /** The model's label (its name, else its class index). */
  public String modelLabel() {
    return AttentionSampler.classLabel(review);
  }

  /** confirm, reject or relabel. */
  public String verdict() {
    return decision.path("decision").asText();
  }

  /**
   * The label training should learn: the model's for confirm, the reviewer's for relabel; empty for reject (the
   * reviewer said the model is wrong without saying what is right).
   */
  public Optional<String> trueLabel() {
    return switch (verdict()) {
      case "confirm" -> Optional.of(modelLabel());
      case "relabel" -> Optional.ofNullable(decision.path("label").asText(null));
      default -> Optional.empty();
    };
  }

  public String imageUri() {
    return review.path("image").path("uri").asText(null);
  }

  public String heatmapUri() {
    return review.path("artifacts").path("heatmap").asText(null);
  }

  public int width() {
    return review.path("image").path("width").asInt(0);
  }

  public int height() {
    return review.path("image").path("height").asInt(0);
  }

  public JsonNode regions() {
    return review.path("explanation").path("regions");
  }

  public JsonNode model() {
    return review.path("model");
  }

  public String reviewer() {
    return decision.path("reviewer").asText(null);
  }
}
