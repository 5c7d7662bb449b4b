package io.camstream.topology.explainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end latency harness: with the router and explainer roles running on {@code config}, it first measures the
 * pipeline's capacity (a burst of low-confidence events, all selected, timed until the last review record is
 * committed), then produces at half that rate for a while and reports p50/p99 of event to review record.
 *
 * <p>Latency is the wall time a read_committed consumer receives the review record minus the review record's
 * Kafka timestamp, which Streams carries over from the inference event record (set by the producer at send time).
 * So it includes routing, buffering (linger), explaining, artifacts and the exactly-once commit interval.
 */
public final class EndToEndBench {

  private final CamstreamConfig config;
  private final String imageUri;
  private final String modelId;
  private final String modelVersion;
  private final PrintStream log;

  public EndToEndBench(CamstreamConfig config, String imageUri, String modelId, String modelVersion,
      PrintStream log) {
    this.config = config;
    this.imageUri = imageUri;
    this.modelId = modelId;
    this.modelVersion = modelVersion;
    this.log = log;
  }

  /** The figures. */
  public record Result(int burst, double capacityPerSec, double ratePerSec, int measured, double p50Ms,
      double p99Ms, double maxMs) {

    /** One markdown table row. */
    public String markdownRow() {
      return String.format("| %d | %.1f | %.1f | %d | %.0f | %.0f | %.0f |", burst, capacityPerSec, ratePerSec,
          measured, p50Ms, p99Ms, maxMs);
    }

    public static String markdownHeader() {
      return "| burst | capacity (events/s) | offered rate (events/s) | measured events | p50 ms | p99 ms | max ms |\n"
          + "|---|---|---|---|---|---|---|";
    }
  }

  public Result run(int burst, Duration measure) throws InterruptedException {
    try (KafkaProducer<byte[], byte[]> producer = producer(); KafkaConsumer<byte[], byte[]> reviews = consumer()) {
      reviews.subscribe(List.of(config.topics().reviews()));
      // Join and fix positions at the end before producing, so no review record slips past "latest".
      while (reviews.assignment().isEmpty()) {
        reviews.poll(Duration.ofMillis(100));
      }
      reviews.assignment().forEach(reviews::position);
      // Warm-up: one event through the whole pipeline (consumer join, predictor creation, first transaction).
      send(producer, "warmup");
      await(reviews, 1, Duration.ofMinutes(5), null);

      long t0 = System.nanoTime();
      for (int i = 0; i < burst; i++) {
        send(producer, "burst-" + i);
      }
      producer.flush();
      await(reviews, burst, Duration.ofMinutes(10), null);
      double capacity = burst / ((System.nanoTime() - t0) / 1e9);
      log.printf("capacity: %d events in burst -> %.1f events/s%n", burst, capacity);

      double rate = capacity / 2;
      long intervalNanos = (long) (1e9 / rate);
      int count = (int) Math.max(10, rate * measure.toSeconds());
      List<Double> latencies = new ArrayList<>();
      long start = System.nanoTime();
      int sent = 0;
      while (sent < count) {
        long due = start + sent * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          // Between sends, pick up reviews so their receive time is accurate.
          drain(reviews, Duration.ofNanos(Math.min(wait, 5_000_000)), latencies);
          continue;
        }
        send(producer, "paced-" + sent);
        sent++;
      }
      producer.flush();
      await(reviews, count - latencies.size(), Duration.ofMinutes(10), latencies);
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      log.printf("paced: %d events at %.1f events/s%n", count, rate);
      return new Result(burst, capacity, rate, sorted.length, percentile(sorted, 50), percentile(sorted, 99),
          sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }
  }

  /**
   * Runs the bench on an embedded broker in a temp directory with the router and explainer roles, the engine from
   * {@link Explainers#fromConfig}: {@code EndToEndBench [burst] [measureSeconds]}; other settings from the
   * environment ({@code CAMSTREAM_MODELS_DIR}, {@code CAMSTREAM_EXPLAINER_BATCH_MAX_SIZE}, ...). Needs the shared
   * sample images (property {@code camstream.shared}, env {@code CAMSTREAM_SHARED}, or {@code ../shared}).
   */
  public static void main(String[] args) throws Exception {
    int burst = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 20);
    String shared = System.getProperty("camstream.shared",
        System.getenv().getOrDefault("CAMSTREAM_SHARED", "../shared"));
    java.nio.file.Path images = java.nio.file.Path.of(shared, "images").toAbsolutePath().normalize();
    java.nio.file.Path data = java.nio.file.Files.createTempDirectory("camstream-bench-");
    CamstreamConfig config = io.camstream.config.ConfigLoader.load(null, Map.of(
        CamstreamConfig.DATA_DIR_CONFIG, data.toString(),
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, images.toString(),
        CamstreamConfig.METRICS_PORT_CONFIG, "-1",
        CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, ""));
    try (io.camstream.topology.Runner runner = io.camstream.topology.Runner.start(config,
        io.camstream.topology.Runner.select("router,explainer"))) {
      EndToEndBench bench = new EndToEndBench(runner.config(), images.resolve("textline_en_0.png").toUri().toString(),
          "ocr-textline-cls", "2.0", System.err);
      Result r = bench.run(burst, measure);
      System.out.println(Result.markdownHeader());
      System.out.println(r.markdownRow());
    }
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  private void await(KafkaConsumer<byte[], byte[]> c, int n, Duration patience, List<Double> latencies) {
    List<Double> sink = latencies != null ? latencies : new ArrayList<>();
    int target = sink.size() + n;
    long deadline = System.nanoTime() + patience.toNanos();
    while (sink.size() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + sink.size() + " of " + target + " review records within "
            + patience + ": is the explainer running?");
      }
      drain(c, Duration.ofMillis(100), sink);
    }
  }

  private static void drain(KafkaConsumer<byte[], byte[]> c, Duration poll, List<Double> latencies) {
    for (ConsumerRecord<byte[], byte[]> r : c.poll(poll)) {
      latencies.add((double) (System.currentTimeMillis() - r.timestamp()));
    }
  }

  private void send(KafkaProducer<byte[], byte[]> producer, String id) {
    String eventId = id + "-" + Long.toHexString(System.nanoTime());
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("eventId", eventId);
    e.put("lineId", "bench-line");
    e.put("cameraId", "bench-cam");
    e.put("timestamp", Instant.now().toString());
    e.putObject("model").put("id", modelId).put("version", modelVersion);
    e.putObject("image").put("uri", imageUri).put("width", 400).put("height", 64);
    // Confidence 0.1 is below every sensible confidenceBelow, so the router selects each event.
    e.putObject("prediction").put("classIndex", 0).put("label", "0").put("confidence", 0.1);
    producer.send(new ProducerRecord<>(config.topics().events(), null, System.currentTimeMillis(),
        "bench-line".getBytes(StandardCharsets.UTF_8), Json.bytes(e)));
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = config.kafkaClientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = config.kafkaClientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "camstream-bench-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
