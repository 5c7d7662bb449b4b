package io.camstream.io;

import io.camstream.config.CamstreamConfig;
import io.camstream.io.internal.LocalArtifactStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Where rendered artifacts (overlay and heatmap PNGs) go; review records refer to them by URI. Writes are atomic
 * and idempotent per event: re-running an event after a crash rewrites the same location with the same bytes.
 * Implementations are thread-safe.
 */
public interface ArtifactStore {

  /** What an artifact is. */
  enum Kind {
    OVERLAY("overlay"),
    HEATMAP("heatmap");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    /** File name part: {@code <eventId>.<suffix>.png}. */
    public String suffix() {
      return suffix;
    }
  }

  /** A stored artifact: where it is and the sha256 (lower-case hex) of exactly the bytes written. */
  record Stored(String uri, String sha256) {}

  /**
   * Stores one artifact.
   *
   * @param eventTime the event's timestamp; it picks the day folder, so a re-run lands in the same place
   * @param modelId the model id
   * @param eventId the event id (any characters; made safe for a file name)
   * @param kind overlay or heatmap
   * @param png the encoded PNG
   */
  Stored put(Instant eventTime, String modelId, String eventId, Kind kind, byte[] png) throws IOException;

  /** Deletes what is past retention at {@code now}; returns how many day folders went. */
  int purgeExpired(Instant now) throws IOException;

  /** A store under {@code dir} that keeps artifacts for {@code retention}. */
  static ArtifactStore local(Path dir, Duration retention) {
    return new LocalArtifactStore(dir, retention);
  }

  /** The local store under {@code artifacts.dir} keeping {@code artifacts.retention.hours} (-1: forever). */
  static ArtifactStore fromConfig(CamstreamConfig config) {
    long hours = config.artifactsRetentionHours();
    // Forever is a retention longer than any clock will reach.
    Duration retention = hours < 0 ? Duration.ofDays(365L * 1000) : Duration.ofHours(hours);
    return local(config.artifactsDir(), retention);
  }
}
