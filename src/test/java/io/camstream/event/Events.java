package io.camstream.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Sample events for tests. */
public final class Events {

  private Events() {}

  /** A valid classification event as JSON text. */
  public static String classification(String eventId, String lineId, String modelId, double confidence,
      boolean newSample, String imageUri) {
    return """
        {"eventId":"%s","lineId":"%s","cameraId":"cam-1","timestamp":"2026-11-28T03:00:00.123Z",
         "model":{"id":"%s","version":"1"},
         "image":{"uri":"%s","width":192,"height":48},
         "prediction":{"classIndex":0,"label":"0","confidence":%s},
         "newSample":%s,"attributes":{"shift":"night"},"vendorField":{"kept":[1,2,3]}}
        """.formatted(eventId, lineId, modelId, imageUri, confidence, newSample);
  }

  /** The same as a tree. */
  public static ObjectNode classificationNode(String eventId, String lineId, String modelId, double confidence,
      boolean newSample, String imageUri) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(classification(eventId, lineId, modelId, confidence, newSample,
          imageUri));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
