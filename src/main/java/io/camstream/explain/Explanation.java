package io.camstream.explain;

import java.util.List;
import java.util.Map;

/**
 * One explained image: what the model predicted, the normalised map at feature-map resolution, its summary in
 * original image pixels, and the rendered artifacts. This is the engine's answer to every caller (CLI, explainer
 * role, replay, compare), so it carries everything a review record needs.
 *
 * @param width original image width in pixels
 * @param height original image height in pixels
 * @param model the model that was explained
 * @param method CAM method name (gradcam, gradcampp, ...)
 * @param layer target layer variable name
 * @param prediction the classifier's prediction; null for dense models
 * @param target what was explained, e.g. {kind: class, classIndex: 0} or {kind: box, box: [x,y,w,h]}
 * @param grid the normalised map at feature-map resolution (after padding is cropped away), values in [0,1]
 * @param peak hottest point in original image pixels
 * @param regions hot regions in original image pixels with their share of the heat mass
 * @param timingsMs per-stage timings: preprocess, engine, cam, render
 * @param heatmapPng 8-bit grey PNG, exactly the original size, 255 = hottest
 * @param overlayPng colour-mapped map blended on the original image (PNG); null when raw pixels must stay out
 * @param engine the inference engine that ran the explain program; null when not known
 */
public record Explanation(
    int width,
    int height,
    ModelRef model,
    String method,
    String layer,
    Prediction prediction,
    Map<String, Object> target,
    Grid grid,
    Peak peak,
    List<Region> regions,
    Map<String, Double> timingsMs,
    byte[] heatmapPng,
    byte[] overlayPng,
    EngineRef engine) {

  public Explanation(int width, int height, ModelRef model, String method, String layer, Prediction prediction,
      Map<String, Object> target, Grid grid, Peak peak, List<Region> regions, Map<String, Double> timingsMs,
      byte[] heatmapPng, byte[] overlayPng) {
    this(width, height, model, method, layer, prediction, target, grid, peak, regions, timingsMs, heatmapPng,
        overlayPng, null);
  }

  /** Engine name ({@code onnxruntime}, {@code paddle}) and version. */
  public record EngineRef(String name, String version) {}

  /** Model identity as recorded for audits. */
  public record ModelRef(String id, String version, String sha256) {}

  /** Classifier output: arg-max class, its label and softmax probability, and all probabilities. */
  public record Prediction(int classIndex, String label, double score, float[] probabilities) {}

  /** Row-major map of {@code width * height} values in [0,1]. */
  public record Grid(int width, int height, float[] values) {}

  /** A point in original image pixels. */
  public record Peak(int x, int y) {}

  /** A hot region box in original image pixels and its share of the total heat mass. */
  public record Region(int x, int y, int w, int h, double share) {}
}
