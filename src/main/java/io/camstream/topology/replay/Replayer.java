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
 * Audit replay: re-explains the selected events of a time range and checks that the heatmaps are the same as in
 * the original review records, saying why when they are not.
 *
 * <p>What is replayed is the <em>recorded</em> selection: the explain requests the router published for the range
 * (the event, the policy resolved for it then, the reasons), not a new decision under today's policy, so a later
 * policy change neither drops events nor adds ones that never had a review. Requests and original reviews both
 * carry the event's record timestamp, so only the range is read from either topic ({@code offsetsForTimes} on
 * every partition, up to the first record after {@code to}). Each request goes through the same
 * {@link BatchExplainer} as the explainer role (method, layer, boxes and privacy from the recorded policy), under
 * a fresh replay id. A heatmap that differs is reported with what differs from the original review: model sha256,
 * method, layer, explainer device or version, or, with all of those equal, the heatmap alone. This uses plain
 * clients, not Kafka Streams: a replay is a bounded batch job that must not join the live application's consumer
 * group or touch its state.
 *
 * <p>New review records go to a topic or to {@code <dir>/reviews.jsonl}; their artifacts to a folder of their own
 * ({@code <dir>/artifacts}, or {@code <artifacts.dir>/replays/<replayId>}) so the originals are never overwritten.
 */
public final class Replayer {

  private static final Duration POLL = Duration.ofMillis(200);

  private final CamstreamConfig config;
  private final Explainer explainer;
  private final PrintStream progress;
  private final ObjectMapper json = new ObjectMapper();

  public Replayer(CamstreamConfig config, Explainer explainer, PrintStream progress) {
    this.config = config;
    this.explainer = explainer;
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
   * @param failed recorded requests that failed again (dead letters; not part of N)
   * @param notSelected requests of the range left out (another model, unreadable)
   * @param mismatches every replayed event whose heatmap differs or that has no original, with the reasons
   */
  public record Summary(String replayId, long replayed, long matched, long noOriginal, long failed,
      long notSelected, List<Mismatch> mismatches) {

    public Summary {
      mismatches = List.copyOf(mismatches);
    }

    /** How many mismatches give each reason. */
    public Map<String, Long> reasons() {
      Map<String, Long> out = new java.util.TreeMap<>();
      mismatches.forEach(m -> m.reasons().forEach(r -> out.merge(r, 1L, Long::sum)));
      return out;
    }

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

  /**
   * One replayed event whose heatmap is not the original's.
   *
   * @param eventId the event
   * @param reasons {@code no-original}, {@code failed:<REASON>}, {@code model-sha256-changed},
   *     {@code method-changed}, {@code layer-changed}, {@code engine-changed}, {@code device-changed},
   *     {@code version-changed}, and
   *     {@code heatmap-differs} when the hashes differ
   */
  public record Mismatch(String eventId, List<String> reasons) {}

  public Summary run(Options options) {
    String replayId = "replay-" + Instant.now().toString().replace(":", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    Map<String, JsonNode> originals = originalReviews(options);
    List<Mismatch> mismatches = new ArrayList<>();
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
      String topic = config.topics().requests();
      ReplayRange range = ReplayRange.of(consumer, topic, options.from());
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
          if (inRange && modelMatches(rec.value(), options.model())) {
            batch.add(new BatchExplainer.Item(rec.value(), System.currentTimeMillis()));
          } else {
            notSelected++;
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
              JsonNode original = originals.get(r.eventId());
              if (original == null) {
                noOriginal++;
                mismatches.add(new Mismatch(r.eventId(), List.of("no-original")));
              } else if (original.at("/hashes/heatmap").asText().equals(r.heatmapSha256())) {
                matched++;
              } else {
                mismatches.add(new Mismatch(r.eventId(), differences(original, tree(r.json()))));
              }
              output.write(r.eventId(), r.json());
            } else if (o instanceof Outcome.Failed f) {
              failed++;
              if (f.eventId() != null && originals.containsKey(f.eventId())) {
                mismatches.add(new Mismatch(f.eventId(), List.of("failed:" + f.reason())));
              }
            }
          }
          batch.clear();
        }
        bar.update(done, "(" + replayed + " explained)");
      }
      bar.update(range.total(), "(" + replayed + " explained)");
      bar.finish();
    }
    return new Summary(replayId, replayed, matched, noOriginal, failed, notSelected, mismatches);
  }

  /** Why a replayed record's heatmap may differ from the original's: what was recorded differently. */
  static List<String> differences(JsonNode original, JsonNode replayed) {
    List<String> out = new ArrayList<>();
    if (!original.at("/model/sha256").equals(replayed.at("/model/sha256"))) {
      out.add("model-sha256-changed");
    }
    if (!original.at("/explanation/method").equals(replayed.at("/explanation/method"))) {
      out.add("method-changed");
    }
    if (!original.at("/explanation/layer").equals(replayed.at("/explanation/layer"))) {
      out.add("layer-changed");
    }
    // the backend (e.g. paddle or a compiled graph), where the record names one
    if (!original.at("/explainer/engine").equals(replayed.at("/explainer/engine"))) {
      out.add("engine-changed");
    }
    if (!original.at("/explainer/device").equals(replayed.at("/explainer/device"))) {
      out.add("device-changed");
    }
    if (!original.at("/explainer/version").equals(replayed.at("/explainer/version"))) {
      out.add("version-changed");
    }
    out.add("heatmap-differs");
    return out;
  }

  private JsonNode tree(byte[] bytes) {
    try {
      return json.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean modelMatches(byte[] request, String model) {
    if (model == null || model.isEmpty()) {
      return true;
    }
    try {
      JsonNode m = json.readTree(request).path("event").path("model");
      String id = m.path("id").asText("");
      String version = m.path("version").asText("");
      return model.contains("@") ? model.equals(id + "@" + version) : model.equals(id);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * eventId -> the latest original review record of the range. Review records carry their event's timestamp (the
   * explainer forwards it), so only the range of the reviews topic is read, not the whole topic.
   */
  private Map<String, JsonNode> originalReviews(Options options) {
    Map<String, JsonNode> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      ReplayRange range = ReplayRange.of(consumer, config.topics().reviews(), options.from());
      consumer.assign(range.start().keySet());
      range.start().forEach(consumer::seek);
      Map<TopicPartition, Long> remaining = new HashMap<>(range.end());
      remaining.entrySet().removeIf(e -> range.start().get(e.getKey()) >= e.getValue());
      while (!remaining.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(POLL)) {
          Long end = remaining.get(new TopicPartition(rec.topic(), rec.partition()));
          if (end == null || rec.offset() >= end) {
            continue;
          }
          if (rec.timestamp() < options.from().toEpochMilli() || rec.timestamp() > options.to().toEpochMilli()) {
            continue;
          }
          try {
            JsonNode review = json.readTree(rec.value());
            out.put(review.path("eventId").asText(), review);
          } catch (IOException e) {
            // Not a review record; nothing to compare against.
          }
        }
        for (TopicPartition tp : List.copyOf(remaining.keySet())) {
          if (consumer.position(tp) >= remaining.get(tp)) {
            remaining.remove(tp);
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
