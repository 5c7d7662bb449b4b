package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The explainer role: explain requests in, review records (key = eventId) and dead letters out, with a
 * changelogged micro-batch buffer in between (see {@link MicroBatchProcessor}).
 */
public final class ExplainerTopology {

  /** Default Kafka Streams application id of the explainer role ({@code explainer.application.id}). */
  public static final String APPLICATION_ID = "camstream-explainer";
  /** The changelogged buffer of requests waiting for a batch. */
  public static final String BUFFER_STORE = "explain-buffer";

  private ExplainerTopology() {}

  /**
   * Where the role reads and writes, and how it batches.
   *
   * @param requestsTopic explain requests from the router
   * @param reviewsTopic review records out
   * @param deadLetterTopic failed requests out, with reason headers
   * @param batchMaxSize drain as soon as this many requests are buffered
   * @param batchLinger drain once the oldest buffered request has waited this long
   */
  public record Settings(String requestsTopic, String reviewsTopic, String deadLetterTopic, int batchMaxSize,
      Duration batchLinger) {
    public Settings {
      if (batchMaxSize < 1) {
        throw new IllegalArgumentException("explainer.batch.max.size must be at least 1");
      }
    }

    /** Topics and batching from the config. */
    public static Settings from(CamstreamConfig config) {
      CamstreamConfig.TopicNames t = config.topics();
      return new Settings(t.requests(), t.reviews(), t.dlq(), config.explainerBatchMaxSize(),
          Duration.ofMillis(config.explainerBatchLingerMs()));
    }
  }

  /** Builds the topology; {@code batches} is shared by all tasks and must be thread-safe (it is). */
  public static Topology build(Settings settings, BatchExplainer batches, ExplainerMetrics metrics) {
    Topology t = new Topology();
    t.addSource("explain-requests", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        settings.requestsTopic());
    t.addProcessor("explain-micro-batch",
        () -> new MicroBatchProcessor(BUFFER_STORE, settings.batchMaxSize(), settings.batchLinger(), batches,
            metrics),
        "explain-requests");
    // A persistent store, though the buffer is small: with one, Kafka Streams keeps its process id in the state
    // directory, so a restarted instance reuses its transactional ids and aborts the crashed one's open
    // transaction at once. With only in-memory stores the id is new and read_committed readers wait out
    // transaction.timeout.ms behind the dangling transaction.
    t.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUFFER_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingEnabled(Map.of()),
        "explain-micro-batch");
    t.addSink(MicroBatchProcessor.REVIEWS, settings.reviewsTopic(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(), "explain-micro-batch");
    t.addSink(MicroBatchProcessor.DEAD_LETTERS, settings.deadLetterTopic(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(), "explain-micro-batch");
    return t;
  }

  /**
   * Streams settings that keep a slow batch from costing a rebalance or a fenced transaction.
   *
   * <p>The arithmetic, with W = the longest a batch may take (budgeted at 60 s: {@code batch.max.size} images on a
   * busy CPU predictor pool, far above the measured figures):
   * <ul>
   *   <li>Streams polls again once half of {@code max.poll.interval.ms} has gone by, but only between two
   *       {@code process}/punctuate calls, and one call runs at most one batch. So max.poll.interval.ms must exceed
   *       2 W: 300 s.</li>
   *   <li>A transaction stays open from the first output after a commit until the next commit, which Streams does
   *       between poll loops: at most max.poll.interval.ms / 2 + W = 210 s. transaction.timeout.ms = 240 s (the
   *       broker caps it at transaction.max.timeout.ms, 15 min by default).</li>
   *   <li>{@code max.poll.records} = 4 x batch size: a poll hands over a few batches' worth, so the consumer keeps
   *       its position close to what has been buffered and a restart re-reads little.</li>
   * </ul>
   * {@code extra} is applied last (bootstrap servers, state dir, {@code streams.*} passthroughs).
   */
  public static Properties streamsProperties(int batchMaxSize, Map<?, ?> extra) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), Math.max(1, 4 * batchMaxSize));
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 300_000);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 240_000);
    // An output refused as too large goes to the DLQ rather than failing the thread on the same batch for ever.
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        io.camstream.topology.DeadLetteringProductionHandler.class.getName());
    p.put(io.camstream.topology.DeadLetteringProductionHandler.STAGE_CONFIG,
        io.camstream.topology.DeadLetters.STAGE_EXPLAINER);
    extra.forEach(p::put);
    return p;
  }

  /** The role's Streams settings: the defaults above, then the config's (where {@code streams.*} may override). */
  public static Properties streamsProperties(CamstreamConfig config) {
    Properties extra = new Properties();
    // Static membership: a restarted instance (same id) takes its partitions back without a rebalance, and
    // Streams suffixes the id per stream thread.
    if (!config.explainerInstanceId().isEmpty()) {
      extra.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.explainerInstanceId());
    }
    extra.putAll(config.streamsProperties(config.explainerApplicationId()));
    Properties p = streamsProperties(config.explainerBatchMaxSize(), extra);
    // Where DeadLetteringProductionHandler writes.
    p.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().dlq());
    return p;
  }
}
