package io.camstream.review.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The import formats {@code camstream export} writes. Each keeps the image reference, the model's label, the
 * reviewer's decision or relabel (and name), the hot regions, the heat map and the model id, version and sha256,
 * in the place its tools look or, where the format has none, in fields its readers ignore.
 */
public enum ExportFormat {

  /**
   * {@code tasks.json}: a JSON list of Label Studio tasks. {@code data.image} the image, the model's label and hot
   * regions as a {@code prediction} (choices and rectangle labels in percent of the image), the reviewer's label as
   * an {@code annotation}; camstream's fields under {@code data} and {@code meta}.
   */
  LABEL_STUDIO("label-studio") {
    @Override
    List<Path> write(List<DecidedReview> reviews, Path dir) throws IOException {
      ArrayNode tasks = MAPPER.createArrayNode();
      for (DecidedReview r : reviews) {
        ObjectNode task = tasks.addObject();
        ObjectNode data = task.putObject("data");
        data.put("image", r.imageUri());
        data.put("heatmap", r.heatmapUri());
        data.put("eventId", r.eventId());
        data.put("modelLabel", r.modelLabel());
        data.set("model", r.model());
        ObjectNode prediction = task.putArray("predictions").addObject();
        prediction.put("model_version", r.model().path("id").asText("") + ":" + r.model().path("version").asText(""));
        prediction.put("score", r.review().path("prediction").path("confidence").asDouble(0));
        ArrayNode result = prediction.putArray("result");
        result.add(choice(r.modelLabel(), r));
        int i = 0;
        for (JsonNode region : r.regions()) {
          ObjectNode box = result.addObject();
          box.put("id", "hot-" + i++);
          box.put("from_name", "hot");
          box.put("to_name", "image");
          box.put("type", "rectanglelabels");
          box.put("original_width", r.width());
          box.put("original_height", r.height());
          box.put("score", region.path("share").asDouble());
          ObjectNode v = box.putObject("value");
          v.put("x", 100.0 * region.path("x").asDouble() / Math.max(1, r.width()));
          v.put("y", 100.0 * region.path("y").asDouble() / Math.max(1, r.height()));
          v.put("width", 100.0 * region.path("w").asDouble() / Math.max(1, r.width()));
          v.put("height", 100.0 * region.path("h").asDouble() / Math.max(1, r.height()));
          v.put("rotation", 0);
          v.putArray("rectanglelabels").add(r.modelLabel());
        }
        ObjectNode annotation = task.putArray("annotations").addObject();
        annotation.put("was_cancelled", false);
        annotation.put("created_at", r.decision().path("decidedAt").asText());
        ArrayNode ar = annotation.putArray("result");
        r.trueLabel().ifPresent(l -> ar.add(choice(l, r)));
        ObjectNode meta = task.putObject("meta");
        meta.put("decision", r.verdict());
        meta.put("reviewer", r.reviewer());
        meta.put("comment", r.decision().path("comment").asText(null));
      }
      Path out = dir.resolve("tasks.json");
      MAPPER.writeValue(out.toFile(), tasks);
      return List.of(out);
    }

    private ObjectNode choice(String label, DecidedReview r) {
      ObjectNode c = MAPPER.createObjectNode();
      c.put("from_name", "label");
      c.put("to_name", "image");
      c.put("type", "choices");
      c.put("original_width", r.width());
      c.put("original_height", r.height());
      c.putObject("value").putArray("choices").add(label);
      return c;
    }
  },

  /**
   * {@code annotations.json} in COCO layout: {@code images} (file name, size, camstream fields), {@code categories}
   * (every true label and model label), {@code annotations}: one whole-image box with the true label per confirmed
   * or relabelled review, and the hot regions as boxes of the model's label marked {@code "camstream": {kind:
   * "hot-region"}}. Rejected reviews are images without a label annotation.
   */
  COCO("coco") {
    @Override
    List<Path> write(List<DecidedReview> reviews, Path dir) throws IOException {
      TreeSet<String> names = new TreeSet<>();
      for (DecidedReview r : reviews) {
        names.add(r.modelLabel());
        r.trueLabel().ifPresent(names::add);
      }
      Map<String, Integer> ids = new TreeMap<>();
      ObjectNode coco = MAPPER.createObjectNode();
      coco.putObject("info").put("description", "camstream review decisions").put("version", "1");
      ArrayNode categories = coco.putArray("categories");
      for (String n : names) {
        ids.put(n, ids.size() + 1);
        categories.addObject().put("id", ids.get(n)).put("name", n).put("supercategory", "camstream");
      }
      ArrayNode images = coco.putArray("images");
      ArrayNode annotations = coco.putArray("annotations");
      int imageId = 0;
      int annotationId = 0;
      for (DecidedReview r : reviews) {
        imageId++;
        ObjectNode img = images.addObject();
        img.put("id", imageId);
        img.put("file_name", fileName(r.imageUri()));
        img.put("coco_url", r.imageUri());
        img.put("width", r.width());
        img.put("height", r.height());
        ObjectNode cs = img.putObject("camstream");
        cs.put("eventId", r.eventId());
        cs.put("modelLabel", r.modelLabel());
        cs.put("decision", r.verdict());
        cs.put("reviewer", r.reviewer());
        cs.put("heatmap", r.heatmapUri());
        cs.set("model", r.model());
        if (r.trueLabel().isPresent()) {
          annotations.add(box(++annotationId, imageId, ids.get(r.trueLabel().get()), 0, 0, r.width(), r.height())
              .put("iscrowd", 0));
        }
        for (JsonNode region : r.regions()) {
          ObjectNode a = box(++annotationId, imageId, ids.get(r.modelLabel()), region.path("x").asInt(),
              region.path("y").asInt(), region.path("w").asInt(), region.path("h").asInt());
          a.put("iscrowd", 0);
          a.put("score", region.path("share").asDouble());
          a.putObject("camstream").put("kind", "hot-region");
          annotations.add(a);
        }
      }
      Path out = dir.resolve("annotations.json");
      MAPPER.writeValue(out.toFile(), coco);
      return List.of(out);
    }

    private ObjectNode box(int id, int imageId, int categoryId, int x, int y, int w, int h) {
      ObjectNode a = MAPPER.createObjectNode();
      a.put("id", id);
      a.put("image_id", imageId);
      a.put("category_id", categoryId);
      a.putArray("bbox").add(x).add(y).add(w).add(h);
      a.put("area", (long) w * h);
      return a;
    }
  },

