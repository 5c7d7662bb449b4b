package io.camstream.topology.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Events;
import io.camstream.event.Json;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.policy.PolicyEvaluator;
import io.camstream.topology.DeadLetters;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The router against a real broker: a mix of events in, exactly the expected requests and dead letters out. */
@ExtendWith(KafkaFixtureExtension.class)
class RouterIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @Test
  void routesAMixAndAppliesALivePolicyChangeWithoutRestart(KafkaFixture kafka) throws Exception {
    Path models = KafkaFixture.tempDir("models-");
    Files.writeString(models.resolve("cls.yaml"), "id: ppocr-cls\nversion: '2.0'\ntask: classification\n");
    Path images = KafkaFixture.tempDir("images-");
    String img = images.resolve("a.png").toUri().toString();
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.MODELS_DIR_CONFIG, models.toString(),
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, images.toString()));

    try (RunningRole router = new RouterRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      String events = config.topics().events();
      List<ProducerRecord<byte[], byte[]>> batch1 = new ArrayList<>();
      batch1.add(rec(events, "L1", ev("low-1", "L1", 0.2, false, img)));
      batch1.add(rec(events, "L2", ev("low-2", "L2", 0.3, false, img)));
      batch1.add(rec(events, "L1", ev("new-1", "L1", 0.97, true, img)));
      batch1.add(rec(events, "L2", ev("ok-2", "L2", 0.98, false, img)));
      batch1.add(rec(events, "L1", "not json"));
      batch1.add(rec(events, "L1", ev("bad-model", "L1", 0.2, false, img).replace("ppocr-cls", "resnet")));
      batch1.add(rec(events, "L2", ev("bad-image", "L2", 0.2, false, "file:///etc/passwd")));
      batch1.add(rec(events, "L2", ev("no-ts", "L2", 0.2, false, img).replace("\"timestamp\"", "\"ts\"")));
      kafka.produce(batch1);
      awaitRouted(kafka, config);

      // Switch line L2 off on the live policies topic and wait until the router's global store has it.
      kafka.produce(List.of(rec(config.topics().policies(), "line:L2", "{\"enableExplain\": false}")));
      awaitPolicy(((RunningRole.StreamsRunningRole) router).streams(), "line:L2");

      kafka.produce(List.of(
          rec(events, "L1", ev("low-3", "L1", 0.1, false, img)),
          rec(events, "L2", ev("low-4", "L2", 0.1, false, img)),
          rec(events, "L2", ev("new-4", "L2", 0.99, true, img))));
      awaitRouted(kafka, config);

      Map<String, List<String>> requests = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().requests())) {
        JsonNode req = Json.tree(r.value());
        String id = req.at("/event/eventId").asText();
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(req.at("/event/lineId").asText());
        List<String> reasons = new ArrayList<>();
        req.get("reasons").forEach(n -> reasons.add(n.asText()));
        requests.put(id, reasons);
      }
      Map<String, List<String>> expected = new TreeMap<>();
      expected.put("low-1", withAudit("low-1", "low-confidence"));
      expected.put("low-2", withAudit("low-2", "low-confidence"));
      expected.put("new-1", withAudit("new-1", "new-sample"));
      expected.put("low-3", withAudit("low-3", "low-confidence"));
      if (PolicyEvaluator.auditSampled("ok-2", 0.01)) {
        expected.put("ok-2", List.of("audit-sample"));
      }
      assertThat(requests).isEqualTo(expected);

      Map<String, String> dead = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().dlq())) {
        dead.put(new String(r.value(), StandardCharsets.UTF_8).contains("bad-model") ? "bad-model"
            : new String(r.value(), StandardCharsets.UTF_8).contains("bad-image") ? "bad-image"
            : new String(r.value(), StandardCharsets.UTF_8).contains("no-ts") ? "no-ts"
            : new String(r.value(), StandardCharsets.UTF_8),
            DeadLetters.header(r.headers(), DeadLetters.REASON));
        assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE)).startsWith(events + "-");
      }
      assertThat(dead).containsExactlyInAnyOrderEntriesOf(Map.of(
          "not json", "BAD_JSON", "bad-model", "UNKNOWN_MODEL", "bad-image", "IMAGE_NOT_ALLOWED",
          "no-ts", "SCHEMA_VIOLATION"));
      assertThat(router.healthy()).isTrue();
    }
  }

  /** The router consumed every event, and its duplicate check every selected one. */
  static void awaitRouted(KafkaFixture kafka, CamstreamConfig config) {
    kafka.awaitConsumed(config.routerApplicationId(), config.topics().events(), PATIENCE);
    kafka.awaitConsumed(config.routerApplicationId(), io.camstream.kafka.Topics.requestsByEventId(config), PATIENCE);
  }

  private static List<String> withAudit(String id, String reason) {
    return PolicyEvaluator.auditSampled(id, 0.01) ? List.of(reason, "audit-sample") : List.of(reason);
  }

  private static void awaitPolicy(KafkaStreams streams, String key) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        ReadOnlyKeyValueStore<String, String> store = streams.store(StoreQueryParameters.fromNameAndType(
            RouterTopology.POLICY_STORE, QueryableStoreTypes.keyValueStore()));
        if (store.get(key) != null) {
          return;
        }
      } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
        // not queryable yet (still starting); try again
      }
      Thread.sleep(100);
    }
    throw new AssertionError("policy " + key + " never reached the router's global store");
  }

  private static String ev(String id, String line, double confidence, boolean newSample, String img) {
    return Events.classification(id, line, "ppocr-cls", confidence, newSample, img).replace("\"version\":\"1\"",
        "\"version\":\"2.0\"");
  }

  private static ProducerRecord<byte[], byte[]> rec(String topic, String key, String value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }
}
