package io.camstream.topology.explainer;

import io.camstream.topology.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The micro-batch pattern for a slow step under exactly-once: {@code process} only buffers the request in a
 * changelogged store (keyed by input offset, so iteration order is arrival order); a batch is drained when
 * {@code batch.max.size} requests are buffered, or by a wall-clock punctuator once the oldest has waited
 * {@code batch.linger.ms}. The drain blocks the stream thread on the explainer, forwards the outcomes and deletes
 * the requests from the store, so offsets, store deletes and outputs commit in one transaction: after a crash the
 * buffered requests come back from the changelog and run again, and the aborted outputs are never seen.
 */
final class MicroBatchProcessor implements Processor<byte[], byte[], byte[], byte[]> {

  static final String REVIEWS = "reviews-sink";
  static final String DEAD_LETTERS = "dead-letters-sink";

  private final String storeName;
  private final int batchMax;
  private final long lingerMs;
  private final BatchExplainer batches;
  private final ExplainerMetrics metrics;

  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, byte[]> store;
  private long pending;
  /** Wall-clock time the oldest pending request was buffered; drives the linger rule. */
  private long oldestMs;

  MicroBatchProcessor(String storeName, int batchMax, Duration linger, BatchExplainer batches,
      ExplainerMetrics metrics) {
    this.storeName = storeName;
    this.batchMax = batchMax;
    this.lingerMs = linger.toMillis();
    this.batches = batches;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    // Requests restored from the changelog after a crash are overdue: drain them at the first tick.
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        pending++;
      }
    }
    oldestMs = Long.MIN_VALUE / 2;
    metrics.bufferChanged(pending);
    // The tick is finer than the linger, and the linger check below (not the tick) decides: without it a drain that
    // outlasts the tick would run after every single record (see notes/kafka-opencv-facts.md).
    long tick = Math.max(1, Math.min(lingerMs / 2, 50));
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long now = context.currentSystemTimeMs();
    long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
    String source = context.recordMetadata().map(DeadLetters::source).orElse("unknown");
    // Zero-padded so the store's key order is the input order; one store per task, so offsets are unique.
    String key = String.format("%020d", offset);
    store.put(key, new Buffered(now, record.timestamp(), source, record.key(), record.value()).encode());
    if (pending == 0) {
      oldestMs = now;
    }
    pending++;
    metrics.bufferChanged(1);
    if (pending >= batchMax) {
      drain(now);
    }
  }

  private void tick(long now) {
    if (pending > 0 && (pending >= batchMax || now - oldestMs >= lingerMs)) {
      drain(now);
    }
  }

  private void drain(long now) {
    List<KeyValue<String, Buffered>> batch = new ArrayList<>(batchMax);
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext() && batch.size() < batchMax) {
        KeyValue<String, byte[]> kv = it.next();
        batch.add(KeyValue.pair(kv.key, Buffered.decode(kv.value)));
      }
    }
    List<BatchExplainer.Item> items = new ArrayList<>(batch.size());
    for (KeyValue<String, Buffered> kv : batch) {
      items.add(new BatchExplainer.Item(kv.value.value(), kv.value.bufferedAtMs()));
    }
    List<Outcome> outcomes = batches.run(items, now);
    for (Outcome outcome : outcomes) {
      Buffered in = batch.get(outcome.index()).value;
      if (outcome instanceof Outcome.Review review) {
        context.forward(
            new Record<>(review.eventId().getBytes(StandardCharsets.UTF_8), review.json(), in.timestamp()), REVIEWS);
        // The record timestamp is the inference event's (Streams carries it through the router), so this is the
        // end-to-end latency from the line's event to the review record.
        metrics.explained(context.currentSystemTimeMs() - in.timestamp());
      } else {
        Outcome.Failed failed = (Outcome.Failed) outcome;
        Record<byte[], byte[]> original = new Record<>(in.key(), in.value(), in.timestamp());
        context.forward(DeadLetters.of(original, failed.reason(), failed.message(), DeadLetters.STAGE_EXPLAINER,
            Optional.of(in.sourceMetadata())), DEAD_LETTERS);
        metrics.deadLettered(failed.reason());
      }
    }
    for (KeyValue<String, Buffered> kv : batch) {
      store.delete(kv.key);
    }
    pending -= batch.size();
    metrics.bufferChanged(-batch.size());
    oldestMs = pending > 0 ? oldestRemaining() : now;
  }

  private long oldestRemaining() {
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      return it.hasNext() ? Buffered.decode(it.next().value).bufferedAtMs() : context.currentSystemTimeMs();
    }
  }
}
