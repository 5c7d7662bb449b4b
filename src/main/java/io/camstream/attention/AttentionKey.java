package io.camstream.attention;

import com.fasterxml.jackson.core.JsonProcessingException;

/** What attention statistics are grouped by: one model on one line, for one predicted class. */
public record AttentionKey(String modelId, String lineId, String classLabel) {

  public AttentionKey {
    if (modelId == null || lineId == null || classLabel == null) {
      throw new IllegalArgumentException("attention key needs modelId, lineId and classLabel");
    }
  }

  /** The key as stored: compact JSON with the fields in declaration order, so equal keys give equal strings. */
  public String encode() {
    try {
      return JsonSerde.MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The key from its stored form.
   *
   * @throws IllegalArgumentException when the string is not an encoded key
   */
  public static AttentionKey decode(String s) {
    try {
      return JsonSerde.MAPPER.readValue(s, AttentionKey.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an attention key: " + s, e);
    }
  }

  /** {@code model/line/class}: the key of alert records and a readable name in logs. */
  public String path() {
    return modelId + "/" + lineId + "/" + classLabel;
  }
}
