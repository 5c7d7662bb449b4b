package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;
import io.camstream.io.ArtifactStore;
import io.camstream.io.ImageSource;
import io.camstream.topology.RunningRole;
import io.camstream.worker.EnginePool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.List;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running explainer role: the Kafka Streams app of {@link ExplainerTopology} plus the artifact retention sweep,
 * and its liveness. It owns the Streams instance and the sweep; the explainer is the caller's (it may be shared
 * with other roles), closed by {@code onClose} when given.
 */
public final class RunningExplainer implements RunningRole.OnStreams {

  private static final Logger LOG = LoggerFactory.getLogger(RunningExplainer.class);
  /** How often expired artifact day folders are looked for. */
  static final Duration RETENTION_SWEEP = Duration.ofHours(1);
  /** Stream threads replaced this often within {@link #REPLACEMENT_WINDOW} mean a batch keeps failing: DOWN. */
  static final int REPLACEMENTS_DOWN = 3;
  static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

  private final KafkaStreams streams;
  private final ScheduledExecutorService sweeper;
  private final Runnable onClose;
  private final ExplainerMetrics metrics;
  private final Explainer explainer;
  private final long stallLimitMs;
  private final java.util.Deque<Long> replacements = new java.util.concurrent.ConcurrentLinkedDeque<>();
  private volatile boolean started;
  private volatile boolean closed;

  private RunningExplainer(KafkaStreams streams, ScheduledExecutorService sweeper, Runnable onClose,
      ExplainerMetrics metrics, Explainer explainer, long stallLimitMs) {
    this.streams = streams;
    this.sweeper = sweeper;
    this.onClose = onClose;
    this.metrics = metrics;
    this.explainer = explainer;
    this.stallLimitMs = stallLimitMs;
  }

  /**
   * Builds and starts the role against the config's brokers (which must be set; start the embedded one first).
   * The explainer stays the caller's: it is not closed with the role.
   */
  public static RunningExplainer start(CamstreamConfig config, Explainer explainer, MeterRegistry registry) {
    return start(config, explainer, registry, () -> {});
  }

  /**
   * Same; with an {@link EnginePool}, the Streams app starts only once a worker has warmed every program, and the
   * role says STARTING until then.
   */
  static RunningExplainer start(CamstreamConfig config, Explainer explainer, MeterRegistry registry,
      Runnable onClose) {
    ExplainerMetrics metrics = new ExplainerMetrics(registry);
    if (explainer instanceof io.camstream.engine.PaddleExplainer paddle) {
      io.micrometer.core.instrument.Gauge.builder("camstream.explainer.pool.busy", paddle,
              io.camstream.engine.PaddleExplainer::busyWorkers)
          .description("predictors running a batch right now (of explainer.devices x pool size)")
          .register(registry);
    }
    if (explainer instanceof EnginePool pool) {
      io.micrometer.core.instrument.Gauge.builder("camstream.explainer.pool.busy", pool, EnginePool::busy)
          .description("engine worker processes running a batch right now").register(registry);
      io.micrometer.core.instrument.Gauge.builder("camstream.explainer.workers.alive", pool, EnginePool::size)
          .description("engine worker processes alive").register(registry);
      io.micrometer.core.instrument.Gauge.builder("camstream.explainer.workers.restarts", pool,
              EnginePool::restarts)
          .description("engine worker processes restarted (exits, kills, missed deadlines)").register(registry);
    }
    ArtifactStore artifacts = ArtifactStore.fromConfig(config);
    BatchExplainer batches = new BatchExplainer(explainer, ImageSource.fromConfig(config),
        artifacts, ExplainerInfo.local(config.explainerDevices()), metrics);
    KafkaStreams streams = new KafkaStreams(
        ExplainerTopology.build(ExplainerTopology.Settings.from(config), batches, metrics),
        ExplainerTopology.streamsProperties(config));
    // Kafka Streams' own metrics (lag, commit latency, ...) appear on /metrics beside camstream's.
    new KafkaStreamsMetrics(streams, List.of(Tag.of("role", ExplainerRole.NAME))).bindTo(registry);
    long deadline = explainer instanceof EnginePool pool ? pool.deadlineMs(config.explainerBatchMaxSize())
        : config.explainerDeadlineMinMs();
    ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "camstream-artifact-retention");
      t.setDaemon(true);
      return t;
    });
    RunningExplainer role = new RunningExplainer(streams, sweeper, onClose, metrics, explainer,
        deadline * config.explainerLivenessDeadlines());
    // A failed batch kills only the thread: a fresh one retries the buffered requests.
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("explainer stream thread failed; replacing it", e);
      role.replacements.addLast(System.currentTimeMillis());
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    sweeper.scheduleWithFixedDelay(() -> sweep(artifacts), 0, RETENTION_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    if (explainer instanceof EnginePool pool && !pool.ready()) {
      Thread waiter = new Thread(() -> role.startWhenReady(pool), "camstream-explainer-warm-up");
      waiter.setDaemon(true);
      waiter.start();
    } else {
      role.startStreams();
    }
    LOG.info("explainer role started: {} -> {} (batch {} / {} ms)", config.topics().requests(),
        config.topics().reviews(), config.explainerBatchMaxSize(), config.explainerBatchLingerMs());
    return role;
  }

  private void startWhenReady(EnginePool pool) {
    try {
      while (!pool.ready() && !closed) {
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      return;
    }
    synchronized (this) {
      if (!closed) {
        startStreams();
      }
    }
  }

  private synchronized void startStreams() {
    streams.start();
    started = true;
  }

  private static void sweep(ArtifactStore artifacts) {
    try {
      artifacts.purgeExpired(Instant.now());
    } catch (IOException | RuntimeException e) {
      LOG.warn("artifact retention sweep failed; will try again in {}", RETENTION_SWEEP, e);
    }
  }

  /** The Streams instance, for state checks. */
  @Override
  public KafkaStreams streams() {
    return streams;
  }

  @Override
  public String name() {
    return ExplainerRole.NAME;
  }

  /** The explainer batches run on (an {@link EnginePool} in production). */
  public Explainer explainer() {
    return explainer;
  }

  /**
   * STARTING until the engine has warmed up; STALLED when requests are pending and no batch finished for
   * {@code explainer.liveness.deadlines} deadlines; FAILING when stream threads keep being replaced; else the
   * Streams state.
   */
  @Override
  public String state() {
    if (!started) {
      return "STARTING";
    }
    if (metrics.stalledMs(System.currentTimeMillis()) > stallLimitMs) {
      return "STALLED";
    }
    long since = System.currentTimeMillis() - REPLACEMENT_WINDOW.toMillis();
    while (!replacements.isEmpty() && replacements.peekFirst() < since) {
      replacements.pollFirst();
    }
    if (replacements.size() >= REPLACEMENTS_DOWN) {
      return "FAILING";
    }
    return streams.state().name();
  }

  @Override
  public boolean healthy() {
    String s = state();
    return s.equals("RUNNING") || s.equals("REBALANCING");
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    sweeper.shutdownNow();
    streams.close(Duration.ofSeconds(30));
    onClose.run();
  }
}
