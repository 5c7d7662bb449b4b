package io.camstream.review;

import io.camstream.attention.AttentionSettings;
import io.camstream.attention.AttentionWindow;
import io.camstream.config.CamstreamConfig;
import io.camstream.review.web.ReviewServer;
import io.camstream.topology.RunningRole;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running review role ({@code camstream run --role review}, see {@link ReviewRole}): the Kafka Streams app (application.id {@code review.application.id}) that
 * keeps reviews, decisions and attention statistics queryable, the decision producer (idempotent, acks=all), and
 * the web server on {@code review.port}. One instance serves the UI: its stores hold every partition it is assigned,
 * so run a single review instance (more would each see only part of the queue).
 */
public final class ReviewService implements RunningRole.OnStreams {

  private static final Logger LOG = LoggerFactory.getLogger(ReviewService.class);

  private final KafkaStreams streams;
  private final KafkaProducer<String, String> producer;
  private final ReviewServer server;
  private final String token;

  private ReviewService(CamstreamConfig config, MeterRegistry meters) {
    ReviewSettings settings = ReviewSettings.from(config);
    if (settings.token().isEmpty() && settings.web().accountsFile() == null) {
      settings = settings.withToken(generateToken());
      LOG.warn("review.token is not set; this run's review token is {}", settings.token());
    }
    token = settings.token();
    AttentionSettings attention = AttentionSettings.from(config);
    ReviewFeed feed = new ReviewFeed();
    streams = new KafkaStreams(
        ReviewTopology.build(settings, attention, feed, ReviewTopology.Retention.from(config)),
        config.streamsProperties(config.reviewApplicationId()));
    // Pages that found the stores loading refresh when they become queryable.
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        feed.changed();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("review stream thread failed; replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    Properties p = config.kafkaClientProperties();
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, config.reviewApplicationId() + "-decisions");
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    String decisionsTopic = settings.decisionsTopic();
    ReviewQueries queries = new ReviewQueries(new StreamsStores(streams, settings.reviewsTopic()));
    DecisionService decisions = new DecisionService(queries,
        (eventId, json) -> producer.send(new ProducerRecord<>(decisionsTopic, eventId, json)).get(30,
            TimeUnit.SECONDS),
        Clock.systemUTC(), meters);
    new KafkaStreamsMetrics(streams, List.of(Tag.of("role", ReviewRole.NAME))).bindTo(meters);
    streams.start();
    try {
      server = new ReviewServer(settings, attention, queries, decisions, feed);
    } catch (RuntimeException e) {
      streams.close(Duration.ofSeconds(30));
      producer.close();
      throw e;
    }
    LOG.info("review UI on http://localhost:{}/ (reviews from {}, decisions to {})", server.port(),
        settings.reviewsTopic(), decisionsTopic);
  }

  /**
   * Starts the review role on a config whose {@code bootstrap.servers} is set and whose topics exist (the caller
   * starts an embedded broker and creates topics first).
   */
  public static ReviewService start(CamstreamConfig config, MeterRegistry meters) {
    return new ReviewService(config, meters);
  }

  /** {@link #start(CamstreamConfig, MeterRegistry)} without metrics export. */
  public static ReviewService start(CamstreamConfig config) {
    return start(config, new SimpleMeterRegistry());
  }

  @Override
  public String name() {
    return ReviewRole.NAME;
  }


  @Override
  public KafkaStreams streams() {
    return streams;
  }

  /** The HTTP port the UI is served on. */
  public int port() {
    return server.port();
  }

  /** The token requests need (the configured one or the generated one). */
  public String token() {
    return token;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      streams.close(Duration.ofSeconds(30));
      producer.close(Duration.ofSeconds(10));
    }
  }

  private static String generateToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The stores of the running Streams app. */
  private record StreamsStores(KafkaStreams streams, String reviewsTopic) implements ReviewStores {
    @Override
    public ReadOnlyKeyValueStore<String, String> reviews() {
      return streams.store(StoreQueryParameters.fromNameAndType(ReviewTopology.REVIEWS_STORE,
          QueryableStoreTypes.keyValueStore()));
    }

    @Override
    public ReadOnlyKeyValueStore<String, String> decisions() {
      return streams.store(StoreQueryParameters.fromNameAndType(ReviewTopology.DECISIONS_STORE,
          QueryableStoreTypes.keyValueStore()));
    }

    @Override
    public List<ReadOnlyKeyValueStore<String, String>> openIndex() {
      List<ReadOnlyKeyValueStore<String, String>> out = new java.util.ArrayList<>();
      for (int p : partitions()) {
        out.add(streams.store(StoreQueryParameters.fromNameAndType(ReviewTopology.OPEN_STORE,
            QueryableStoreTypes.<String, String>keyValueStore()).withPartition(p)));
      }
      return out;
    }

    @Override
    public ReadOnlyKeyValueStore<String, String> facets() {
      return streams.store(StoreQueryParameters.fromNameAndType(ReviewTopology.FACETS_STORE,
          QueryableStoreTypes.keyValueStore()));
    }

    /** The reviews-topic partitions this instance's active tasks hold (the index is partitioned like them). */
    private java.util.SortedSet<Integer> partitions() {
      java.util.SortedSet<Integer> out = new java.util.TreeSet<>();
      streams.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task -> task.topicPartitions()
          .stream().filter(tp -> tp.topic().equals(reviewsTopic)).forEach(tp -> out.add(tp.partition()))));
      if (out.isEmpty()) {
        throw new org.apache.kafka.streams.errors.InvalidStateStoreException("no review partitions assigned yet");
      }
      return out;
    }

    @Override
    public ReadOnlyWindowStore<String, AttentionWindow> attention(String windowName) {
      return streams.store(StoreQueryParameters.fromNameAndType("attention-" + windowName,
          QueryableStoreTypes.windowStore()));
    }
  }
}
