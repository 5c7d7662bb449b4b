package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;
import io.camstream.io.ArtifactStore;
import io.camstream.io.ImageSource;
import io.camstream.topology.RunningRole;
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
 * A running explainer role: the Kafka Streams app of {@link ExplainerTopology} plus the artifact retention sweep.
 * It owns the Streams instance and the sweep; the explainer is the caller's (it may be shared with other roles).
 */
public final class RunningExplainer implements RunningRole.OnStreams {

  private static final Logger LOG = LoggerFactory.getLogger(RunningExplainer.class);
  /** How often expired artifact day folders are looked for. */
  static final Duration RETENTION_SWEEP = Duration.ofHours(1);

  private final KafkaStreams streams;
  private final ScheduledExecutorService sweeper;
  private final Runnable onClose;

  private RunningExplainer(KafkaStreams streams, ScheduledExecutorService sweeper, Runnable onClose) {
    this.streams = streams;
    this.sweeper = sweeper;
    this.onClose = onClose;
  }

  /**
   * Builds and starts the role against the config's brokers (which must be set; start the embedded one first).
   * The explainer stays the caller's: it is not closed with the role.
   */
  public static RunningExplainer start(CamstreamConfig config, Explainer explainer, MeterRegistry registry) {
    return start(config, explainer, registry, () -> {});
  }

  static RunningExplainer start(CamstreamConfig config, Explainer explainer, MeterRegistry registry,
      Runnable onClose) {
    ExplainerMetrics metrics = new ExplainerMetrics(registry);
    if (explainer instanceof io.camstream.engine.PaddleExplainer paddle) {
      io.micrometer.core.instrument.Gauge.builder("camstream.explainer.pool.busy", paddle,
              io.camstream.engine.PaddleExplainer::busyWorkers)
          .description("predictors running a batch right now (of explainer.devices x pool size)")
          .register(registry);
    }
    ArtifactStore artifacts = ArtifactStore.fromConfig(config);
    BatchExplainer batches = new BatchExplainer(explainer, ImageSource.fromConfig(config),
        artifacts, ExplainerInfo.local(config.explainerDevices()), metrics);
    KafkaStreams streams = new KafkaStreams(
        ExplainerTopology.build(ExplainerTopology.Settings.from(config), batches, metrics),
        ExplainerTopology.streamsProperties(config));
    // Kafka Streams' own metrics (lag, commit latency, ...) appear on /metrics beside camstream's.
    new KafkaStreamsMetrics(streams, List.of(Tag.of("role", ExplainerRole.NAME))).bindTo(registry);
    // A failed batch (say, a full artifact disk) kills only the thread: a fresh one retries the buffered requests.
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("explainer stream thread failed; replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "camstream-artifact-retention");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(() -> sweep(artifacts), 0, RETENTION_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    streams.start();
    LOG.info("explainer role started: {} -> {} (batch {} / {} ms)", config.topics().requests(),
        config.topics().reviews(), config.explainerBatchMaxSize(), config.explainerBatchLingerMs());
    return new RunningExplainer(streams, sweeper, onClose);
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


  @Override
  public void close() {
    sweeper.shutdownNow();
    streams.close(Duration.ofSeconds(30));
    onClose.run();
  }
}