  /**
   * PaddleClas lists: {@code train_list.txt} with {@code <image path> <class id>} a line (confirmed and relabelled
   * reviews; the path is the file path of a {@code file:} URI, else the URI), {@code label_list.txt} with
   * {@code <class id> <name>}, and {@code camstream.jsonl}, one line per listed image with what the lists cannot
   * hold (event, model label, decision, reviewer, heat map, hot regions, model).
   */
  PADDLECLAS("paddleclas") {
    @Override
    List<Path> write(List<DecidedReview> reviews, Path dir) throws IOException {
      TreeSet<String> names = new TreeSet<>();
      reviews.forEach(r -> r.trueLabel().ifPresent(names::add));
      Map<String, Integer> ids = new TreeMap<>();
      StringBuilder labels = new StringBuilder();
      for (String n : names) {
        if (n.contains("\n") || n.contains(" ")) {
          throw new IllegalArgumentException("PaddleClas label lists cannot hold the label '" + n + "'");
        }
        ids.put(n, ids.size());
        labels.append(ids.get(n)).append(' ').append(n).append('\n');
      }
      StringBuilder list = new StringBuilder();
      StringBuilder meta = new StringBuilder();
      for (DecidedReview r : reviews) {
        if (r.trueLabel().isEmpty()) {
          continue;
        }
        String path = path(r.imageUri());
        if (path == null || path.contains(" ") || path.contains("\n")) {
          throw new IllegalArgumentException("review " + r.eventId() + ": PaddleClas needs an image path without"
              + " spaces, not '" + path + "'");
        }
        list.append(path).append(' ').append(ids.get(r.trueLabel().get())).append('\n');
        ObjectNode m = MAPPER.createObjectNode();
        m.put("path", path);
        m.put("eventId", r.eventId());
        m.put("modelLabel", r.modelLabel());
        m.put("decision", r.verdict());
        m.put("label", r.trueLabel().get());
        m.put("reviewer", r.reviewer());
        m.put("heatmap", r.heatmapUri());
        m.set("regions", r.regions());
        m.set("model", r.model());
        meta.append(m.toString()).append('\n');
      }
      Path listFile = dir.resolve("train_list.txt");
      Path labelFile = dir.resolve("label_list.txt");
      Path metaFile = dir.resolve("camstream.jsonl");
      Files.writeString(listFile, list, StandardCharsets.UTF_8);
      Files.writeString(labelFile, labels, StandardCharsets.UTF_8);
      Files.writeString(metaFile, meta, StandardCharsets.UTF_8);
      return List.of(listFile, labelFile, metaFile);
    }
  };

  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String id;

  ExportFormat(String id) {
    this.id = id;
  }

  /** The name on the command line. */
  public String id() {
    return id;
  }

  /** Parses {@code label-studio}, {@code coco} or {@code paddleclas}. */
  public static ExportFormat of(String s) {
    for (ExportFormat f : values()) {
      if (f.id.equals(s)) {
        return f;
      }
    }
    throw new IllegalArgumentException("format must be label-studio, coco or paddleclas, not '" + s + "'");
  }

  /** Writes the reviews into {@code dir} (created if needed); returns the files written. */
  public List<Path> export(List<DecidedReview> reviews, Path dir) throws IOException {
    Files.createDirectories(dir);
    return write(new ArrayList<>(reviews), dir);
  }

  abstract List<Path> write(List<DecidedReview> reviews, Path dir) throws IOException;

  static String path(String uri) {
    if (uri == null) {
      return null;
    }
    if (uri.regionMatches(true, 0, "file:", 0, 5)) {
      try {
        return Path.of(URI.create(uri)).toString();
      } catch (IllegalArgumentException e) {
        return uri;
      }
    }
    return uri;
  }

  static String fileName(String uri) {
    String p = path(uri);
    return p == null ? null : p.substring(p.lastIndexOf('/') + 1);
  }
}
