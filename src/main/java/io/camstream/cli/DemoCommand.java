package io.camstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Json;
import io.camstream.topology.DeadLetters;
import io.camstream.topology.Runner;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream demo}: the embedded broker and every role ({@code run --role all}), plus a producer of inference
 * events for the shipped sample images; prints the review records as they arrive and where the artifacts and the
 * review UI are, then keeps running until Ctrl-C (or exits with {@code --exit-after-results}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run broker + all roles, produce sample events, and show the review records.")
public final class DemoCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(names = "--exit-after-results", description = "stop once the results are shown (for scripts and tests)")
  boolean exitAfterResults;

  @Option(names = "--timeout", defaultValue = "PT3M",
      description = "how long to wait for the results, ISO-8601 duration (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    CamstreamConfig config = configOptions.load();
    Path images = sharedDir().resolve("images").toAbsolutePath().normalize();
    if (!Files.isDirectory(images)) {
      spec.commandLine().getErr().println("camstream demo: sample images not found at " + images
          + " (set -Dcamstream.shared or CAMSTREAM_SHARED to the shared/ folder)");
      return 2;
    }
    if (config.imageFileRoots().isEmpty()) {
      // The demo's own images must be readable; anything configured explicitly is left alone.
      config = config.with(CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, images.toString());
    }
    Runner started;
    try {
      started = Runner.start(config, Runner.select("all"));
    } catch (IllegalStateException e) {
      // e.g. no explain engine on the classpath: say so in one line rather than with a stack trace
      spec.commandLine().getErr().println("camstream demo: " + e.getMessage());
      return 1;
    }
    try (Runner runner = started) {
      CamstreamConfig live = runner.config();
      String runId = "demo-" + Long.toString(System.currentTimeMillis(), 36);
      List<DemoEvents.Event> events = DemoEvents.forImages(images, Instant.now(), runId);
      produce(live, events);
      out.printf("produced %d inference events (run %s) to %s on %s%n", events.size(), runId,
          live.topics().events(), live.bootstrapServers());
      out.flush();
      Results results = await(live, runId, events);
      printTable(out, results.reviews);
      out.printf("%d dead letters on %s: %s%n", results.deadLetters.size(), live.topics().dlq(),
          String.join(", ", results.deadLetters));
      if (!results.refused.isEmpty()) {
        explainRefusals(out, live, results, events);
      }
      out.printf("artifacts (overlay and heatmap PNGs): %s%n", live.artifactsDir().toAbsolutePath());
      runner.roles().stream().filter(r -> r instanceof io.camstream.review.ReviewService)
          .map(r -> (io.camstream.review.ReviewService) r).findFirst()
          .ifPresent(r -> out.printf("review UI: http://localhost:%d/  (token %s)%n", r.port(), r.token()));
      if (runner.ops() != null) {
        out.printf("metrics: http://localhost:%d/metrics%n", runner.ops().port());
      }
      out.flush();
      if (!results.complete) {
        spec.commandLine().getErr().println("camstream demo: not every expected result arrived within " + timeout);
      }
      if (exitAfterResults) {
        return results.complete ? 0 : 1;
      }
      out.println("camstream demo running; stop with Ctrl-C");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "camstream-demo-stop"));
      stop.await();
      return 0;
    }
  }

  /**
   * @param refused events the demo expected a review for that were dead-lettered instead: eventId to
   *     {@code stage:REASON: message}
   */
  private record Results(List<JsonNode> reviews, List<String> deadLetters, Map<String, String> refused,
      boolean complete) {}

  /** Says which expected reviews were refused and why, with the likely cause when every one was. */
  private static void explainRefusals(PrintWriter out, CamstreamConfig config, Results results,
      List<DemoEvents.Event> events) {
    long expected = events.stream().filter(e -> e.expect().equals("review")).count();
    out.printf("%d of %d events expected to give a review were refused:%n", results.refused.size(), expected);
    results.refused.entrySet().stream().limit(5).forEach(e -> out.printf("  %s  %s%n", e.getKey(), e.getValue()));
    if (results.reviews.isEmpty() && results.refused.values().stream().allMatch(v -> v.contains("IMAGE_NOT_ALLOWED"))) {
      out.printf("every image was refused as IMAGE_NOT_ALLOWED: the images must lie under image.file.roots=%s "
          + "(checked as written and as real paths, symbolic links resolved); set image.file.roots or "
          + "CAMSTREAM_SHARED to the folder the images really are in%n", config.imageFileRoots());
    }
  }

  /**
   * Reads committed review records and dead letters of this run until every expected review is in or refused and
   * the expected dead letters are in (or timeout).
   */
  private Results await(CamstreamConfig config, String runId, List<DemoEvents.Event> events) {
    Set<String> wantReviews = events.stream().filter(e -> e.expect().equals("review"))
        .map(DemoEvents.Event::eventId).collect(Collectors.toSet());
    long wantDead = events.stream().filter(e -> e.expect().startsWith("dead letter")).count();
    Map<String, JsonNode> reviews = new LinkedHashMap<>();
    Map<String, String> refused = new LinkedHashMap<>();
    List<String> dead = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = consumer(config)) {
      c.subscribe(List.of(config.topics().reviews(), config.topics().dlq()));
      while (System.nanoTime() < deadline && !settled(wantReviews, reviews, refused, dead, wantDead)) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          String value = new String(r.value(), StandardCharsets.UTF_8);
          if (!value.contains(runId)) {
            continue; // an earlier demo run on the same data directory
          }
          if (r.topic().equals(config.topics().reviews())) {
            try {
              JsonNode review = Json.tree(r.value());
              reviews.put(review.path("eventId").asText(), review);
            } catch (java.io.IOException e) {
              // not a review record
            }
          } else {
            String why = DeadLetters.header(r.headers(), DeadLetters.STAGE) + ":"
                + DeadLetters.header(r.headers(), DeadLetters.REASON);
            String id = deadLetterEventId(r.value());
            if (id != null && wantReviews.contains(id)) {
              refused.put(id, why + ": " + DeadLetters.header(r.headers(), DeadLetters.MESSAGE));
            } else {
              dead.add(why);
            }
          }
        }
      }
    }
    boolean complete = refused.isEmpty() && reviews.keySet().containsAll(wantReviews) && dead.size() >= wantDead;
    return new Results(new ArrayList<>(reviews.values()), dead, refused, complete);
  }

  private static boolean settled(Set<String> want, Map<String, JsonNode> reviews, Map<String, String> refused,
      List<String> dead, long wantDead) {
    return want.stream().allMatch(id -> reviews.containsKey(id) || refused.containsKey(id)) && dead.size() >= wantDead;
  }

  /** The event id in a dead letter's value: an event (router) or an explain request (explainer); null if none. */
  private static String deadLetterEventId(byte[] value) {
    try {
      JsonNode n = Json.tree(value);
      String id = n.path("eventId").asText(n.path("event").path("eventId").asText(null));
      return id == null || id.isEmpty() ? null : id;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static void printTable(PrintWriter out, List<JsonNode> reviews) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"eventId", "line", "reason", "prediction", "peak", "overlay"});
    for (JsonNode r : reviews) {
      JsonNode p = r.path("prediction");
      String prediction = p.isObject()
          ? p.path("label").asText("?") + " @ " + String.format("%.2f", p.path("confidence").asDouble())
          : r.path("detections").size() + " detection(s)";
      List<String> reasons = new ArrayList<>();
      r.at("/selection/reasons").forEach(x -> reasons.add(x.asText()));
      String overlay = r.at("/artifacts/overlay").isTextual() ? r.at("/artifacts/overlay").asText()
          : "(none: " + r.at("/selection/policy/privacy").asText() + ")";
      rows.add(new String[] {shorten(r.path("eventId").asText()), r.path("lineId").asText(), String.join(",", reasons),
          prediction, r.at("/explanation/peak/x").asInt() + "," + r.at("/explanation/peak/y").asInt(), overlay});
    }
    // Columns as wide as their widest cell: an event selected for several reasons must not shift the rest.
    int[] width = new int[rows.get(0).length - 1];
    for (String[] row : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        line.append(String.format("%-" + width[i] + "s  ", row[i]));
      }
      out.println(line.append(row[width.length]));
    }
  }

  private static String shorten(String s) {
    return s.length() <= 16 ? s : "..." + s.substring(s.length() - 13);
  }

  private static void produce(CamstreamConfig config, List<DemoEvents.Event> events) throws Exception {
    java.util.Properties props = config.kafkaClientProperties();
    // Events may be as large as event.max.bytes (a data: image); the events topic is created to take them.
    props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        io.camstream.kafka.Topics.eventsMaxMessageBytes(config));
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (DemoEvents.Event e : events) {
        p.send(new ProducerRecord<>(config.topics().events(), e.lineId().getBytes(StandardCharsets.UTF_8),
            e.value())).get();
      }
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(CamstreamConfig config) {
    Properties p = config.kafkaClientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "camstream-demo-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** shared/ as everywhere in camstream (see {@link io.camstream.io.SharedDir}). */
  static Path sharedDir() {
    return io.camstream.io.SharedDir.locate().root();
  }
}
