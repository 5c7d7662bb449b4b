package io.camstream.topology.explainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.explain.Explanation;
import io.camstream.io.ArtifactStore;
import java.util.Map;

/** Builds the review record (see {@code topology/review-record.schema.json}) from a request and its explanation. */
final class ReviewRecords {

  /** The grid in a review record is for analytics and thumbnails; larger maps are area-averaged down to this. */
  static final int MAX_GRID_SIDE = 32;

  private ReviewRecords() {}

  static ObjectNode build(ObjectMapper json, Request request, Explanation ex, ArtifactStore.Stored overlay,
      ArtifactStore.Stored heatmap, String imageSha256, Map<String, Double> timingsMs, ExplainerInfo info) {
    JsonNode event = request.event;
    ObjectNode r = json.createObjectNode();
    r.put("eventId", request.eventId);
    copy(event, r, "lineId");
    copy(event, r, "cameraId");
    copy(event, r, "timestamp");

    ObjectNode image = r.putObject("image");
    image.put("uri", request.imageUri);
    image.put("width", ex.width());
    image.put("height", ex.height());

    ObjectNode model = r.putObject("model");
    model.put("id", request.modelId);
    model.put("version", request.modelVersion != null ? request.modelVersion : ex.model().version());
    model.put("sha256", ex.model().sha256());

    if (event.has("prediction")) {
      r.set("prediction", event.get("prediction"));
    }
    if (event.has("detections")) {
      r.set("detections", event.get("detections"));
    }

    ObjectNode selection = r.putObject("selection");
    selection.set("reasons", request.root.path("reasons").isArray() ? request.root.get("reasons")
        : json.createArrayNode());
    selection.set("policy", request.policy.isObject() ? request.policy : json.createObjectNode());

    r.set("explanation", explanation(json, ex));

    ObjectNode artifacts = r.putObject("artifacts");
    if (overlay != null) {
      artifacts.put("overlay", overlay.uri());
    } else {
      artifacts.putNull("overlay");
    }
    artifacts.put("heatmap", heatmap.uri());

    ObjectNode hashes = r.putObject("hashes");
    hashes.put("image", imageSha256);
    hashes.put("heatmap", heatmap.sha256());

    ObjectNode timings = r.putObject("timingsMs");
    timingsMs.forEach((k, v) -> timings.put(k, Math.round(v * 10) / 10.0));

    ObjectNode explainer = r.putObject("explainer");
    explainer.put("host", info.host());
    explainer.put("device", info.device());
    explainer.put("version", info.version());

    r.set("attributes", event.path("attributes").isObject() ? event.get("attributes") : json.createObjectNode());
    return r;
  }

  private static ObjectNode explanation(ObjectMapper json, Explanation ex) {
    ObjectNode e = json.createObjectNode();
    e.put("method", ex.method());
    e.put("layer", ex.layer());
    Map<String, Object> target = ex.target() == null ? Map.of() : ex.target();
    e.set("target", json.valueToTree(target));
    Object targetClass = target.get("classIndex");
    if (targetClass instanceof Number n) {
      e.put("targetClass", n.intValue());
    } else if (ex.prediction() != null) {
      e.put("targetClass", ex.prediction().classIndex());
    } else {
      e.putNull("targetClass");
    }
    if (ex.prediction() != null) {
      ObjectNode p = e.putObject("modelPrediction");
      p.put("classIndex", ex.prediction().classIndex());
      p.put("label", ex.prediction().label());
      p.put("score", ex.prediction().score());
    } else {
      e.putNull("modelPrediction");
    }
    e.set("grid", grid(json, ex.grid()));
    ObjectNode peak = e.putObject("peak");
    peak.put("x", ex.peak().x());
    peak.put("y", ex.peak().y());
    ArrayNode regions = e.putArray("regions");
    for (Explanation.Region reg : ex.regions()) {
      ObjectNode o = regions.addObject();
      o.put("x", reg.x());
      o.put("y", reg.y());
      o.put("w", reg.w());
      o.put("h", reg.h());
      o.put("share", Math.round(reg.share() * 1000) / 1000.0);
    }
    return e;
  }

  /** Area-averages the map to at most {@link #MAX_GRID_SIDE} per side and rounds to 3 decimals. */
  static ObjectNode grid(ObjectMapper json, Explanation.Grid g) {
    int w = Math.min(g.width(), MAX_GRID_SIDE);
    int h = Math.min(g.height(), MAX_GRID_SIDE);
    ObjectNode node = json.createObjectNode();
    node.put("width", w);
    node.put("height", h);
    ArrayNode values = node.putArray("values");
    for (int y = 0; y < h; y++) {
      int y0 = y * g.height() / h;
      int y1 = Math.max(y0 + 1, (y + 1) * g.height() / h);
      for (int x = 0; x < w; x++) {
        int x0 = x * g.width() / w;
        int x1 = Math.max(x0 + 1, (x + 1) * g.width() / w);
        double sum = 0;
        for (int yy = y0; yy < y1; yy++) {
          for (int xx = x0; xx < x1; xx++) {
            sum += g.values()[yy * g.width() + xx];
          }
        }
        values.add(Math.round(sum / ((y1 - y0) * (x1 - x0)) * 1000) / 1000.0);
      }
    }
    return node;
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field));
    }
  }
}
