package io.camstream.topology;

/**
 * One part of camstream that {@code camstream run --role NAME} starts (router, explainer, review, ...). Register
 * an implementation with one line in {@link Roles}.
 */
public interface Role {

  /** The name used on the command line, e.g. {@code router}. */
  String name();

  /**
   * Starts the role and returns at once; the role runs on its own threads until closed. Topics exist already
   * (created by the caller) and {@code context.config()} has concrete bootstrap servers.
   */
  RunningRole start(RoleContext context) throws Exception;

  /**
   * The Kafka Streams topology this role runs under {@code config}, built without side effects (no broker, no
   * model loading), for {@code topology/topology.txt}; null for a role that is not a Kafka Streams application.
   */
  default org.apache.kafka.streams.Topology topology(io.camstream.config.CamstreamConfig config) {
    return null;
  }
}
