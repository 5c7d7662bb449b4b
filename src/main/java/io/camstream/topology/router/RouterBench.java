package io.camstream.topology.router;

import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.EmbeddedKafka;
import io.camstream.kafka.Topics;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Router throughput: pre-produces N inference events (a realistic mix: mostly confident, some low-confidence, new
 * samples, audit samples and a few malformed ones), then starts the router (exactly-once v2) and measures how fast it
 * drains them, from start until its committed offsets reach the end of the events topic.
 *
 * <pre>java -cp target/camstream.jar io.camstream.topology.router.RouterBench [events] [threads] [partitions]
 * [key=value ...]</pre>
 *
 * Defaults: 200000 events, 2 stream threads, 4 partitions, an embedded broker in a temp directory, two rounds in
 * the same JVM (system property {@code bench.rounds}): the first warms the JIT, the second is the figure to quote. Extra
 * {@code key=value} arguments are camstream config keys (e.g. {@code bootstrap.servers=host:9092} for an external
 * cluster, {@code streams.commit.interval.ms=1000}). At the end it reads the requests topic back (read_committed)
 * and checks that it holds exactly the expected number of requests.
 */
public final class RouterBench {

  private RouterBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Map<String, String> extra = new HashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      extra.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    String bootstrap = extra.getOrDefault(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, "");
    Path tmp = Files.createTempDirectory("camstream-bench-");
    EmbeddedKafka broker = bootstrap.isEmpty() ? EmbeddedKafka.start(tmp.resolve("kafka"), Duration.ofSeconds(120))
        : null;
    try {
      extra.put(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker == null ? bootstrap : broker.bootstrapServers());
      // Round 1 pays for class loading and JIT compilation; later rounds show the warm router.
      int rounds = Integer.getInteger("bench.rounds", 2);
      for (int r = 1; r <= rounds; r++) {
        System.out.printf("-- round %d of %d%s%n", r, rounds, r == 1 && rounds > 1 ? " (warm-up)" : "");
        run(n, threads, partitions, extra, Files.createDirectories(tmp.resolve("round-" + r)));
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static void run(int n, int threads, int partitions, Map<String, String> extra, Path tmp)
      throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Files.writeString(models.resolve("cls.yaml"), "id: ppocr-cls\nversion: '2.0'\n");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> props = new HashMap<>();
    props.put(CamstreamConfig.DATA_DIR_CONFIG, tmp.toString());
    props.put(CamstreamConfig.MODELS_DIR_CONFIG, models.toString());
    props.put(CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, "/data/images");
    props.put(CamstreamConfig.TOPIC_PARTITIONS_CONFIG, partitions);
    props.put(CamstreamConfig.TOPIC_EVENTS_CONFIG, "bench.events." + suffix);
    props.put(CamstreamConfig.TOPIC_REQUESTS_CONFIG, "bench.requests." + suffix);
    props.put(CamstreamConfig.TOPIC_DLQ_CONFIG, "bench.dlq." + suffix);
    props.put(CamstreamConfig.TOPIC_POLICIES_CONFIG, "bench.policies." + suffix);
    props.put(CamstreamConfig.ROUTER_APPLICATION_ID_CONFIG, "bench-router-" + suffix);
    props.put(CamstreamConfig.STREAMS_PREFIX + "num.stream.threads", threads);
    // Bigger batches for the router's transactional producer: throughput over latency for a drain.
    props.put(CamstreamConfig.STREAMS_PREFIX + "producer.linger.ms", 20);
    props.put(CamstreamConfig.STREAMS_PREFIX + "producer.batch.size", 262_144);
    props.put(CamstreamConfig.STREAMS_PREFIX + "producer.compression.type", "lz4");
    props.putAll(extra);
    CamstreamConfig config = new CamstreamConfig(props);
    try (Admin admin = Admin.create(config.kafkaClientProperties())) {
      Topics.ensure(admin, config);
    }

    long t0 = System.nanoTime();
    produce(config, n);
    double produceS = (System.nanoTime() - t0) / 1e9;
    System.out.printf("produced %d events in %.2f s (%.0f events/s)%n", n, produceS, n / produceS);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    long t1 = System.nanoTime();
    long cpu1 = processCpuNanos();
    try (RunningRole router = new RouterRole().start(new RoleContext(config, meters));
        Admin admin = Admin.create(config.kafkaClientProperties())) {
      long[] first = awaitDrained(admin, config.routerApplicationId(), config.topics().events(), partitions);
      // then the selected events' second hop, through the duplicate check
      awaitDrained(admin, config.routerApplicationId(), Topics.requestsByEventId(config), partitions);
      long t2 = System.nanoTime();
      double cpuS = (processCpuNanos() - cpu1) / 1e9;
      double s = (t2 - t1) / 1e9;
      double steadyS = (t2 - first[0]) / 1e9;
      double selected = meters.counter("camstream.router.selected").count();
      double dead = meters.find("camstream.router.dead.lettered").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      System.out.printf("router (exactly_once_v2, %d stream threads, %d partitions): %d events in %.2f s = %.0f "
          + "events/s including startup; after the first commit: %d events in %.2f s = %.0f events/s; "
          + "selected %.0f, dead-lettered %.0f%n", threads, partitions, n, s, n / s, n - first[1], steadyS,
          (n - first[1]) / steadyS, selected, dead);
      // CPU time does not depend on what else runs on the machine: the fairer figure on a shared host.
      System.out.printf("CPU used by this process (router + in-process broker) while draining: %.2f s = %.0f events "
          + "per CPU-second; load average now %.2f on %d cores%n", cpuS, n / cpuS,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors());
      if (Boolean.getBoolean("bench.threads")) {
        printThreadCpu();
      }
    }
    long expected = expectedRequests(n);
    long actual = countCommitted(config, config.topics().requests());
    System.out.printf("requests topic holds %d requests, expected %d: %s%n", actual, expected,
        actual == expected ? "OK" : "MISMATCH");
    if (actual != expected) {
      throw new IllegalStateException("router output does not match the input");
    }
  }

  /** CPU by thread group (JIT compiler and GC threads are not visible here: they are the remainder). */
  private static void printThreadCpu() {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Double> byGroup = new java.util.TreeMap<>();
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      String group = info.getThreadName().replaceAll("[-_ ]?\\d+", "").replaceAll("[0-9a-f]{8}-.*-", "");
      byGroup.merge(group, mx.getThreadCpuTime(info.getThreadId()) / 1e9, Double::sum);
    }
    double all = byGroup.values().stream().mapToDouble(Double::doubleValue).sum();
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
        .forEach(e -> System.out.printf("  %-70s %6.2f s%n", e.getKey(), e.getValue()));
    System.out.printf("  java threads total %.2f s, process total %.2f s (rest: JIT, GC)%n", all,
        processCpuNanos() / 1e9);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** What the built-in policy selects from {@link #event}'s mix. */
  static long expectedRequests(int n) {
    long count = 0;
    for (int i = 0; i < n; i++) {
      if (i % 100 != 99 && (i % 10 == 3 || i % 50 == 7
          || io.camstream.policy.PolicyEvaluator.auditSampled("bench-" + i, 0.01))) {
        count++;
      }
    }
    return count;
  }

  private static long countCommitted(CamstreamConfig config, String topic) {
    Map<String, Object> p = new HashMap<>();
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p,
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(x -> new TopicPartition(topic, x.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long count = 0;
      while (parts.stream().anyMatch(x -> c.position(x) < end.get(x))) {
        count += c.poll(Duration.ofMillis(200)).count();
      }
      return count;
    }
  }

  private static void produce(CamstreamConfig config, int n) throws Exception {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<?>> last = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String line = "L" + (i % 16);
        last.add(producer.send(new ProducerRecord<>(config.topics().events(), line.getBytes(StandardCharsets.UTF_8),
            event(i, line).getBytes(StandardCharsets.UTF_8))));
        if (last.size() >= 10_000) {
          for (Future<?> f : last) {
            f.get();
          }
          last.clear();
        }
      }
      for (Future<?> f : last) {
        f.get();
      }
    }
  }

  /** 1 in 100 malformed, 1 in 10 low-confidence, 1 in 50 new samples, the rest confident. */
  static String event(int i, String line) {
    if (i % 100 == 99) {
      return "{\"eventId\": \"bench-" + i + "\", \"lineId\": ";
    }
    double confidence = i % 10 == 3 ? 0.31 : 0.97;
    boolean newSample = i % 50 == 7;
    return "{\"eventId\":\"bench-" + i + "\",\"lineId\":\"" + line + "\",\"cameraId\":\"cam-" + (i % 4)
        + "\",\"timestamp\":\"2026-11-28T03:00:00.123Z\",\"model\":{\"id\":\"ppocr-cls\",\"version\":\"2.0\"},"
        + "\"image\":{\"uri\":\"file:///data/images/" + i + ".png\",\"width\":192,\"height\":48},"
        + "\"prediction\":{\"classIndex\":0,\"label\":\"0\",\"confidence\":" + confidence + "},"
        + "\"newSample\":" + newSample + ",\"attributes\":{\"shift\":\"night\"}}";
  }

  /** Waits until the group's commits reach the end; returns {time of its first commit, offsets committed then}. */
  private static long[] awaitDrained(Admin admin, String group, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all().get();
    long[] first = null;
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long sum = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
      if (first == null && sum > 0) {
        first = new long[] {System.nanoTime(), sum};
      }
      boolean done = end.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
          || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset());
      if (done) {
        return first;
      }
      Thread.sleep(20);
    }
  }
}
