package io.camstream.topology.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Events;
import io.camstream.event.Json;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.topology.DeadLetters;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One event id, one event, on a real broker: a resend (same content, other field order) gives no second request,
 * a reuse with other content (from another line, so another partition) is dead-lettered as DUPLICATE_EVENT_ID,
 * and both still hold after the router restarts on an empty state directory (the store comes back from its
 * changelog).
 */
@ExtendWith(KafkaFixtureExtension.class)
class DuplicateEventIdsIT {

  @Test
  void resendsAreIdempotentAndReusedIdsAreDeadLetteredAcrossLinesAndRestarts(KafkaFixture kafka) throws Exception {
    Path models = KafkaFixture.tempDir("models-");
    Files.writeString(models.resolve("cls.yaml"), "id: ppocr-cls\nversion: '2.0'\ntask: classification\n");
    Path images = KafkaFixture.tempDir("images-");
    String img = images.resolve("a.png").toUri().toString();
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.MODELS_DIR_CONFIG, models.toString(),
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, images.toString()));
    String events = config.topics().events();

    ObjectNode a = ev("dup-a", "L1", 0.2, img);
    ObjectNode b = ev("dup-b", "L2", 0.3, img);
    try (RunningRole router = new RouterRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      kafka.produce(List.of(
          rec(events, "L1", Json.bytes(a)),
          rec(events, "L2", Json.bytes(b)),
          rec(events, "L1", reordered(a)))); // resend: same content, other bytes
      RouterIT.awaitRouted(kafka, config);
      // reuse from another line (another partition: "first" is what the check saw first, hence the wait above)
      kafka.produce(List.of(rec(events, "L3", Json.bytes(a.deepCopy().put("lineId", "L3")))));
      RouterIT.awaitRouted(kafka, config);
    }

    // a second router instance with an empty state directory: the ids come back from the changelog
    Map<String, Object> props = new HashMap<>(config.originals());
    props.put(CamstreamConfig.DATA_DIR_CONFIG, KafkaFixture.tempDir("camstream-it-restart-").toString());
    CamstreamConfig restarted = new CamstreamConfig(props);
    try (RunningRole router = new RouterRole().start(new RoleContext(restarted, new SimpleMeterRegistry()))) {
      ObjectNode otherB = b.deepCopy();
      ((ObjectNode) otherB.get("prediction")).put("confidence", 0.1);
      kafka.produce(List.of(
          rec(events, "L2", Json.bytes(b)),       // resend after the restart
          rec(events, "L2", Json.bytes(otherB)),  // reuse after the restart
          rec(events, "L1", Json.bytes(ev("dup-c", "L1", 0.2, img)))));
      RouterIT.awaitRouted(kafka, restarted);
    }

    List<String> requested = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().requests())) {
      JsonNode req = Json.tree(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(req.at("/event/lineId").asText());
      requested.add(req.at("/event/eventId").asText() + "@" + req.at("/event/lineId").asText());
    }
    assertThat(requested).containsExactlyInAnyOrder("dup-a@L1", "dup-b@L2", "dup-c@L1");

    Map<String, JsonNode> dead = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().dlq())) {
      assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).isEqualTo("DUPLICATE_EVENT_ID");
      assertThat(DeadLetters.header(r.headers(), DeadLetters.STAGE)).isEqualTo("router");
      assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE)).startsWith(events + "-");
      assertThat(DeadLetters.header(r.headers(), DeadLetters.MESSAGE)).contains("other content");
      JsonNode event = Json.tree(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(event.get("lineId").asText());
      assertThat(dead.put(event.get("eventId").asText(), event)).isNull();
    }
    assertThat(dead).containsOnlyKeys("dup-a", "dup-b");
    assertThat(dead.get("dup-a").get("lineId").asText()).isEqualTo("L3");
    assertThat(dead.get("dup-b").at("/prediction/confidence").asDouble()).isEqualTo(0.1);
  }

  private static ObjectNode ev(String id, String line, double confidence, String img) {
    ObjectNode n = Events.classificationNode(id, line, "ppocr-cls", confidence, false, img);
    ((ObjectNode) n.get("model")).put("version", "2.0");
    return n;
  }

  /** The same event with its top-level fields in reverse order and spaces: other bytes, same content. */
  private static byte[] reordered(ObjectNode e) {
    List<String> names = new ArrayList<>();
    e.fieldNames().forEachRemaining(names::add);
    StringBuilder out = new StringBuilder("{ ");
    for (int i = names.size() - 1; i >= 0; i--) {
      out.append('"').append(names.get(i)).append("\" : ").append(e.get(names.get(i))).append(i > 0 ? " , " : " }");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ProducerRecord<byte[], byte[]> rec(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }
}
