package io.camstream.attention;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Builds review record JSON as the explainer writes it, for tests of the review role and the statistics. */
public final class Reviews {

  public static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode node = MAPPER.createObjectNode();

  private Reviews(String eventId) {
    node.put("eventId", eventId);
    node.put("lineId", "line-1");
    node.put("cameraId", "cam-1");
    node.put("timestamp", "2026-11-28T10:00:00Z");
    ObjectNode image = node.putObject("image");
    image.put("uri", "file:///var/camstream/images/" + eventId + ".png");
    image.put("width", 64);
    image.put("height", 48);
    model("cls-a", "1");
    prediction(0, "ok", 0.41);
    ObjectNode selection = node.putObject("selection");
    selection.putArray("reasons").add("low-confidence");
    ObjectNode policy = selection.putObject("policy");
    policy.put("enableExplain", true);
    policy.put("confidenceBelow", 0.6);
    policy.put("explainNewSamples", true);
    policy.put("auditSampleRate", 0.0);
    policy.put("explainAll", false);
    policy.putNull("targetLayer");
    policy.putNull("method");
    policy.put("privacy", "full");
    policy.putNull("roi");
    ObjectNode e = node.putObject("explanation");
    e.put("method", "gradcam");
    e.put("layer", "conv5");
    e.putObject("target").put("kind", "class").put("classIndex", 0);
    e.put("targetClass", 0);
    e.putObject("peak").put("x", 0).put("y", 0);
    e.putArray("regions");
    grid(1, 1, 0.0);
    files("file:///var/camstream/images/" + eventId + ".png", null, "file:///var/camstream/artifacts/" + eventId
        + "-heatmap.png");
    ObjectNode hashes = node.putObject("hashes");
    hashes.put("image", "cd".repeat(32));
    hashes.put("heatmap", "ef".repeat(32));
    node.putObject("timingsMs").put("engine", 12.5);
    ObjectNode explainer = node.putObject("explainer");
    explainer.put("host", "test-host");
    explainer.put("device", "cpu");
    explainer.put("version", "test");
  }

  /**
   * A schema-valid review of event {@code eventId} on line-1 by model cls-a, predicted "ok", with a 1x1 grid without
   * heat, no overlay and no ROI.
   */
  public static Reviews review(String eventId) {
    return new Reviews(eventId);
  }

  public Reviews line(String lineId) {
    node.put("lineId", lineId);
    return this;
  }

  public Reviews at(Instant t) {
    node.put("timestamp", t.toString());
    return this;
  }

  public Reviews model(String id, String version) {
    ObjectNode m = node.putObject("model");
    m.put("id", id);
    m.put("version", version);
    m.put("sha256", "ab".repeat(32));
    return this;
  }

  /** The event's prediction; the explanation targets the same class. */
  public Reviews prediction(int classIndex, String label, double confidence) {
    ObjectNode p = node.putObject("prediction");
    p.put("classIndex", classIndex);
    p.put("label", label);
    p.put("confidence", confidence);
    if (node.get("explanation") instanceof ObjectNode e) {
      e.put("targetClass", classIndex);
      ((ObjectNode) e.get("target")).put("classIndex", classIndex);
    }
    return this;
  }

  /** The original image's size in pixels. */
  public Reviews size(int width, int height) {
    ((ObjectNode) node.get("image")).put("width", width);
    ((ObjectNode) node.get("image")).put("height", height);
    return this;
  }

  public Reviews reasons(String... reasons) {
    ArrayNode a = ((ObjectNode) node.get("selection")).putArray("reasons");
    for (String r : reasons) {
      a.add(r);
    }
    return this;
  }

  /** The line's ROI in the selecting policy, as fractions of the image. */
  public Reviews roi(double x, double y, double w, double h) {
    ObjectNode roi = ((ObjectNode) node.get("selection").get("policy")).putObject("roi");
    roi.put("x", x);
    roi.put("y", y);
    roi.put("w", w);
    roi.put("h", h);
    return this;
  }

  public Reviews grid(int w, int h, double... values) {
    ObjectNode g = ((ObjectNode) node.get("explanation")).putObject("grid");
    g.put("width", w);
    g.put("height", h);
    ArrayNode a = g.putArray("values");
    for (double v : values) {
      a.add(v);
    }
    return this;
  }

  /** Sets image.uri and the artifacts (null URIs for absent ones). */
  public Reviews files(String imageUri, String overlayUri, String heatmapUri) {
    ((ObjectNode) node.get("image")).put("uri", imageUri);
    ObjectNode a = node.putObject("artifacts");
    a.put("overlay", overlayUri);
    a.put("heatmap", heatmapUri);
    return this;
  }

  /** Hot regions in image pixels and the peak. */
  public Reviews region(int x, int y, int w, int h, double share) {
    ObjectNode e = (ObjectNode) node.get("explanation");
    ArrayNode regions = e.has("regions") ? (ArrayNode) e.get("regions") : e.putArray("regions");
    ObjectNode r = regions.addObject();
    r.put("x", x);
    r.put("y", y);
    r.put("w", w);
    r.put("h", h);
    r.put("share", share);
    ObjectNode peak = e.putObject("peak");
    peak.put("x", x + w / 2);
    peak.put("y", y + h / 2);
    return this;
  }

  public Reviews privacy(String value) {
    ((ObjectNode) node.get("selection").get("policy")).put("privacy", value);
    return this;
  }

  /** Removes the explanation grid (an unusable record for the statistics). */
  public Reviews noGrid() {
    ((ObjectNode) node.get("explanation")).remove("grid");
    return this;
  }

  public ObjectNode node() {
    return node;
  }

  public String json() {
    return node.toString();
  }
}
