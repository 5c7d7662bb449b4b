package io.camstream.event;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.policy.Policy;
import java.util.List;
import java.util.Map;

/**
 * The explainer's output, one per selected event (schema {@code review-record.schema.json}; topic
 * {@code camstream.reviews}, key = eventId). Everything a reviewer and an auditor need, artifacts by URI.
 *
 * @param eventId the event's id
 * @param lineId the event's line
 * @param cameraId the event's camera
 * @param timestamp the event's timestamp (ISO-8601)
 * @param image the event's image reference and size
 * @param model the explained model, with the sha256 of its files
 * @param prediction the event's prediction as the line reported it; null for detection events
 * @param detections the event's detections as the line reported them; null for classification events
 * @param selection why it was selected and the policy that applied
 * @param explanation the heatmap summary
 * @param artifacts overlay and heatmap URIs
 * @param hashes sha256 (hex) of the input image and of the heatmap PNG, for audit replays
 * @param timingsMs per-stage timings
 * @param explainer who explained it
 * @param attributes the event's attributes
 * @param boxes detection events: one result per selected box (box target), least confident first; the first is
 *     also the record's {@code explanation} and artifacts; null for classification events and for detection
 *     events without boxes (whole-map target)
 * @param extra fields this version does not know, kept
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ReviewRecord(
    String eventId,
    String lineId,
    String cameraId,
    String timestamp,
    Image image,
    Model model,
    Prediction prediction,
    JsonNode detections,
    Selection selection,
    Explanation explanation,
    Artifacts artifacts,
    Hashes hashes,
    Map<String, Double> timingsMs,
    ExplainerInfo explainer,
    JsonNode attributes,
    List<BoxResult> boxes,
    @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

  public ReviewRecord {
    boxes = boxes == null ? null : List.copyOf(boxes);
    extra = Json.copy(extra);
  }

  /** A record without per-box results (classification events, whole-map targets). */
  public ReviewRecord(String eventId, String lineId, String cameraId, String timestamp, Image image, Model model,
      Prediction prediction, JsonNode detections, Selection selection, Explanation explanation, Artifacts artifacts,
      Hashes hashes, Map<String, Double> timingsMs, ExplainerInfo explainer, JsonNode attributes,
      Map<String, Object> extra) {
    this(eventId, lineId, cameraId, timestamp, image, model, prediction, detections, selection, explanation,
        artifacts, hashes, timingsMs, explainer, attributes, null, extra);
  }

  /** Image reference and size in pixels. */
  public record Image(String uri, int width, int height) {}

  /** Explained model identity; sha256 of the model files. */
  public record Model(String id, String version, String sha256) {}

  /** The event's prediction. */
  public record Prediction(int classIndex, String label, double confidence) {}

  /** Why the event was selected, and under which policy. */
  public record Selection(List<String> reasons, Policy policy) {}

  /**
   * The explanation.
   *
   * @param method CAM method
   * @param layer target layer variable
   * @param target what was explained, e.g. {kind: class, classIndex: 0}
   * @param targetClass explained class index, null for dense targets
   * @param modelPrediction what the explained model itself predicted; null for dense models
   * @param grid normalised map at feature-map resolution, row-major, values in [0,1]
   * @param peak hottest point in image pixels
   * @param regions hot regions in image pixels with their share of the heat mass
   */
  public record Explanation(
      String method,
      String layer,
      Map<String, Object> target,
      Integer targetClass,
      ModelPrediction modelPrediction,
      Grid grid,
      Peak peak,
      List<Region> regions) {}

  /** The explained model's own prediction. */
  public record ModelPrediction(int classIndex, String label, double score) {}

  /** Row-major map of {@code width * height} values. */
  public record Grid(int width, int height, float[] values) {}

  /** A point in image pixels. */
  public record Peak(int x, int y) {}

  /** A box in image pixels and its share of the heat mass. */
  public record Region(int x, int y, int w, int h, double share) {}

  /** Artifact URIs; overlay is null under privacy heatmap-only. */
  public record Artifacts(String overlay, String heatmap) {}

  /** sha256 hex digests. */
  public record Hashes(String image, String heatmap) {}

  /**
   * The explainer instance: host name, device (cpu, gpu:0) and camstream version; the inference engine that ran the
   * explain program ({@code onnxruntime} or {@code paddle}) and its version, when known.
   */
  public record ExplainerInfo(String host, String device, String version,
      @JsonInclude(JsonInclude.Include.NON_NULL) String engine,
      @JsonInclude(JsonInclude.Include.NON_NULL) String engineVersion) {

    public ExplainerInfo(String host, String device, String version) {
      this(host, device, version, null, null);
    }
  }

  /**
   * The explanation of one selected detection box.
   *
   * @param detection index of the detection in the event's {@code detections}
   * @param label the detection's label
   * @param confidence the detection's confidence
   * @param box the explained box {x, y, w, h} in whole image pixels
   * @param method CAM method
   * @param layer target layer variable
   * @param peak hottest point of this box's map
   * @param regions hot regions of this box's map with their share of its heat mass
   * @param boxShare share of this map's heat mass that lies inside the box
   * @param artifacts this box's overlay and heatmap URIs
   * @param heatmapSha256 sha256 (hex) of this box's heatmap PNG
   */
  public record BoxResult(
      int detection,
      String label,
      double confidence,
      int[] box,
      String method,
      String layer,
      Peak peak,
      List<Region> regions,
      double boxShare,
      Artifacts artifacts,
      String heatmapSha256) {}
}
