package io.camstream.topology.router;

import io.camstream.config.CamstreamConfig;
import io.camstream.policy.PolicyJson;
import io.camstream.policy.PolicyKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The compacted policies topic as the router reads it, for the {@code camstream policy} command and for the
 * router's own upkeep: per scope key, the last <em>valid</em> value is in force (a record with a bad key or a value
 * that fails the schema is ignored, a tombstone removes the override).
 *
 * <p>Compaction keeps only the latest record of a key, so an invalid record written after a valid one would, once
 * the valid one is compacted away, leave the scope with no override after the next restart. The router prevents that
 * by <em>restating</em> the last valid value after any invalid record ({@link #restate}): the latest record of the
 * key is valid again, and that is what compaction keeps.
 */
public final class PolicyTopic {

  /** Header on a restated record: the offset of the invalid record it answers. */
  public static final String RESTATED_HEADER = "camstream.policy.restates";

  private PolicyTopic() {}

  /** What the topic holds, read to its end. */
  public record State(Map<String, String> inForce, Map<String, String> invalidLatest, long endOffset) {}

  /** Reads the topic to its end: the value in force per scope, and the scopes whose latest record is invalid. */
  public static State read(CamstreamConfig config) {
    Map<String, String> inForce = new TreeMap<>();
    Map<String, String> invalidLatest = new TreeMap<>();
    Properties p = config.kafkaClientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    String topic = config.topics().policies();
    long endOffset = 0;
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      endOffset = ends.values().stream().mapToLong(Long::longValue).max().orElse(0);
      while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          if (!PolicyKeys.valid(r.key())) {
            continue;
          }
          if (r.value() == null) {
            inForce.remove(r.key());
            invalidLatest.remove(r.key());
            continue;
          }
          String problem = problem(r.value());
          if (problem == null) {
            inForce.put(r.key(), r.value());
            invalidLatest.remove(r.key());
          } else {
            invalidLatest.put(r.key(), problem);
          }
        }
      }
    }
    return new State(inForce, invalidLatest, endOffset);
  }

  /** Null for a valid partial policy, else why it is not one. */
  public static String problem(String json) {
    try {
      PolicyJson.patch(json);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * Writes an override (or with a null value, a tombstone that removes it) and waits for the broker's ack. The
   * caller validates first; this refuses a bad key or value anyway.
   */
  public static void write(CamstreamConfig config, String scope, String json) {
    if (!PolicyKeys.valid(scope)) {
      throw new IllegalArgumentException("bad scope '" + scope
          + "': use model:<id>, line:<lineId> or line:<lineId>|model:<id>");
    }
    if (json != null) {
      String problem = problem(json);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    try (KafkaProducer<String, String> producer = producer(config)) {
      producer.send(new ProducerRecord<>(config.topics().policies(), scope, json)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write to " + config.topics().policies() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Restates the last valid value of every scope whose latest record is invalid (the router does this at start,
   * for invalid records that came while no router ran); returns the restated scopes.
   */
  public static List<String> restateInvalid(CamstreamConfig config, State state) {
    List<String> scopes = state.invalidLatest().keySet().stream().filter(state.inForce()::containsKey).toList();
    if (!scopes.isEmpty()) {
      try (KafkaProducer<String, String> producer = producer(config)) {
        for (String scope : scopes) {
          restate(producer, config, scope, state.inForce().get(scope), -1);
        }
        producer.flush();
      }
    }
    return scopes;
  }

  static void restate(KafkaProducer<String, String> producer, CamstreamConfig config, String scope, String json,
      long invalidOffset) {
    ProducerRecord<String, String> r = new ProducerRecord<>(config.topics().policies(), scope, json);
    r.headers().add(RESTATED_HEADER, Long.toString(invalidOffset).getBytes(StandardCharsets.UTF_8));
    producer.send(r);
  }

  static KafkaProducer<String, String> producer(CamstreamConfig config) {
    Properties p = config.kafkaClientProperties();
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }
}
