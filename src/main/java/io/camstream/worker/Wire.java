package io.camstream.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.explain.ExplanationJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The explain request and answer frames. An explanation travels as {@link ExplanationJson} (the same words as the
 * review record) with its PNGs as blobs; floats go through JSON as floats, so the grid and probabilities arrive
 * bit-identical and replays hash the same.
 */
final class Wire {

  private Wire() {}

  static Frame request(long id, List<ExplainInput> inputs) {
    ObjectNode h = Frame.JSON.createObjectNode();
    h.put("type", "explain");
    h.put("id", id);
    ArrayNode arr = h.putArray("inputs");
    List<byte[]> blobs = new ArrayList<>();
    for (ExplainInput in : inputs) {
      // every field but the image travels as JSON (all of them, so a new target kind needs no change here)
      ObjectNode o = Frame.JSON.valueToTree(in);
      o.remove("imageBytes");
      arr.add(o);
      blobs.add(in.imageBytes() == null ? new byte[0] : in.imageBytes());
    }
    return new Frame(h, blobs);
  }

  static List<ExplainInput> inputs(Frame f) {
    List<ExplainInput> out = new ArrayList<>();
    JsonNode arr = f.header().get("inputs");
    for (int i = 0; i < arr.size(); i++) {
      ObjectNode o = ((ObjectNode) arr.get(i)).deepCopy();
      o.put("imageBytes", f.blobs().get(i));
      try {
        out.add(Frame.JSON.treeToValue(o, ExplainInput.class));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("unreadable explain input " + i + ": " + e.getOriginalMessage(), e);
      }
    }
    return out;
  }

  /** The answer: per input an explanation (header + two blobs: heatmap, overlay or empty) or a failure. */
  static Frame answer(long id, List<Object> results, String device, String engine, double engineMs) {
    ObjectNode h = Frame.JSON.createObjectNode();
    h.put("type", "result");
    h.put("id", id);
    h.put("device", device);
    h.put("engine", engine);
    h.put("workerMs", engineMs);
    ArrayNode arr = h.putArray("results");
    List<byte[]> blobs = new ArrayList<>();
    for (Object r : results) {
      ObjectNode o = arr.addObject();
      if (r instanceof Explanation e) {
        ObjectNode ex = ExplanationJson.toJson(e);
        if (e.engine() != null) {
          // which engine ran this program (ONNX Runtime or Paddle) is per program, not per worker
          ex.putObject("engine").put("name", e.engine().name()).put("version", e.engine().version());
        }
        o.set("explanation", ex);
        o.put("overlay", e.overlayPng() != null);
        blobs.add(e.heatmapPng());
        blobs.add(e.overlayPng() == null ? new byte[0] : e.overlayPng());
      } else {
        ExplainException x = (ExplainException) r;
        o.put("reason", x.reason().name());
        o.put("message", x.getMessage());
        blobs.add(new byte[0]);
        blobs.add(new byte[0]);
      }
    }
    return new Frame(h, blobs);
  }

  static List<Object> results(Frame f) {
    List<Object> out = new ArrayList<>();
    JsonNode arr = f.header().get("results");
    for (int i = 0; i < arr.size(); i++) {
      JsonNode o = arr.get(i);
      if (o.has("explanation")) {
        byte[] overlay = o.path("overlay").asBoolean() ? f.blobs().get(2 * i + 1) : null;
        out.add(explanation(o.get("explanation"), f.blobs().get(2 * i), overlay));
      } else {
        out.add(new ExplainException(ExplainException.Reason.valueOf(o.get("reason").asText()),
            o.path("message").asText()));
      }
    }
    return out;
  }

  static Explanation explanation(JsonNode n, byte[] heatmap, byte[] overlay) {
    JsonNode m = n.get("model");
    Explanation.Prediction prediction = null;
    JsonNode p = n.get("prediction");
    if (p != null && !p.isNull()) {
      prediction = new Explanation.Prediction(p.get("classIndex").asInt(), text(p, "label"),
          p.get("score").asDouble(), floats(p.get("probabilities")));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> target = n.get("target") == null || n.get("target").isNull() ? null
        : Frame.JSON.convertValue(n.get("target"), LinkedHashMap.class);
    JsonNode g = n.get("grid");
    List<Explanation.Region> regions = new ArrayList<>();
    for (JsonNode r : n.get("regions")) {
      regions.add(new Explanation.Region(r.get("x").asInt(), r.get("y").asInt(), r.get("w").asInt(),
          r.get("h").asInt(), r.get("share").asDouble()));
    }
    Map<String, Double> timings = new LinkedHashMap<>();
    n.get("timingsMs").fields().forEachRemaining(e -> timings.put(e.getKey(), e.getValue().asDouble()));
    return new Explanation(n.get("width").asInt(), n.get("height").asInt(),
        new Explanation.ModelRef(text(m, "id"), text(m, "version"), text(m, "sha256")), text(n, "method"),
        text(n, "layer"), prediction, target,
        new Explanation.Grid(g.get("width").asInt(), g.get("height").asInt(), floats(g.get("values"))),
        new Explanation.Peak(n.get("peak").get("x").asInt(), n.get("peak").get("y").asInt()), regions, timings,
        heatmap, overlay, n.hasNonNull("engine")
            ? new Explanation.EngineRef(text(n.get("engine"), "name"), text(n.get("engine"), "version")) : null);
  }

  private static float[] floats(JsonNode arr) {
    float[] v = new float[arr.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = arr.get(i).floatValue();
    }
    return v;
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
