package io.camstream.attention;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Emits each window's final aggregate once it is closed (end plus grace has passed), also when no further review
 * comes. Kafka Streams' own suppression closes windows on stream time only, which stands still while a line is
 * quiet, so the last window of a line that stopped sending would never close and never alert. Here the time a
 * window is judged by is stream time advanced by the wall-clock time that has passed since stream time last moved:
 * while reviews flow it is stream time (replays and backfills of old data close windows as their data passes),
 * and while the task is idle it keeps going with the clock. A wall-clock punctuator checks the open windows.
 *
 * <p>The open windows' latest aggregates live in a changelogged store, so a restart loses none; a window closed
 * here and updated again by a late review within the aggregation's grace is emitted again, which
 * {@link AttentionAlerts} drops (it is not newer than the key's last final window).
 */
final class WindowCloser implements Processor<Windowed<String>, AttentionWindow, Windowed<String>, AttentionWindow> {

  private final String storeName;
  private final long graceMs;
  private final Duration tick;
  private ProcessorContext<Windowed<String>, AttentionWindow> context;
  private KeyValueStore<String, AttentionWindow> open;
  private long streamTime = Long.MIN_VALUE;
  private long streamTimeSeenAt;

  WindowCloser(String storeName, Duration grace, Duration tick) {
    this.storeName = storeName;
    this.graceMs = grace.toMillis();
    this.tick = tick;
  }

  @Override
  public void init(ProcessorContext<Windowed<String>, AttentionWindow> context) {
    this.context = context;
    this.open = context.getStateStore(storeName);
    this.streamTimeSeenAt = context.currentSystemTimeMs();
    context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, now -> closeDue(now));
  }

  @Override
  public void process(Record<Windowed<String>, AttentionWindow> record) {
    if (record.value() != null) {
      open.put(encode(record.key()), record.value());
    }
    closeDue(context.currentSystemTimeMs());
  }

  /** Stream time, moved on by the wall clock since stream time last changed. */
  long effectiveTime(long wallNow) {
    long st = context.currentStreamTimeMs();
    if (st != streamTime) {
      streamTime = st;
      streamTimeSeenAt = wallNow;
    }
    return streamTime == Long.MIN_VALUE ? Long.MIN_VALUE : streamTime + Math.max(0, wallNow - streamTimeSeenAt);
  }

  private void closeDue(long wallNow) {
    long now = effectiveTime(wallNow);
    List<KeyValue<String, AttentionWindow>> due = new ArrayList<>();
    try (KeyValueIterator<String, AttentionWindow> it = open.all()) {
      while (it.hasNext()) {
        KeyValue<String, AttentionWindow> kv = it.next();
        if (end(kv.key) + graceMs <= now) {
          due.add(kv);
        }
      }
    }
    for (KeyValue<String, AttentionWindow> kv : due) {
      Windowed<String> key = decode(kv.key);
      context.forward(new Record<>(key, kv.value, key.window().end() - 1));
      open.delete(kv.key);
    }
  }

  /** {@code start:end:key}; the key may contain anything. */
  static String encode(Windowed<String> w) {
    return w.window().start() + ":" + w.window().end() + ":" + w.key();
  }

  static Windowed<String> decode(String s) {
    int a = s.indexOf(':');
    int b = s.indexOf(':', a + 1);
    return new Windowed<>(s.substring(b + 1),
        new Span(Long.parseLong(s.substring(0, a)), Long.parseLong(s.substring(a + 1, b))));
  }

  private static long end(String encoded) {
    int a = encoded.indexOf(':');
    return Long.parseLong(encoded.substring(a + 1, encoded.indexOf(':', a + 1)));
  }

  /** A tumbling window's span (the public {@link Window} is abstract; its time-window class is internal). */
  static final class Span extends Window {
    Span(long start, long end) {
      super(start, end);
    }

    @Override
    public boolean overlap(Window other) {
      return start() < other.end() && other.start() < end();
    }
  }
}
