package io.camstream.attention;

/**
 * An alert about one key's final window: its kind ({@link #OUTSIDE_ROI} or {@link #CENTROID_DRIFT}), the value
 * that passed the threshold, and a sentence for the engineer on call.
 */
public record AttentionAlert(
    String kind,
    String modelId,
    String lineId,
    String classLabel,
    Window window,
    double value,
    double threshold,
    String message) {

  public static final String OUTSIDE_ROI = "attention.outside-roi";
  public static final String CENTROID_DRIFT = "attention.centroid-drift";

  /** The window as ISO-8601 instants plus its size name (hourly, daily). */
  public record Window(String start, String end, String size) {}
}
