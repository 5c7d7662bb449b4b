package io.camstream.attention;

import io.camstream.event.Alert;
import io.camstream.event.Json;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns each key's final windows into alerts: the share of heat outside the ROI above its threshold, or the
 * centroid moved more than its threshold since the key's previous final window. A store remembers each key's last
 * final window; a window that is not newer than it (a re-delivery after a failure) is dropped, so every window
 * raises at most one alert of each kind.
 */
final class AttentionAlerts implements Processor<Windowed<String>, AttentionWindow, String, String> {

  /** Alert kind: too much heat outside the line's ROI. */
  static final String OUTSIDE_ROI = "attention-outside-roi";
  /** Alert kind: the heat centroid moved. */
  static final String CENTROID_DRIFT = "attention-centroid-drift";

  /** What is remembered of a key's last final window. */
  record LastWindow(long start, double centroidX, double centroidY) {}

  private final AttentionSettings.WindowSize size;
  private final AttentionSettings settings;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, LastWindow> last;

  AttentionAlerts(AttentionSettings.WindowSize size, AttentionSettings settings) {
    this.size = size;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.last = context.getStateStore(size.lastStoreName());
  }

  @Override
  public void process(Record<Windowed<String>, AttentionWindow> record) {
    AttentionWindow window = record.value();
    if (window == null) {
      return;
    }
    String encoded = record.key().key();
    long start = record.key().window().start();
    LastWindow previous = last.get(encoded);
    if (previous != null && previous.start() >= start) {
      return;
    }
    AttentionSummary s = window.summary();
    if (s.noHeat()) {
      return;
    }
    AttentionKey key = AttentionKey.decode(encoded);
    Alert.Window w = new Alert.Window(
        Instant.ofEpochMilli(start).toString(), Instant.ofEpochMilli(record.key().window().end()).toString());
    Map<String, Object> extra = Map.of("windowSize", size.name(), "reviews", s.count());
    boolean enough = s.count() >= settings.minReviews();
    if (enough && s.outsideShare() > settings.outsideRoiThreshold()) {
      emit(record, key, new Alert(OUTSIDE_ROI, key.modelId(), key.lineId(), key.classLabel(),
          w, s.outsideShare(), settings.outsideRoiThreshold(), String.format(Locale.ROOT,
              "%s window from %s: %.0f%% of the heat of model %s on line %s for class '%s' lies outside the ROI "
                  + "(threshold %.0f%%, %d reviews)",
              size.name(), w.start(), 100 * s.outsideShare(), key.modelId(), key.lineId(), key.classLabel(),
              100 * settings.outsideRoiThreshold(), s.count()), extra));
    }
    if (enough && previous != null) {
      Centroid before = new Centroid(previous.centroidX(), previous.centroidY());
      double drift = before.distanceTo(s.centroid());
      if (drift > settings.driftThreshold()) {
        emit(record, key, new Alert(CENTROID_DRIFT, key.modelId(), key.lineId(),
            key.classLabel(), w, drift, settings.driftThreshold(), String.format(Locale.ROOT,
                "%s window from %s: the heat centroid of model %s on line %s for class '%s' moved %.2f of the image "
                    + "from (%.2f, %.2f) to (%.2f, %.2f) since the window from %s (threshold %.2f, %d reviews)",
                size.name(), w.start(), key.modelId(), key.lineId(), key.classLabel(), drift, before.x(), before.y(),
                s.centroid().x(), s.centroid().y(), Instant.ofEpochMilli(previous.start()), settings.driftThreshold(),
                s.count()), extra));
      }
    }
    if (enough) {
      // Too-small windows neither alert nor become the reference for the next window's drift.
      last.put(encoded, new LastWindow(start, s.centroid().x(), s.centroid().y()));
    }
  }

  private void emit(Record<Windowed<String>, AttentionWindow> record, AttentionKey key, Alert alert) {
    context.forward(new Record<>(key.path(), Json.string(alert), record.timestamp()));
  }
}
