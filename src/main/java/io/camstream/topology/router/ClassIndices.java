package io.camstream.topology.router;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Class indices an event names (the prediction's, its top-k and its detections'): each must be a whole number from
 * 0 to 2^31-1. Anything else (4294967296, 1.5, -1) would be cut or rounded into another class by a plain
 * {@code asInt()}, and that other class would be explained and reported.
 */
final class ClassIndices {

  private ClassIndices() {}

  /** What is wrong with the event's class indices, or null when they are all usable. */
  static String violation(JsonNode event) {
    JsonNode p = event.path("prediction");
    String v = check(p.get("classIndex"), "prediction.classIndex");
    for (int i = 0; v == null && i < p.path("topK").size(); i++) {
      v = check(p.path("topK").get(i).get("classIndex"), "prediction.topK[" + i + "].classIndex");
    }
    for (int i = 0; v == null && i < event.path("detections").size(); i++) {
      v = check(event.path("detections").get(i).get("classIndex"), "detections[" + i + "].classIndex");
    }
    return v;
  }

  private static String check(JsonNode n, String where) {
    if (n == null || n.isNull() || !n.isNumber()) {
      return null; // absent or not a number: the schema says so
    }
    boolean whole = n.isIntegralNumber() || (n.isFloatingPointNumber() && n.asDouble() == Math.rint(n.asDouble()));
    if (!whole || !n.canConvertToInt() || n.asInt() < 0) {
      return where + " " + n.asText() + " is not a class index (a whole number from 0 to " + Integer.MAX_VALUE
          + ")";
    }
    return null;
  }
}
