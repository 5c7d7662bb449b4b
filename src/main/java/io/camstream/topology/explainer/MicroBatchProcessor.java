package io.camstream.topology.explainer;

import io.camstream.explain.EngineCrashedException;
import io.camstream.explain.EngineUnavailableException;
import io.camstream.explain.ExplainException;
import io.camstream.topology.DeadLetters;
import java.io.UncheckedIOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batch pattern for a slow step under exactly-once: {@code process} only buffers the request in a
 * changelogged store (keyed by input offset, so iteration order is arrival order); a batch is drained when
 * {@code batch.max.size} requests are buffered, or by a wall-clock punctuator once the oldest has waited
 * {@code batch.linger.ms}. The drain blocks the stream thread on the explainer, forwards the outcomes and deletes
 * the requests from the store, so offsets, store deletes and outputs commit in one transaction: after a crash the
 * buffered requests come back from the changelog and run again, and the aborted outputs are never seen.
 *
 * <p>A drain has two halves one tick apart: {@code arm} counts an attempt on each request of the batch and asks for
 * a commit; the next tick sends the (now committed) batch. A batch the engine cannot take (no worker up, artifact
 * store full) is kept, its attempt uncounted, and retried with backoff.
 */
final class MicroBatchProcessor implements Processor<byte[], byte[], byte[], byte[]> {

  static final String REVIEWS = "reviews-sink";
  static final String DEAD_LETTERS = "dead-letters-sink";

  private final String storeName;
  private final int batchMax;
  private final long lingerMs;
  private final BatchExplainer batches;
  private final ExplainerMetrics metrics;

  /** More sends than this without an answer (the role died each time): dead-lettered as ENGINE_CRASHED. */
  static final int MAX_ATTEMPTS = 5;
  static final long MAX_RETRY_BACKOFF_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(MicroBatchProcessor.class);

  private ProcessorContext<byte[], byte[]> context;
  /** Keys of the batch whose attempt was counted and committed; sent at the next tick. */
  private List<String> armed;
  private long retryAtMs;
  private long retryBackoffMs;
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
    if (pending >= batchMax && armed == null && now >= retryAtMs) {
      arm();
    }
  }

  private void tick(long now) {
    if (now < retryAtMs) {
      return;
    }
    if (armed != null) {
      drain(now);
    } else if (pending > 0 && (pending >= batchMax || now - oldestMs >= lingerMs)) {
      arm();
    }
  }

  /**
   * First half of a drain: counts an attempt on each request of the next batch and asks for a commit, so the
   * count is committed before the batch is sent (Streams commits a requested commit before the next punctuation).
   * The batch is as large as the engine can run at once: a part per worker.
   */
  private void arm() {
    int size = batchMax * Math.max(1, batches.parallelism());
    List<String> keys = new ArrayList<>(size);
    int held = 0;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext() && keys.size() < size) {
        KeyValue<String, byte[]> kv = it.next();
        Buffered b = Buffered.decode(kv.value);
        if (!batches.ready(b.value())) {
          // Its program is being built in the background: it waits here, unsent and uncounted; others go on.
          held++;
          continue;
        }
        store.put(kv.key, b.withAttempts(b.attempts() + 1).encode());
        keys.add(kv.key);
      }
    }
    if (!keys.isEmpty()) {
      armed = keys;
      context.commit();
    } else if (held > 0) {
      // Waiting for a background build (which has a deadline of its own) is progress, not a stall.
      metrics.progress(context.currentSystemTimeMs());
    }
  }

  private void drain(long now) {
    List<KeyValue<String, Buffered>> batch = new ArrayList<>(armed.size());
    for (String key : armed) {
      byte[] v = store.get(key);
      if (v != null) {
        batch.add(KeyValue.pair(key, Buffered.decode(v)));
      }
    }
    armed = null;
    List<BatchExplainer.Item> items = new ArrayList<>(batch.size());
    List<Integer> toRun = new ArrayList<>(batch.size());
    Outcome[] outcomes = new Outcome[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      Buffered b = batch.get(i).value;
      if (b.attempts() > MAX_ATTEMPTS) {
        // Sent this often and never answered: the role's own process died with it in flight each time.
        outcomes[i] = new Outcome.Failed(i, null, ExplainException.Reason.ENGINE_CRASHED.name(),
            "the explainer stopped " + (b.attempts() - 1) + " times while this request was in flight");
      } else {
        toRun.add(i);
        items.add(new BatchExplainer.Item(b.value(), b.bufferedAtMs()));
      }
    }
    List<Outcome> ran;
    try {
      ran = batches.run(items, now);
    } catch (EngineUnavailableException | UncheckedIOException e) {
      // Not the requests' fault (no worker up, artifact store full): keep them, uncount the attempt, retry later.
      for (KeyValue<String, Buffered> kv : batch) {
        store.put(kv.key, kv.value.withAttempts(Math.max(0, kv.value.attempts() - 1)).encode());
      }
      retryBackoffMs = Math.min(MAX_RETRY_BACKOFF_MS, Math.max(1000, retryBackoffMs * 2));
      retryAtMs = now + retryBackoffMs;
      LOG.warn("batch of {} handed back, retrying in {} ms: {}", batch.size(), retryBackoffMs, e.getMessage());
      return;
    }
    retryBackoffMs = 0;
    for (Outcome o : ran) {
      outcomes[toRun.get(o.index())] = o;
    }
    for (int i = 0; i < outcomes.length; i++) {
      Outcome outcome = outcomes[i];
      Buffered in = batch.get(i).value;
      if (outcome instanceof Outcome.Review review) {
        context.forward(
            new Record<>(review.eventId().getBytes(StandardCharsets.UTF_8), review.json(), in.timestamp()), REVIEWS);
        // The record timestamp is the inference event's (Streams carries it through the router), so this is the
        // end-to-end latency from the line's event to the review record.
        metrics.explained(context.currentSystemTimeMs() - in.timestamp());
      } else {
        Outcome.Failed failed = (Outcome.Failed) outcome;
        Record<byte[], byte[]> original = new Record<>(in.key(), in.value(), in.timestamp());
        Record<byte[], byte[]> dead = DeadLetters.of(original, failed.reason(), failed.message(),
            DeadLetters.STAGE_EXPLAINER, Optional.of(in.sourceMetadata()));
        if (failed.workerOutput() != null) {
          String out = failed.workerOutput();
          dead.headers().add(EngineCrashedException.HEADER, out.substring(Math.max(0, out.length() - 4000))
              .getBytes(StandardCharsets.UTF_8));
        }
        context.forward(dead, DEAD_LETTERS);
        metrics.deadLettered(failed.reason());
      }
    }
    for (KeyValue<String, Buffered> kv : batch) {
      store.delete(kv.key);
    }
    pending -= batch.size();
    metrics.bufferChanged(-batch.size());
    metrics.progress(context.currentSystemTimeMs());
    oldestMs = pending > 0 ? oldestRemaining() : now;
    if (pending >= batchMax) {
      arm(); // saturated: the next batch goes out at the next tick
    }
  }

  private long oldestRemaining() {
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      return it.hasNext() ? Buffered.decode(it.next().value).bufferedAtMs() : context.currentSystemTimeMs();
    }
  }
}
