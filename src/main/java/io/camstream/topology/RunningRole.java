package io.camstream.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started role: its state for the health endpoint, and how to stop it. */
public interface RunningRole extends AutoCloseable {

  /** The role's name. */
  String name();

  /** A short state for people and /health, e.g. the Kafka Streams state {@code RUNNING}. */
  String state();

  /** True while the role does its work (for Kafka Streams: RUNNING or REBALANCING). */
  boolean healthy();

  /** Stops the role and waits for it (bounded); never throws. */
  @Override
  void close();

  /** A role whose work is one Kafka Streams instance: state and health are the instance's. */
  interface OnStreams extends RunningRole {

    KafkaStreams streams();

    @Override
    default String state() {
      return streams().state().name();
    }

    @Override
    default boolean healthy() {
      KafkaStreams.State s = streams().state();
      return s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING;
    }
  }

  /**
   * Starts a Kafka Streams role: a stream thread that dies of an unexpected error is replaced, so one poison
   * record that slipped past the dead-letter handling does not stop the process. Kafka Streams' metrics are
   * registered in {@code meters} with tag {@code role}.
   */
  static RunningRole streams(String name, Topology topology, Properties props, MeterRegistry meters) {
    KafkaStreams streams = new KafkaStreams(topology, props);
    // Kafka Streams' own metrics (lag, commit latency, ...) appear on /metrics beside camstream's.
    new KafkaStreamsMetrics(streams, List.of(Tag.of("role", name))).bindTo(meters);
    Logger log = LoggerFactory.getLogger(RunningRole.class);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("role {}: stream thread failed, replacing it", name, e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    return new StreamsRunningRole(name, streams);
  }

  /** A {@link RunningRole} over a {@link KafkaStreams} instance the caller started. */
  record StreamsRunningRole(String name, KafkaStreams streams) implements OnStreams {
    @Override
    public void close() {
      streams.close(java.time.Duration.ofSeconds(30));
    }
  }
}
