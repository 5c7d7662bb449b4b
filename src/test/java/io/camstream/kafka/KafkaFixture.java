package io.camstream.kafka;

import io.camstream.config.CamstreamConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real Kafka broker for integration tests, shared by every test of the JVM (Testcontainers {@code apache/kafka}
 * where Docker runs, the in-process {@link EmbeddedKafka} otherwise; see {@link KafkaFixtureExtension}).
 *
 * <p>Because the broker is shared, each test works on its own names: {@link #config(Map)} gives a config whose
 * topics and application ids carry a unique suffix, with the topics already created.
 */
public final class KafkaFixture {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String bootstrapServers;
  private final String flavour;

  KafkaFixture(String bootstrapServers, String flavour) {
    this.bootstrapServers = bootstrapServers;
    this.flavour = flavour;
  }

  /** {@code host:port} of the broker. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** {@code embedded} or {@code container}. */
  public String flavour() {
    return flavour;
  }

  /** A name no other test of this JVM uses: {@code base-N-xxxxxx}. */
  public static String unique(String base) {
    return base + "-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /**
   * A config on this broker with unique topic names and application ids, a fresh data directory, and its topics
   * created. {@code overrides} are applied last (keys as in {@link CamstreamConfig}).
   */
  public CamstreamConfig config(Map<String, ?> overrides) {
    String suffix = unique("t");
    Map<String, Object> props = new HashMap<>();
    props.put(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try {
      props.put(CamstreamConfig.DATA_DIR_CONFIG, Files.createTempDirectory("camstream-it-").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CamstreamConfig defaults = CamstreamConfig.defaults();
    CamstreamConfig.TopicNames t = defaults.topics();
    props.put(CamstreamConfig.TOPIC_EVENTS_CONFIG, t.events() + "." + suffix);
    props.put(CamstreamConfig.TOPIC_REQUESTS_CONFIG, t.requests() + "." + suffix);
    props.put(CamstreamConfig.TOPIC_REVIEWS_CONFIG, t.reviews() + "." + suffix);
    props.put(CamstreamConfig.TOPIC_DLQ_CONFIG, t.dlq() + "." + suffix);
    props.put(CamstreamConfig.TOPIC_POLICIES_CONFIG, t.policies() + "." + suffix);
    props.put(CamstreamConfig.TOPIC_DECISIONS_CONFIG, t.decisions() + "." + suffix);
    props.put(CamstreamConfig.TOPIC_ALERTS_CONFIG, t.alerts() + "." + suffix);
    props.put(CamstreamConfig.ROUTER_APPLICATION_ID_CONFIG, defaults.routerApplicationId() + "-" + suffix);
    props.put(CamstreamConfig.EXPLAINER_APPLICATION_ID_CONFIG, defaults.explainerApplicationId() + "-" + suffix);
    props.put(CamstreamConfig.REVIEW_APPLICATION_ID_CONFIG, defaults.reviewApplicationId() + "-" + suffix);
    props.put(CamstreamConfig.TOPIC_PARTITIONS_CONFIG, 2);
    props.put(CamstreamConfig.METRICS_PORT_CONFIG, -1);
    // Fast commits keep exactly-once output visible to read_committed consumers quickly.
    props.put(CamstreamConfig.STREAMS_PREFIX + "commit.interval.ms", 100);
    props.put(CamstreamConfig.STREAMS_PREFIX + "num.stream.threads", 1);
    props.putAll(overrides);
    CamstreamConfig config = new CamstreamConfig(props);
    try (Admin admin = admin()) {
      Topics.ensure(admin, config);
    }
    return config;
  }

  /** A config with no overrides; see {@link #config(Map)}. */
  public CamstreamConfig config() {
    return config(Map.of());
  }

  /** An admin client; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** An idempotent byte-array producer; the caller closes it. */
  public KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends records and waits until the broker has them all. */
  public void produce(List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r : records) {
        acks.add(producer.send(r));
      }
      for (var a : acks) {
        a.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("producing to the test broker failed", e);
    }
  }

  /** A read_committed byte-array consumer with a fresh group, reading from the start; the caller closes it. */
  public KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, unique("test-reader"));
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Reads committed records of a topic from the beginning until {@code done} accepts what was read so far, or
   * {@code patience} passes (then it returns what it has, and the test's assertions say what is missing).
   */
  public List<ConsumerRecord<byte[], byte[]>> readUntil(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration patience) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + patience.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      c.subscribe(List.of(topic));
      while (!done.test(out) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Reads until at least {@code count} records arrived (patience 60 s). */
  public List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
    return readUntil(topic, l -> l.size() >= count, Duration.ofSeconds(60));
  }

  /**
   * Reads every committed record of a topic, from the beginning up to its end offsets as they are when the call
   * starts (for a read_committed consumer: up to the last stable offset).
   */
  public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /**
   * Waits until a consumer group (a Kafka Streams application id) has committed offsets at the end of every
   * partition of a topic, i.e. it has processed everything produced so far; under exactly-once its outputs for
   * those records are then committed too. Throws after {@code patience}.
   */
  public void awaitConsumed(String groupId, String topic, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    try (Admin admin = admin(); KafkaConsumer<byte[], byte[]> c = consumer()) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        boolean done = parts.stream().allMatch(p -> end.get(p) == 0
            || (committed.get(p) != null && committed.get(p).offset() >= end.get(p)));
        if (done) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("group " + groupId + " did not consume " + topic + " to " + end
              + " within " + patience + "; committed: " + committed);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh temporary directory. */
  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
