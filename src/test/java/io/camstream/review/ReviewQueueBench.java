package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.Reviews;
import io.camstream.config.CamstreamConfig;
import io.camstream.topology.Runner;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The review queue at factory scale (a main class, not a test): the review role on the in-process broker with
 * {@code N} stored open reviews, {@code S} live browsers (Server-Sent-Event clients) and new reviews arriving at
 * {@code R}/s; meanwhile one client reads {@code GET /api/reviews} (first page, 200 items, with facets) back to
 * back. Prints p50/p99/max of that request, the live events each SSE client got, and the heap.
 *
 * <pre>
 * mvn -B -o -q -DskipTests test-compile package
 * java -Xmx1g -cp "target/test-classes:target/classes:target/lib/*" io.camstream.review.ReviewQueueBench \
 *     100000 20 50 60
 * </pre>
 */
public final class ReviewQueueBench {

  private ReviewQueueBench() {}

  public static void main(String[] args) throws Exception {
    int stored = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int sseClients = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int ratePerSec = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    Path data = Files.createTempDirectory("review-bench");
    String token = "bench-token";
    CamstreamConfig config = new CamstreamConfig(Map.of(
        CamstreamConfig.DATA_DIR_CONFIG, data.toString(),
        CamstreamConfig.REVIEW_PORT_CONFIG, 0,
        CamstreamConfig.REVIEW_TOKEN_CONFIG, token,
        CamstreamConfig.METRICS_PORT_CONFIG, -1,
        CamstreamConfig.TOPIC_PARTITIONS_CONFIG, 4));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (Runner runner = Runner.start(config, Runner.select("review"))) {
      CamstreamConfig live = runner.config();
      int port = ((ReviewService) runner.roles().get(0)).port();
      String base = "http://127.0.0.1:" + port;
      HttpClient http = HttpClient.newHttpClient();
      Properties p = live.kafkaClientProperties();
      p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
      p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      Instant t0 = Instant.now().minus(Duration.ofHours(2));
      long loadStart = System.nanoTime();
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
          new StringSerializer())) {
        for (int i = 0; i < stored; i++) {
          String id = "bench-" + i;
          producer.send(new ProducerRecord<>(live.topics().reviews(), id, review(id, t0.plusMillis(i * 50L), i)));
        }
        producer.flush();
        long open = 0;
        while (open < stored) {
          Thread.sleep(1000);
          open = openCount(http, base, token);
        }
        System.out.printf("loaded %d reviews in %.1f s%n", stored, (System.nanoTime() - loadStart) / 1e9);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong[] events = new AtomicLong[sseClients];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < sseClients; c++) {
          AtomicLong n = events[c] = new AtomicLong();
          HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
              .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
          Thread t = new Thread(() -> readEvents(stream.body(), n, running), "sse-" + c);
          t.setDaemon(true);
          t.start();
          threads.add(t);
        }
        AtomicLong produced = new AtomicLong();
        Thread arrivals = new Thread(() -> {
          long next = System.nanoTime();
          int i = stored;
          while (running.get()) {
            String id = "bench-" + i;
            producer.send(new ProducerRecord<>(live.topics().reviews(), id, review(id, Instant.now(), i)));
            i++;
            produced.incrementAndGet();
            next += 1_000_000_000L / ratePerSec;
            long wait = next - System.nanoTime();
            if (wait > 0) {
              try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              } catch (InterruptedException e) {
                return;
              }
            }
          }
        }, "arrivals");
        arrivals.start();

        List<Double> millis = new ArrayList<>();
        long heapMax = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long lastSample = 0;
        while (System.nanoTime() < end) {
          long s = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews"))
              .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
          millis.add((System.nanoTime() - s) / 1e6);
          if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /api/reviews answered " + r.statusCode() + ": " + r.body());
          }
          if (s - lastSample > 1_000_000_000L) {
            heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
            lastSample = s;
          }
        }
        running.set(false);
        arrivals.join();
        long caughtUp = System.nanoTime();
        long finalOpen = openCount(http, base, token);
        while (finalOpen < stored + produced.get() && System.nanoTime() - caughtUp < 180_000_000_000L) {
          Thread.sleep(500);
          finalOpen = openCount(http, base, token);
        }
        System.out.printf("%d reviews arrived during the run; the queue had all of them %.1f s after the last%n",
            produced.get(), (System.nanoTime() - caughtUp) / 1e9);
        System.gc();
        long heapAfterGc = memory.getHeapMemoryUsage().getUsed();
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long[] perClient = Arrays.stream(events).mapToLong(AtomicLong::get).toArray();
        System.out.printf("GET /api/reviews: %d requests in %d s with %d SSE clients and %d reviews/s arriving:"
            + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.length, seconds, sseClients, ratePerSec,
            pct(sorted, 0.50), pct(sorted, 0.99), sorted[sorted.length - 1]);
        System.out.printf("live events per SSE client: min %d, max %d, for %d reviews arriving%n",
            Arrays.stream(perClient).min().orElse(0), Arrays.stream(perClient).max().orElse(0), produced.get());
        System.out.printf("heap: max sampled %d MiB, after GC at the end %d MiB (max heap %d MiB); open reviews %d%n",
            heapMax >> 20, heapAfterGc >> 20, memory.getHeapMemoryUsage().getMax() >> 20, finalOpen);
      }
    }
  }

  private static void readEvents(InputStream in, AtomicLong n, AtomicBoolean running) {
    try (in) {
      StringBuilder line = new StringBuilder();
      int c;
      while (running.get() && (c = in.read()) >= 0) {
        if (c == '\n') {
          if (line.toString().startsWith("event: change")) {
            n.incrementAndGet();
          }
          line.setLength(0);
        } else {
          line.append((char) c);
        }
      }
    } catch (Exception e) {
      // the bench is over or the server closed the stream
    }
  }

  private static long openCount(HttpClient http, String base, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews?limit=1"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return 0;
    }
    JsonNode body = Reviews.MAPPER.readTree(r.body());
    return body.path("open").asLong();
  }

  /** A realistic review record: 7x7 grid, one hot region, a few lines, models, classes and reasons. */
  private static String review(String id, Instant at, int i) {
    double[] grid = new double[49];
    for (int k = 0; k < grid.length; k++) {
      grid[k] = ((k * 31 + i) % 97) / 97.0;
    }
    return Reviews.review(id).line("line-" + (i % 12)).model("model-" + (i % 3), "1")
        .prediction(i % 5, "class-" + (i % 5), 0.3 + (i % 40) / 100.0)
        .reasons(i % 2 == 0 ? "low-confidence" : "audit-sample").at(at)
        .grid(7, 7, grid).region(10, 20, 30, 40, 0.8).json();
  }

  private static double pct(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
