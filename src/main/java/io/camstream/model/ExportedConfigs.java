package io.camstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Makes a model spec from the configs Paddle toolkits export beside a model: PaddleClas {@code inference.yml},
 * PaddleDetection {@code infer_cfg.yml}, PaddleSeg {@code deploy.yaml}, and PaddleOCR's conventions (no config;
 * det/cls/rec told apart by the folder name). Every config entry that has no spec equivalent is reported, never
 * dropped silently.
 */
public final class ExportedConfigs {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
  private static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

  /** The spec as a YAML tree, which toolkit it came from, and the entries it could not map. */
  public record Result(String toolkit, ObjectNode spec, List<String> unmapped) {
    public String yaml() throws IOException {
      return "# written by `camstream models spec` from the " + toolkit + " export\n"
          + YAML.writeValueAsString(spec).replaceFirst("^---\\n", "");
    }
  }

  private ExportedConfigs() {}

  public static Result fromDir(Path dir, String id) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("model folder not found: " + dir);
    }
    String name = id != null ? id : dir.toAbsolutePath().normalize().getFileName().toString();
    List<String> unmapped = new ArrayList<>();
    ObjectNode spec = YAML.createObjectNode();
    spec.put("id", name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-"));
    spec.put("version", "1");
    ObjectNode input = YAML.createObjectNode();
    String toolkit;
    Path cls = dir.resolve("inference.yml");
    Path det = dir.resolve("infer_cfg.yml");
    Path seg = dir.resolve("deploy.yaml");
    if (Files.isRegularFile(det)) {
      toolkit = "PaddleDetection";
      detection(read(det), dir, spec, input, unmapped);
    } else if (Files.isRegularFile(seg)) {
      toolkit = "PaddleSeg";
      segmentation(read(seg), dir, spec, input, unmapped);
    } else if (Files.isRegularFile(cls)) {
      toolkit = "PaddleClas";
      classification(read(cls), dir, spec, input, unmapped);
    } else {
      toolkit = "PaddleOCR";
      ocr(name.toLowerCase(Locale.ROOT), spec, input, unmapped);
    }
    ObjectNode files = YAML.createObjectNode();
    files.put("dir", ".");
    String[] model = modelFiles(dir, unmapped);
    files.put("model", model[0]);
    files.put("params", model[1]);
    spec.set("files", files);
    spec.set("input", input);
    // keys in reading order
    ObjectNode ordered = YAML.createObjectNode();
    for (String k : List.of("id", "version", "files", "task", "input", "labels", "output", "logits")) {
      if (spec.has(k)) {
        ordered.set(k, spec.get(k));
      }
    }
    return new Result(toolkit, ordered, unmapped);
  }

  private static JsonNode read(Path f) throws IOException {
    try {
      return YAML.readTree(f.toFile());
    } catch (IOException e) {
      throw new IOException(f + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private static String[] modelFiles(Path dir, List<String> unmapped) {
    for (String stem : List.of("inference", "model")) {
      if (Files.isRegularFile(dir.resolve(stem + ".pdmodel"))) {
        return new String[] {stem + ".pdmodel", stem + ".pdiparams"};
      }
    }
    unmapped.add("no inference.pdmodel or model.pdmodel in " + dir + ": set files.model and files.params");
    return new String[] {"inference.pdmodel", "inference.pdiparams"};
  }

  /** PaddleClas: PreProcess.transform_ops and PostProcess (Topk class_id_map_file). */
  private static void classification(JsonNode cfg, Path dir, ObjectNode spec, ObjectNode input,
      List<String> unmapped) throws IOException {
    spec.put("task", "classification");
    input.put("channelOrder", "RGB"); // PaddleClas decodes to RGB (DecodeImage to_rgb: true)
    input.put("resize", "fixed");
    for (JsonNode op : cfg.path("PreProcess").path("transform_ops")) {
      String type = op.fieldNames().hasNext() ? op.fieldNames().next() : "";
      JsonNode a = op.path(type);
      switch (type) {
        case "ResizeImage" -> {
          if (a.has("resize_short")) {
            input.put("resize", "short-side-crop");
            input.put("limitSideLen", a.get("resize_short").asInt());
          } else if (a.has("size")) {
            putSize(input, a.get("size"));
          } else {
            unmapped.add("PreProcess ResizeImage " + a + ": neither resize_short nor size");
          }
          warnKeys(a, "PreProcess ResizeImage", unmapped, "resize_short", "size", "interpolation", "backend");
        }
        case "CropImage" -> putSize(input, a.get("size"));
        case "NormalizeImage" -> normalise(a, input, "PreProcess NormalizeImage", unmapped);
        case "DecodeImage" -> input.put("channelOrder", a.path("to_rgb").asBoolean(true) ? "RGB" : "BGR");
        case "ToCHWImage" -> { } // camstream always feeds CHW
        default -> unmapped.add("PreProcess " + type + " (no camstream equivalent)");
      }
    }
    if (!input.has("height")) {
      unmapped.add("PreProcess gives no input size (CropImage size / ResizeImage size): set input.height/width");
    }
    JsonNode post = cfg.path("PostProcess");
    JsonNode topk = post.has("Topk") ? post.get("Topk") : post;
    if (topk.has("class_id_map_file")) {
      String f = topk.get("class_id_map_file").asText();
      Path p = dir.resolve(f);
      if (!Files.isRegularFile(p)) {
        p = dir.resolve(Path.of(f).getFileName());
      }
      if (Files.isRegularFile(p)) {
        ArrayNode labels = spec.putArray("labels");
        for (String line : Files.readAllLines(p)) {
          // "<id> <name>" lines
          String[] parts = line.strip().split("\\s+", 2);
          if (!line.isBlank()) {
            labels.add(parts.length > 1 ? parts[1] : parts[0]);
          }
        }
      } else {
        unmapped.add("PostProcess class_id_map_file " + f + " not found next to the model: copy it there or set"
            + " labels");
      }
    }
  }

  /** PaddleDetection: arch, Preprocess list (type: ...), label_list. */
  private static void detection(JsonNode cfg, Path dir, ObjectNode spec, ObjectNode input,
      List<String> unmapped) {
    spec.put("task", "detection");
    input.put("channelOrder", "RGB"); // ppdet decodes to RGB
    input.put("resize", "fixed");
    unmapped.add("arch " + cfg.path("arch").asText("?") + ": boxes after NMS are not explained; an export without"
        + " NMS has its raw boxes and scores found, else set output (raw boxes [N,M,4]) and logits (raw class"
        + " scores [N,C,M]) to the variables before the NMS op");
    for (JsonNode op : cfg.path("Preprocess")) {
      String type = op.path("type").asText();
      switch (type) {
        case "Resize" -> {
          putSize(input, op.get("target_size"));
          if (op.path("keep_ratio").asBoolean(false)) {
            unmapped.add("Preprocess Resize keep_ratio: true (fit inside target_size): used a fixed resize");
          }
        }
        case "NormalizeImage" -> {
          ObjectNode a = op.deepCopy();
          if (op.path("is_scale").asBoolean(true)) {
            a.put("scale", 1.0 / 255);
          } else {
            a.put("scale", 1.0);
          }
          normalise(a, input, "Preprocess NormalizeImage", unmapped);
        }
        case "Permute" -> { }
        case "PadStride" -> input.put("multiple", op.path("stride").asInt(32));
        default -> unmapped.add("Preprocess " + type + " (no camstream equivalent)");
      }
    }
    if (cfg.has("label_list")) {
      spec.set("labels", cfg.get("label_list"));
    }
  }

  /** PaddleSeg: Deploy.transforms (Resize, Normalize), Deploy.model / params. */
  private static void segmentation(JsonNode cfg, Path dir, ObjectNode spec, ObjectNode input,
      List<String> unmapped) {
    spec.put("task", "dense");
    input.put("channelOrder", "RGB");
    input.put("resize", "fixed");
    input.put("scale", 1.0 / 255);
    input.set("mean", YAML.valueToTree(List.of(0.5, 0.5, 0.5))); // PaddleSeg Normalize defaults
    input.set("std", YAML.valueToTree(List.of(0.5, 0.5, 0.5)));
    JsonNode deploy = cfg.path("Deploy");
    for (JsonNode op : deploy.path("transforms")) {
      String type = op.path("type").asText();
      switch (type) {
        case "Resize" -> {
          JsonNode wh = op.get("target_size"); // PaddleSeg writes [w, h]
          if (wh != null && wh.isArray() && wh.size() == 2) {
            input.put("height", wh.get(1).asInt());
            input.put("width", wh.get(0).asInt());
          }
        }
        case "Normalize" -> {
          if (op.has("mean")) {
            input.set("mean", op.get("mean"));
          }
          if (op.has("std")) {
            input.set("std", op.get("std"));
          }
        }
        default -> unmapped.add("Deploy.transforms " + type + " (no camstream equivalent)");
      }
    }
    if (!input.has("height")) {
      unmapped.add("Deploy.transforms has no Resize target_size: set input.height/width");
    }
  }

  /** PaddleOCR exports no config; its predict_det/cls/rec.py defaults are the convention. */
  private static void ocr(String name, ObjectNode spec, ObjectNode input, List<String> unmapped) {
    input.put("channelOrder", "BGR");
    input.put("scale", 1.0 / 255);
    if (name.contains("_det")) {
      spec.put("task", "dense");
      input.put("resize", "longest-side");
      input.put("limitSideLen", 960);
      input.put("multiple", 32);
      input.put("height", 640);
      input.put("width", 640);
      input.set("mean", YAML.valueToTree(IMAGENET_MEAN));
      input.set("std", YAML.valueToTree(IMAGENET_STD));
    } else if (name.contains("_cls")) {
      spec.put("task", "classification");
      input.put("resize", "keep-ratio-pad");
      input.put("height", 48);
      input.put("width", 192);
      input.set("mean", YAML.valueToTree(List.of(0.5, 0.5, 0.5)));
      input.set("std", YAML.valueToTree(List.of(0.5, 0.5, 0.5)));
      spec.set("labels", YAML.valueToTree(List.of("0", "180")));
    } else if (name.contains("_rec")) {
      input.put("resize", "keep-ratio-pad");
      input.put("height", 48);
      input.put("width", 320);
      input.set("mean", YAML.valueToTree(List.of(0.5, 0.5, 0.5)));
      input.set("std", YAML.valueToTree(List.of(0.5, 0.5, 0.5)));
      unmapped.add("PaddleOCR rec: the output is a CTC sequence [N,T,C] with no target kind yet; set task and"
          + " output by hand");
    } else {
      unmapped.add("no inference.yml, infer_cfg.yml or deploy.yaml, and the folder name says neither det, cls nor"
          + " rec: write task and input by hand");
    }
  }

  private static void putSize(ObjectNode input, JsonNode size) {
    if (size == null) {
      return;
    }
    if (size.isArray() && size.size() == 2) {
      // PaddleDetection target_size: [h, w]
      input.put("height", size.get(0).asInt());
      input.put("width", size.get(1).asInt());
    } else {
      input.put("height", size.asInt());
      input.put("width", size.asInt());
    }
  }

  /** NormalizeImage: scale (a number or "1.0/255.0"), mean, std, order. */
  private static void normalise(JsonNode a, ObjectNode input, String where, List<String> unmapped) {
    JsonNode scale = a.get("scale");
    if (scale != null) {
      input.put("scale", scale.isNumber() ? scale.asDouble() : fraction(scale.asText(), where, unmapped));
    }
    if (a.has("mean")) {
      input.set("mean", a.get("mean"));
    }
    if (a.has("std")) {
      input.set("std", a.get("std"));
    }
    String order = a.path("order").asText("");
    if (!order.isEmpty() && !order.equals("hwc")) {
      unmapped.add(where + " order: " + order + " (camstream normalises HWC images)");
    }
    warnKeys(a, where, unmapped, "scale", "mean", "std", "order", "channel_num", "is_scale", "norm_type", "type",
        "output_fp16");
  }

  private static double fraction(String s, String where, List<String> unmapped) {
    String[] p = s.replace(" ", "").split("/");
    try {
      return p.length == 2 ? Double.parseDouble(p[0]) / Double.parseDouble(p[1]) : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      unmapped.add(where + " scale: '" + s + "' is not a number: used 1/255");
      return 1.0 / 255;
    }
  }

  private static void warnKeys(JsonNode a, String where, List<String> unmapped, String... known) {
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!List.of(known).contains(e.getKey())) {
        unmapped.add(where + " " + e.getKey() + ": " + e.getValue());
      }
    }
  }
}
