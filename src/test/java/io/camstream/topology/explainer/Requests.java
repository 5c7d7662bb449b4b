package io.camstream.topology.explainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Explain requests as the router writes them ({@code {event, policy, reasons}}), for explainer-only tests. */
public final class Requests {

  static final ObjectMapper JSON = new ObjectMapper();

  private Requests() {}

  public static ObjectNode request(String eventId, String model, String version, String uri, String privacy) {
    ObjectNode r = JSON.createObjectNode();
    ObjectNode e = r.putObject("event");
    e.put("eventId", eventId);
    e.put("lineId", "line-1");
    e.put("cameraId", "cam-7");
    e.put("timestamp", "2026-11-28T03:00:00Z");
    e.putObject("model").put("id", model).put("version", version);
    e.putObject("image").put("uri", uri).put("width", 400).put("height", 64);
    if (model.equals("ocr-textline-cls")) {
      e.putObject("prediction").put("classIndex", 0).put("label", "0").put("confidence", 0.41);
    } else {
      e.putArray("detections").addObject().put("label", "text").put("confidence", 0.5);
    }
    e.putObject("attributes").put("shift", "night");
    ObjectNode policy = r.putObject("policy");
    policy.put("enableExplain", true).put("confidenceBelow", 0.6).put("explainNewSamples", true)
        .put("auditSampleRate", 0.0).put("explainAll", false).putNull("targetLayer").putNull("method")
        .put("privacy", privacy).putNull("roi");
    r.putArray("reasons").add("low-confidence");
    return r;
  }

  public static ObjectNode cls(String eventId, String image) {
    return request(eventId, "ocr-textline-cls", "2.0", SharedImages.uri(image), "full");
  }

  public static byte[] bytes(ObjectNode request) {
    try {
      return JSON.writeValueAsBytes(request);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
