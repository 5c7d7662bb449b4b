package io.camstream.topology.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;
import io.camstream.io.ArtifactStore;
import io.camstream.io.ImageSource;
import io.camstream.topology.explainer.BatchExplainer;
import io.camstream.topology.explainer.ExplainerInfo;
import io.camstream.topology.explainer.Outcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import io.camstream.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Audit replay: re-explains the inference events of a time range and checks that the heatmaps are the same as in
 * the original review records.
 *
 * <p>Events are read from the events topic by timestamp ({@code offsetsForTimes} on every partition, up to the
 * first record after {@code to}); each goes through the router's selection ({@link EventSelector}: the policy as
 * it is now, i.e. the file defaults plus the live overrides on the policies topic, and the audit sample seeded by
 * eventId, so an unchanged policy selects the same events), then through the same {@link BatchExplainer} as the
 * explainer role, under a fresh replay id. This uses plain clients, not Kafka Streams: a replay is a bounded batch
 * job that must not join the live application's consumer group or touch its state.
 *
 * <p>New review records go to a topic or to {@code <dir>/reviews.jsonl}; their artifacts to a folder of their own
 * ({@code <dir>/artifacts}, or {@code <artifacts.dir>/replays/<replayId>}) so the originals are never overwritten.
 */
public final class Replayer {

  private static final Duration POLL = Duration.ofMillis(200);

  private final CamstreamConfig config;
  private final Explainer explainer;
  private final EventSelector selector;
  private final PrintStream progress;
  private final ObjectMapper json = new ObjectMapper();

  public Replayer(CamstreamConfig config, Explainer explainer, EventSelector selector, PrintStream progress) {
    this.config = config;
    this.explainer = explainer;
    this.selector = selector;
    this.progress = progress;
  }

  /**
   * What to replay and where the results go (exactly one of {@code toTopic} and {@code toDir}).
   *
   * @param model {@code id} or {@code id@version} to replay only that model's events, or null for all
   */
  public record Options(Instant from, Instant to, String model, String toTopic, Path toDir) {
    public Options {
      if (from == null || to == null || to.isBefore(from)) {
        throw new IllegalArgumentException("--from must be at or before --to");
      }
      if ((toTopic == null) == (toDir == null)) {
        throw new IllegalArgumentException("give exactly one of --to-topic and --to-dir");
      }
    }
  }

  /**
   * The outcome of a replay.
   *
   * @param replayed events explained again (the N of the summary)
   * @param matched of those, how many have the same heatmap hash as their original review record
   * @param noOriginal of those, how many have no original review record at all (counted as mismatches)
   * @param failed selected events that failed again (dead letters; not part of N)
   * @param notSelected events of the range the selection skipped (invalid, policy off, other model)
   */
  public record Summary(String replayId, long replayed, long matched, long noOriginal, long failed,
      long notSelected) {

    public double percent() {
      return replayed == 0 ? 100.0 : matched * 100.0 / replayed;
    }

    public boolean allMatched() {
      return matched == replayed;
    }

    /** {@code replayed N, matched M/N heatmap hashes (P %)}. */
    public String line() {
      return String.format("replayed %d, matched %d/%d heatmap hashes (%.1f %%)", replayed, matched, replayed,
          percent());
    }
  }

