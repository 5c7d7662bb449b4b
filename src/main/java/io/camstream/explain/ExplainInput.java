package io.camstream.explain;

/**
 * One image to explain. Null options fall back to the model spec's defaults.
 *
 * @param modelId model id as in the spec ({@code id} or {@code id@version})
 * @param imageBytes the encoded image (PNG, JPEG, ... anything OpenCV decodes)
 * @param imageName a name for logs and outputs (file name or event id)
 * @param layer target layer variable, or null for the spec's default
 * @param method CAM method name, or null for the spec's default
 * @param classIndex classification target class, or null for the predicted class
 * @param box dense target: sum of the output inside {x, y, w, h} in original image pixels, or null
 * @param threshold dense target: sum of the output over pixels above this value, or null (default 0.3)
 * @param withOverlay false keeps raw pixels out of every artifact (privacy heatmap-only)
 * @param segmentClass segmentation target: the sum of this class's logits over a mask (the box if given, else
 *     the pixels predicted as this class), or null
 * @param detection detection target: one reported box {x, y, w, h} in original image pixels; the score explained
 *     is class {@code classIndex} (or the best class) of the raw head candidate whose box overlaps it most (IoU)
 */
public record ExplainInput(
    String modelId,
    byte[] imageBytes,
    String imageName,
    String layer,
    String method,
    Integer classIndex,
    int[] box,
    Double threshold,
    boolean withOverlay,
    Integer segmentClass,
    int[] detection) {

  /** The form without a detection target. */
  public ExplainInput(String modelId, byte[] imageBytes, String imageName, String layer, String method,
      Integer classIndex, int[] box, Double threshold, boolean withOverlay, Integer segmentClass) {
    this(modelId, imageBytes, imageName, layer, method, classIndex, box, threshold, withOverlay, segmentClass, null);
  }

  /** The form without a segmentation target. */
  public ExplainInput(String modelId, byte[] imageBytes, String imageName, String layer, String method,
      Integer classIndex, int[] box, Double threshold, boolean withOverlay) {
    this(modelId, imageBytes, imageName, layer, method, classIndex, box, threshold, withOverlay, null);
  }

  /** The common case: model defaults, predicted class, overlay rendered. */
  public static ExplainInput of(String modelId, byte[] imageBytes, String imageName) {
    return new ExplainInput(modelId, imageBytes, imageName, null, null, null, null, null, true);
  }
}
