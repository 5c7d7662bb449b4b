package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.explain.EngineUnavailableException;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explainer;
import io.camstream.explain.Explanation;
import io.camstream.io.ArtifactStore;
import io.camstream.io.ImageSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffer's attempt count and the infrastructure retry: the count is in the store before a batch is sent, an
 * engine that cannot take work leaves the requests buffered (uncounted) and they run after the backoff, and a
 * request sent too often without an answer is dead-lettered as ENGINE_CRASHED.
 */
class MicroBatchAttemptsTest {

  @TempDir Path artifactsDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> requests;
  private TestOutputTopic<String, byte[]> reviews;
  private TestOutputTopic<String, byte[]> dlq;
  private KeyValueStore<String, byte[]> buffer;

  /** Darkness explainer that first says "no worker" {@code unavailable} times. */
  static class Flaky implements Explainer {
    final DarknessExplainer inner = new DarknessExplainer();
    final AtomicInteger unavailable;
    final AtomicInteger calls = new AtomicInteger();

    Flaky(int unavailable) {
      this.unavailable = new AtomicInteger(unavailable);
    }

    @Override
    public Explanation explain(ExplainInput input) throws ExplainException {
      return inner.explain(input);
    }

    @Override
    public List<Object> explainAll(List<ExplainInput> inputs) {
      calls.incrementAndGet();
      if (unavailable.getAndDecrement() > 0) {
        throw new EngineUnavailableException("all workers restarting");
      }
      return inner.explainAll(inputs);
    }

    @Override
    public Set<String> modelIds() {
      return inner.modelIds();
    }

    @Override
    public void close() {}
  }

  private void start(Explainer explainer) {
    ExplainerMetrics metrics = new ExplainerMetrics(new SimpleMeterRegistry());
    ImageSource images = ImageSource.allowList(List.of(SharedImages.dir()), List.of(), 1 << 20, 10_000_000);
    BatchExplainer batches = new BatchExplainer(explainer, images,
        ArtifactStore.local(artifactsDir, Duration.ofHours(24)), new ExplainerInfo("test-host", "cpu", "dev"),
        metrics);
    ExplainerTopology.Settings settings =
        new ExplainerTopology.Settings("requests", "reviews", "dlq", 2, Duration.ofSeconds(30));
    Properties props = ExplainerTopology.streamsProperties(2, Map.of("bootstrap.servers", "unused:9092"));
    driver = new TopologyTestDriver(ExplainerTopology.build(settings, batches, metrics), props);
    requests = driver.createInputTopic("requests", Serdes.String().serializer(), Serdes.ByteArray().serializer());
    reviews = driver.createOutputTopic("reviews", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    dlq = driver.createOutputTopic("dlq", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    buffer = driver.getKeyValueStore(ExplainerTopology.BUFFER_STORE);
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void send(String id) {
    requests.pipeInput("line-1", Requests.bytes(Requests.cls(id, "textline_en_0.png")));
  }

  private int attempts(String key) {
    return Buffered.decode(buffer.get(key)).attempts();
  }

  @Test
  void theAttemptIsStoredBeforeTheBatchIsSentAndAnUnavailableEngineCostsNoAttempt() {
    Flaky engine = new Flaky(1);
    start(engine);
    send("a");
    send("b"); // full: the batch is armed, its attempt counted, nothing sent yet
    assertThat(engine.calls.get()).isZero();
    assertThat(attempts(String.format("%020d", 0))).isEqualTo(1);
    assertThat(attempts(String.format("%020d", 1))).isEqualTo(1);

    driver.advanceWallClockTime(Duration.ofMillis(50)); // sent: no worker, handed back, attempt uncounted
    assertThat(engine.calls.get()).isEqualTo(1);
    assertThat(attempts(String.format("%020d", 0))).isZero();
    assertThat(reviews.isEmpty()).isTrue();
    assertThat(dlq.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofMillis(500)); // still backing off
    assertThat(engine.calls.get()).isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofMillis(600)); // re-armed
    driver.advanceWallClockTime(Duration.ofMillis(50)); // sent
    assertThat(reviews.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("a", "b");
    assertThat(dlq.isEmpty()).isTrue();
    try (var it = buffer.all()) {
      assertThat(it.hasNext()).as("buffer drained").isFalse();
    }
  }

  @Test
  void aRequestSentTooOftenWithoutAnAnswerIsDeadLetteredAsEngineCrashed() {
    Flaky engine = new Flaky(0);
    start(engine);
    // As the changelog restores it after the role's process died with it in flight, again and again.
    byte[] value = Requests.bytes(Requests.cls("poison", "textline_en_0.png"));
    // (a key that sorts first, so it is in the next batch)
    buffer.put("-1", new Buffered(1, 2, "requests-0-99", "line-1".getBytes(StandardCharsets.UTF_8), value,
        MicroBatchProcessor.MAX_ATTEMPTS).encode());
    send("ok");
    send("ok-2");
    driver.advanceWallClockTime(Duration.ofMillis(50));
    driver.advanceWallClockTime(Duration.ofMillis(50));
    assertThat(reviews.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("ok");
    var dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(new String(dead.get(0).headers().lastHeader("camstream.dlq.reason").value(), StandardCharsets.UTF_8))
        .isEqualTo("ENGINE_CRASHED");
    assertThat(engine.inner.batchSizes).containsExactly(1);
  }

  /** Darkness explainer whose gradcampp program is "being built" until {@code built} is set. */
  static final class Building extends Flaky {
    volatile boolean built;
    final AtomicInteger asked = new AtomicInteger();

    Building() {
      super(0);
    }

    @Override
    public boolean programReady(String modelId, String layer, String method) {
      asked.incrementAndGet();
      return built || !"gradcampp".equals(method);
    }
  }

  @Test
  void aRequestWhoseProgramIsBeingBuiltWaitsUncountedWhileOthersFlow() {
    Building engine = new Building();
    start(engine);
    var late = Requests.cls("late", "textline_en_180.png");
    ((com.fasterxml.jackson.databind.node.ObjectNode) late.get("policy")).put("method", "gradcampp");
    requests.pipeInput("line-1", Requests.bytes(late));
    send("a");
    send("b");
    driver.advanceWallClockTime(Duration.ofMillis(50));
    driver.advanceWallClockTime(Duration.ofMillis(50));
    assertThat(reviews.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("a", "b");
    assertThat(attempts(String.format("%020d", 0))).as("held, not counted").isZero();
    assertThat(engine.inner.batchSizes.stream().mapToInt(Integer::intValue).sum()).as("images sent").isEqualTo(2);

    engine.built = true;
    driver.advanceWallClockTime(Duration.ofSeconds(31)); // lingered: armed
    driver.advanceWallClockTime(Duration.ofMillis(50)); // sent
    assertThat(reviews.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("late");
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void aBufferedRecordWithoutAttemptsKeepsTheOriginalLayout() {
    Buffered plain = new Buffered(5, 7, "t-0-1", null, new byte[] {1});
    assertThat(Buffered.decode(plain.encode())).extracting(Buffered::attempts, Buffered::bufferedAtMs)
        .containsExactly(0, 5L);
    Buffered counted = plain.withAttempts(3);
    assertThat(counted.encode().length).isEqualTo(plain.encode().length + 12);
    assertThat(Buffered.decode(counted.encode())).extracting(Buffered::attempts, Buffered::timestamp, Buffered::source)
        .containsExactly(3, 7L, "t-0-1");
  }
}
