package io.camstream.topology.explainer;

/** What became of one explain request: a review record to publish, or a dead letter with its reason. */
public sealed interface Outcome {

  /** Index of the request in the batch it came from. */
  int index();

  /**
   * A review record.
   *
   * @param eventId the key on the reviews topic
   * @param json the review record
   * @param heatmapSha256 hash of the heatmap PNG (what replays compare)
   */
  record Review(int index, String eventId, byte[] json, String heatmapSha256) implements Outcome {}

  /**
   * A request that could not be explained.
   *
   * @param reason machine-readable reason (an {@code ExplainException.Reason} name, or {@code BAD_REQUEST})
   * @param message one line for people
   * @param workerOutput the last output lines of an engine worker the request killed, or null
   */
  record Failed(int index, String eventId, String reason, String message, String workerOutput)
      implements Outcome {

    /** A failure without engine worker output. */
    public Failed(int index, String eventId, String reason, String message) {
      this(index, eventId, reason, message, null);
    }
  }
}
