package io.camstream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.event.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The inference events {@code camstream demo} produces for the shipped sample images: confident ones (not
 * selected), low-confidence ones, new samples, a detection event on the document page, and a few malformed ones
 * (bad JSON, a schema violation, an image outside the allowed roots) that end in the dead-letter topic.
 */
final class DemoEvents {

  /** One event: its key (lineId), value bytes, and what the demo expects of it. */
  record Event(String eventId, String lineId, byte[] value, String expect) {}

  private DemoEvents() {}

  static List<Event> forImages(Path images, Instant now, String runId) {
    List<Event> out = new ArrayList<>();
    String[][] cls = {
        {"textline_en_0.png", "400", "64", "0", "0.97", "false"},
        {"textline_en_180.png", "400", "64", "1", "0.42", "false"},
        {"rapidocr_text_cls.jpg", "136", "48", "1", "0.55", "false"},
        {"rapidocr_text_rec.jpg", "362", "78", "0", "0.99", "true"},
        {"rapidocr_test_without_det.jpg", "445", "39", "0", "0.93", "false"},
    };
    int n = 0;
    for (String[] c : cls) {
      String id = runId + "-" + (++n);
      boolean confident = Double.parseDouble(c[4]) >= 0.6 && !Boolean.parseBoolean(c[5]);
      ObjectNode e = base(id, "line-a", now.plusMillis(n), images.resolve(c[0]), Integer.parseInt(c[1]),
          Integer.parseInt(c[2]), "ocr-textline-cls", "2.0");
      e.putObject("prediction").put("classIndex", Integer.parseInt(c[3]))
          .put("label", c[3].equals("0") ? "0" : "180").put("confidence", Double.parseDouble(c[4]));
      e.put("newSample", Boolean.parseBoolean(c[5]));
      out.add(new Event(id, "line-a", Json.bytes(e), confident ? "not selected (confident)" : "review"));
    }
    String detId = runId + "-" + (++n);
    ObjectNode det = base(detId, "line-b", now.plusMillis(n), images.resolve("doc_synthetic_en.png"), 640, 480,
        "ocr-db-det", "3.0");
    det.putArray("detections").addObject().put("label", "text").put("confidence", 0.48)
        .putObject("box").put("x", 40).put("y", 30).put("w", 300).put("h", 40);
    out.add(new Event(detId, "line-b", Json.bytes(det), "review"));

    out.add(new Event(runId + "-bad-json", "line-a",
        ("{\"eventId\": \"" + runId + "-bad-json\", oops").getBytes(StandardCharsets.UTF_8),
        "dead letter (bad JSON)"));
    ObjectNode noModel = base(runId + "-no-model", "line-a", now, images.resolve("textline_en_0.png"), 400, 64,
        "ocr-textline-cls", "2.0");
    noModel.remove("model");
    out.add(new Event(runId + "-no-model", "line-a", Json.bytes(noModel), "dead letter (schema)"));
    ObjectNode outside = base(runId + "-outside", "line-a", now, Path.of("/etc/passwd"), 400, 64,
        "ocr-textline-cls", "2.0");
    outside.putObject("prediction").put("classIndex", 0).put("label", "0").put("confidence", 0.2);
    out.add(new Event(runId + "-outside", "line-a", Json.bytes(outside), "dead letter (image not allowed)"));
    return out;
  }

  private static ObjectNode base(String id, String line, Instant ts, Path image, int w, int h, String model,
      String version) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("eventId", id);
    e.put("lineId", line);
    e.put("cameraId", line + "-cam-1");
    e.put("timestamp", ts.toString());
    e.putObject("model").put("id", model).put("version", version);
    e.putObject("image").put("uri", image.toUri().toString()).put("width", w).put("height", h);
    e.putObject("attributes").put("source", "camstream demo");
    return e;
  }
}
