package io.camstream.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The JSON form of an {@link Explanation}, shared by the {@code explain} command's {@code <stem>.json} and the
 * review record's {@code explanation} block, so both say the same thing in the same words.
 */
public final class ExplanationJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ExplanationJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Model, method, layer, prediction, target, grid, peak, regions and timings. */
  public static ObjectNode toJson(Explanation e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("width", e.width());
    n.put("height", e.height());
    ObjectNode model = n.putObject("model");
    model.put("id", e.model().id());
    model.put("version", e.model().version());
    model.put("sha256", e.model().sha256());
    n.put("method", e.method());
    n.put("layer", e.layer());
    if (e.prediction() != null) {
      ObjectNode p = n.putObject("prediction");
      p.put("classIndex", e.prediction().classIndex());
      p.put("label", e.prediction().label());
      p.put("score", e.prediction().score());
      ArrayNode probs = p.putArray("probabilities");
      for (float v : e.prediction().probabilities()) {
        probs.add(v);
      }
    } else {
      n.putNull("prediction");
    }
    n.set("target", MAPPER.valueToTree(e.target()));
    ObjectNode grid = n.putObject("grid");
    grid.put("width", e.grid().width());
    grid.put("height", e.grid().height());
    ArrayNode values = grid.putArray("values");
    for (float v : e.grid().values()) {
      values.add(v);
    }
    ObjectNode peak = n.putObject("peak");
    peak.put("x", e.peak().x());
    peak.put("y", e.peak().y());
    ArrayNode regions = n.putArray("regions");
    for (Explanation.Region r : e.regions()) {
      ObjectNode o = regions.addObject();
      o.put("x", r.x());
      o.put("y", r.y());
      o.put("w", r.w());
      o.put("h", r.h());
      o.put("share", r.share());
    }
    ObjectNode t = n.putObject("timingsMs");
    for (Map.Entry<String, Double> en : e.timingsMs().entrySet()) {
      t.put(en.getKey(), en.getValue());
    }
    if (e.engine() != null) {
      ObjectNode engine = n.putObject("engine");
      engine.put("name", e.engine().name());
      engine.put("version", e.engine().version());
    }
    return n;
  }
}
