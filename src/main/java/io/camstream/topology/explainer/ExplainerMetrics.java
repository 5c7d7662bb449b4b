package io.camstream.topology.explainer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The explainer role's meters: explained and dead-lettered counts, end-to-end latency (event timestamp to review
 * record), engine time per batch, batch sizes, and the depth of the micro-batch buffer (requests waiting for the
 * pool).
 */
public final class ExplainerMetrics {

  private final MeterRegistry registry;
  private final Counter explained;
  private final Timer latency;
  private final Timer batchTime;
  private final DistributionSummary batchSize;
  private final AtomicLong buffered = new AtomicLong();
  /** Wall-clock time a batch last finished, or the buffer last became non-empty: the liveness clock. */
  private final AtomicLong lastProgressMs = new AtomicLong(System.currentTimeMillis());

  public ExplainerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.explained = Counter.builder("camstream.explainer.explained")
        .description("events explained and published as review records").register(registry);
    this.latency = Timer.builder("camstream.explainer.latency")
        .description("event timestamp to review record published")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry);
    this.batchTime = Timer.builder("camstream.explainer.batch.time")
        .description("time to fetch, explain and store one micro-batch")
        .publishPercentileHistogram()
        .register(registry);
    this.batchSize = DistributionSummary.builder("camstream.explainer.batch.size")
        .description("requests per micro-batch").publishPercentileHistogram().register(registry);
    Gauge.builder("camstream.explainer.buffer.depth", buffered, AtomicLong::get)
        .description("explain requests buffered and waiting for the predictor pool").register(registry);
  }

  void explained(long latencyMs) {
    explained.increment();
    latency.record(Duration.ofMillis(Math.max(0, latencyMs)));
  }

  void deadLettered(String reason) {
    registry.counter("camstream.explainer.dead.lettered", "reason", reason).increment();
  }

  void batch(int size, long millis) {
    batchSize.record(size);
    batchTime.record(Duration.ofMillis(millis));
  }

  /** Tasks report changes, not totals: several tasks share one gauge. */
  void bufferChanged(long delta) {
    if (buffered.getAndAdd(delta) <= 0 && delta > 0) {
      lastProgressMs.set(System.currentTimeMillis());
    }
  }

  /** A batch finished (its outcomes are in the transaction). */
  void progress(long nowMs) {
    lastProgressMs.set(nowMs);
  }

  /** Requests buffered now, over all tasks. */
  public long buffered() {
    return buffered.get();
  }

  /** How long requests have been pending without a batch finishing; 0 when none are pending. */
  public long stalledMs(long nowMs) {
    return buffered.get() > 0 ? Math.max(0, nowMs - lastProgressMs.get()) : 0;
  }
}
