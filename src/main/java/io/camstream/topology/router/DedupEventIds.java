package io.camstream.topology.router;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.event.EventDigest;
import io.camstream.event.Json;
import io.camstream.topology.DeadLetters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Enforces "one event id, one event" on selected events, after they were re-keyed by eventId (so every send of an
 * id reaches the same task, whatever line or partition it came from). The store maps eventId to the sha256 of the
 * first send's canonical event ({@link EventDigest}) and when it was seen; it is changelogged, so the rule holds
 * across restarts and rebalances, and under exactly-once its update commits with the request it lets through.
 *
 * <ul>
 *   <li>first send: remembered, passed on as an explain request keyed by lineId again;
 *   <li>the same id with the same content: a resend, dropped (no second review);
 *   <li>the same id with other content: dead-lettered as {@code DUPLICATE_EVENT_ID}; the first stays the event.
 * </ul>
 *
 * Ids are remembered for {@code topic.retention.hours} (the reach of a replay), then forgotten by a wall-clock
 * sweep.
 */
final class DedupEventIds implements Processor<byte[], byte[], byte[], Object> {

  /** Header that carries the original event record's {@code topic-partition-offset} across the re-keying hop. */
  static final String SOURCE_HEADER = "camstream.router.source";
  /** Header with the sha256 of the event as the line sent it (before a large data: image became a reference). */
  static final String DIGEST_HEADER = "camstream.router.event-sha256";

  private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

  private final RouterMetrics metrics;
  private final long retentionMs;
  private ProcessorContext<byte[], Object> context;
  private KeyValueStore<String, byte[]> seen;

  /** @param retentionMs how long an id is remembered; negative: forever */
  DedupEventIds(RouterMetrics metrics, long retentionMs) {
    this.metrics = metrics;
    this.retentionMs = retentionMs;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
    this.seen = context.getStateStore(RouterTopology.EVENT_ID_STORE);
    if (retentionMs >= 0) {
      context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, this::forget);
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    JsonNode request;
    try {
      request = Json.tree(record.value());
    } catch (IOException e) {
      throw new IllegalStateException("the router wrote an unreadable request", e);
    }
    JsonNode event = request.get("event");
    String eventId = event.get("eventId").asText();
    String sent = header(record.headers(), DIGEST_HEADER);
    byte[] digest = HexFormat.of().parseHex(sent != null ? sent : EventDigest.sha256(event));
    byte[] first = seen.get(eventId);
    String source = header(record.headers(), SOURCE_HEADER);
    record.headers().remove(SOURCE_HEADER);
    record.headers().remove(DIGEST_HEADER);
    if (first == null) {
      seen.put(eventId, ByteBuffer.allocate(40).put(digest).putLong(context.currentSystemTimeMs()).array());
      byte[] lineKey = event.get("lineId").asText().getBytes(StandardCharsets.UTF_8);
      context.forward(new Record<>(lineKey, (Object) record.value(), record.timestamp(), record.headers()),
          RouterTopology.REQUESTS_SINK);
      return;
    }
    if (java.util.Arrays.equals(digest, 0, 32, first, 0, 32)) {
      metrics.duplicate("same-content");
      return;
    }
    metrics.duplicate("other-content");
    metrics.deadLettered(DeadLetters.Reason.DUPLICATE_EVENT_ID.name());
    // the dead letter carries the event as the line sent it, keyed by lineId like the original record
    Record<byte[], byte[]> original = new Record<>(event.get("lineId").asText().getBytes(StandardCharsets.UTF_8),
        Json.bytes(event), record.timestamp(), record.headers());
    Record<byte[], byte[]> dl = DeadLetters.of(original, DeadLetters.Reason.DUPLICATE_EVENT_ID,
        "event id " + eventId + " was already used by an event with other content (sha256 "
            + HexFormat.of().formatHex(first, 0, 32) + ", this one " + HexFormat.of().formatHex(digest)
            + "); the first event stands",
        DeadLetters.STAGE_ROUTER, context.recordMetadata());
    if (source != null) {
      dl.headers().remove(DeadLetters.SOURCE).add(DeadLetters.SOURCE, source.getBytes(StandardCharsets.UTF_8));
    }
    context.forward(dl.withValue((Object) dl.value()), RouterTopology.DEAD_LETTER_SINK);
  }

  private void forget(long nowMs) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = seen.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (nowMs - ByteBuffer.wrap(kv.value).getLong(32) > retentionMs) {
          expired.add(kv.key);
        }
      }
    }
    expired.forEach(seen::delete);
  }

  private static String header(Headers headers, String name) {
    return DeadLetters.header(headers, name);
  }
}
