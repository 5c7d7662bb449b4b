package io.camstream.topology;

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

  /**
   * Starts a Kafka Streams role: a stream thread that dies of an unexpected error is replaced, so one poison
   * record that slipped past the dead-letter handling does not stop the process.
   */
  static RunningRole streams(String name, Topology topology, Properties props) {
    KafkaStreams streams = new KafkaStreams(topology, props);
    Logger log = LoggerFactory.getLogger(RunningRole.class);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("role {}: stream thread failed, replacing it", name, e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    return new StreamsRunningRole(name, streams);
  }

  /** A {@link RunningRole} over a {@link KafkaStreams} instance the caller started. */
  record StreamsRunningRole(String name, KafkaStreams streams) implements RunningRole {
    @Override
    public String state() {
      return streams.state().name();
    }

    @Override
    public boolean healthy() {
      KafkaStreams.State s = streams.state();
      return s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING;
    }

    @Override
    public void close() {
      streams.close(java.time.Duration.ofSeconds(30));
    }
  }
}