  public Summary run(Options options) {
    String replayId = "replay-" + Instant.now().toString().replace(":", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> originals = originalHeatmapHashes();
    Path artifactsDir = options.toDir() != null ? options.toDir().resolve("artifacts")
        : config.artifactsDir().resolve("replays").resolve(replayId);
    BatchExplainer batches = new BatchExplainer(explainer, ImageSource.fromConfig(config),
        ArtifactStore.local(artifactsDir, Duration.ofDays(365L * 1000)),
        ExplainerInfo.local(config.explainerDevices()), null);
    long replayed = 0;
    long matched = 0;
    long noOriginal = 0;
    long failed = 0;
    long notSelected = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(); Output output = output(options)) {
      String topic = config.topics().events();
      ReplayRange range = ReplayRange.of(consumer, topic, options.from(), options.to());
      consumer.assign(range.start().keySet());
      range.start().forEach(consumer::seek);
      ProgressBar bar = new ProgressBar(progress, range.total());
      Map<TopicPartition, Long> remaining = new HashMap<>(range.end());
      remaining.entrySet().removeIf(e -> range.start().get(e.getKey()) >= e.getValue());
      long done = 0;
      List<BatchExplainer.Item> batch = new ArrayList<>();
      while (!remaining.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(POLL)) {
          TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
          Long end = remaining.get(tp);
          if (end == null || rec.offset() >= end) {
            continue;
          }
          done++;
          if (rec.offset() + 1 >= end) {
            remaining.remove(tp);
          }
          // offsetsForTimes gives offset bounds; a record inside them may still carry an out-of-range timestamp.
          boolean inRange = rec.timestamp() >= options.from().toEpochMilli()
              && rec.timestamp() <= options.to().toEpochMilli();
          var request = inRange && modelMatches(rec.value(), options.model())
              ? selector.select(rec.key(), rec.value()) : java.util.Optional.<byte[]>empty();
          if (request.isEmpty()) {
            notSelected++;
          } else {
            batch.add(new BatchExplainer.Item(request.get(), System.currentTimeMillis()));
          }
        }
        // Positions may stop short of the end offset when the last offsets are transaction markers.
        for (TopicPartition tp : List.copyOf(remaining.keySet())) {
          if (consumer.position(tp) >= remaining.get(tp)) {
            remaining.remove(tp);
          }
        }
        if (batch.size() >= config.explainerBatchMaxSize() || (remaining.isEmpty() && !batch.isEmpty())) {
          for (Outcome o : batches.run(batch, System.currentTimeMillis())) {
            if (o instanceof Outcome.Review r) {
              replayed++;
              String original = originals.get(r.eventId());
              if (original == null) {
                noOriginal++;
              } else if (original.equals(r.heatmapSha256())) {
                matched++;
              }
              output.write(r.eventId(), r.json());
            } else {
              failed++;
            }
          }
          batch.clear();
        }
        bar.update(done, "(" + replayed + " explained)");
      }
      bar.update(range.total(), "(" + replayed + " explained)");
      bar.finish();
    }
    return new Summary(replayId, replayed, matched, noOriginal, failed, notSelected);
  }

  private boolean modelMatches(byte[] value, String model) {
    if (model == null || model.isEmpty()) {
      return true;
    }
    try {
      JsonNode m = json.readTree(value).path("model");
      String id = m.path("id").asText("");
      String version = m.path("version").asText("");
      return model.contains("@") ? model.equals(id + "@" + version) : model.equals(id);
    } catch (IOException e) {
      return false;
    }
  }

  /** eventId -> heatmap hash of the latest original review record (the reviews topic is keyed by eventId). */
  private Map<String, String> originalHeatmapHashes() {
    Map<String, String> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      String topic = config.topics().reviews();
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(POLL)) {
          try {
            JsonNode review = json.readTree(rec.value());
            out.put(review.path("eventId").asText(), review.at("/hashes/heatmap").asText());
          } catch (IOException e) {
            // Not a review record; nothing to compare against.
          }
        }
      }
    }
    return out;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = config.kafkaClientProperties();
    // Only committed records: what the live pipeline actually published.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private Output output(Options options) {
    if (options.toTopic() != null) {
      try (Admin admin = Admin.create(config.kafkaClientProperties())) {
        Topics.ensure(admin, List.of(new NewTopic(options.toTopic(), config.topicPartitions(),
            config.topicReplicationFactor())));
      }
      Properties p = config.kafkaClientProperties();
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
      String topic = options.toTopic();
      return new Output() {
        @Override
        public void write(String key, byte[] value) {
          producer.send(new ProducerRecord<>(topic, key, value));
        }

        @Override
        public void close() {
          producer.close();
        }
      };
    }
    try {
      Files.createDirectories(options.toDir());
      BufferedWriter w = Files.newBufferedWriter(options.toDir().resolve("reviews.jsonl"), StandardCharsets.UTF_8);
      return new Output() {
        @Override
        public void write(String key, byte[] value) {
          try {
            w.write(new String(value, StandardCharsets.UTF_8));
            w.newLine();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public void close() {
          try {
            w.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + options.toDir(), e);
    }
  }

  /** Where replayed review records go. */
  private interface Output extends AutoCloseable {
    void write(String key, byte[] value);

    @Override
    void close();
  }
}
