package io.camstream.attention;

/** What attention statistics are grouped by: one model on one line, for one predicted class. */
public record AttentionKey(String modelId, String lineId, String classLabel) {

  public AttentionKey {
    if (modelId == null || lineId == null || classLabel == null) {
      throw new IllegalArgumentException("attention key needs modelId, lineId and classLabel");
    }
  }
}
