package io.camstream.attention;

import io.camstream.config.CamstreamConfig;
import java.time.Duration;
import java.util.List;

/**
 * How attention statistics are computed and when they alert.
 *
 * @param alertsTopic topic the alert records go to
 * @param gridWidth width of the fixed grid every heat map is resampled to
 * @param gridHeight height of that grid
 * @param outsideRoiThreshold alert when a window's share of heat outside the ROI is above this
 * @param driftThreshold alert when a window's centroid is farther than this (image fractions) from the previous
 *     window's
 * @param minReviews windows with fewer reviews are shown but never alert: one odd image is not a pattern
 * @param grace how long after its end a window still takes late reviews before it is final
 * @param windows the window sizes, e.g. hourly and daily
 */
public record AttentionSettings(
    String alertsTopic,
    int gridWidth,
    int gridHeight,
    double outsideRoiThreshold,
    double driftThreshold,
    int minReviews,
    Duration grace,
    List<WindowSize> windows) {

  /** One tumbling window size, named for stores, the API and alerts, with how long its windows stay queryable. */
  public record WindowSize(String name, Duration size, Duration retention) {

    public static final WindowSize HOURLY = new WindowSize("hourly", Duration.ofHours(1), Duration.ofDays(7));
    public static final WindowSize DAILY = new WindowSize("daily", Duration.ofDays(1), Duration.ofDays(35));

    /** Name of the windowed store holding this size's aggregates. */
    public String storeName() {
      return "attention-" + name;
    }

    /** Name of the store of windows not yet closed, with their latest aggregate ({@link WindowCloser}). */
    public String openStoreName() {
      return "attention-" + name + "-open";
    }

    /** Name of the store that remembers each key's last final window, for drift and de-duplication. */
    public String lastStoreName() {
      return "attention-" + name + "-last";
    }
  }

  public AttentionSettings {
    if (gridWidth <= 0 || gridHeight <= 0 || minReviews < 1 || windows.isEmpty()) {
      throw new IllegalArgumentException("attention settings need a positive grid, minReviews >= 1 and a window");
    }
    windows = List.copyOf(windows);
  }

  /** Defaults: 16x16 grid, thresholds 0.5 and 0.25, 5 reviews, 10 minutes grace, hourly and daily windows. */
  public static AttentionSettings defaults(String alertsTopic) {
    return new AttentionSettings(alertsTopic, 16, 16, 0.5, 0.25, 5, Duration.ofMinutes(10),
        List.of(WindowSize.HOURLY, WindowSize.DAILY));
  }

  /** The settings of a camstream config: its alerts topic and {@code attention.*} keys, hourly and daily windows. */
  public static AttentionSettings from(CamstreamConfig c) {
    int grid = c.getInt(CamstreamConfig.ATTENTION_GRID_SIZE_CONFIG);
    return new AttentionSettings(c.topics().alerts(), grid, grid,
        c.getDouble(CamstreamConfig.ATTENTION_OUTSIDE_ROI_THRESHOLD_CONFIG),
        c.getDouble(CamstreamConfig.ATTENTION_DRIFT_THRESHOLD_CONFIG),
        c.getInt(CamstreamConfig.ATTENTION_MIN_REVIEWS_CONFIG),
        Duration.ofMinutes(c.getLong(CamstreamConfig.ATTENTION_GRACE_MINUTES_CONFIG)),
        List.of(WindowSize.HOURLY, WindowSize.DAILY));
  }

  /** The window size with this name. */
  public WindowSize window(String name) {
    return windows.stream().filter(w -> w.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown attention window '" + name + "'"));
  }
}
