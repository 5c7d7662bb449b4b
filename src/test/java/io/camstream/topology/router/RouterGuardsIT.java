package io.camstream.topology.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Events;
import io.camstream.event.Json;
import io.camstream.io.ImageSource;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.kafka.Topics;
import io.camstream.topology.DeadLetters;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The router's guards on a real broker. Multi-megabyte events: a valid one becomes a small request whose image is a
 * reference the explainer's image source reads back byte for byte; an invalid one becomes a dead letter cut to fit
 * (with the whole value's sha256); one above event.max.bytes is EVENT_TOO_LARGE; and the partition goes on. Class
 * indices that a plain asInt() would have turned into class 0 (or that the model does not have) are BAD_TARGET.
 */
@ExtendWith(KafkaFixtureExtension.class)
class RouterGuardsIT {

  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @Test
  void largeEventsNeverStallThePartition(KafkaFixture kafka) throws Exception {
    Path models = KafkaFixture.tempDir("models-");
    Files.writeString(models.resolve("cls.yaml"),
        "id: ppocr-cls\nversion: '1'\ntask: classification\nlabels: ['0', '180']\n");
    int eventMax = 4 * 1024 * 1024 + 512 * 1024;
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.MODELS_DIR_CONFIG, models.toString(),
        CamstreamConfig.IMAGE_DATA_MAX_BYTES_CONFIG, 3 * 1024 * 1024,
        CamstreamConfig.EVENT_MAX_BYTES_CONFIG, eventMax));
    String events = config.topics().events();
    try (Admin admin = kafka.admin()) {
      ConfigEntry e = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, events)))
          .all().get().values().iterator().next().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      assertThat(Integer.parseInt(e.value())).isEqualTo(eventMax + CamstreamConfig.EVENT_OVERHEAD_BYTES);
      ConfigEntry d = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
          config.topics().dlq()))).all().get().values().iterator().next().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      assertThat(Integer.parseInt(d.value())).isEqualTo(Topics.OWN_RECORD_MAX_BYTES);
    }

    byte[] png = noisePng(840, 840);
    assertThat(png.length).isGreaterThan(2_000_000);
    String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    String big = Events.classification("big-ok", "L1", "ppocr-cls", 0.2, false, dataUri);
    String bad = Events.classification("big-bad", "L1", "ppocr-cls", 0.2, false, dataUri)
        .replace("\"timestamp\"", "\"ts\"");
    ObjectNode huge = Events.classificationNode("too-big", "L1", "ppocr-cls", 0.2, false, "data:image/png;base64,AAAA");
    huge.putObject("attributes").put("blob", "x".repeat(eventMax));
    byte[] hugeBytes = Json.bytes(huge);
    assertThat(hugeBytes.length).isBetween(eventMax + 1, eventMax + CamstreamConfig.EVENT_OVERHEAD_BYTES - 1024);

    try (RunningRole router = new RouterRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      produce(config, List.of(rec(events, big.getBytes(StandardCharsets.UTF_8)),
          rec(events, bad.getBytes(StandardCharsets.UTF_8)), rec(events, hugeBytes),
          rec(events, Events.classification("small-after", "L1", "ppocr-cls", 0.2, false, "data:image/png;base64,"
              + Base64.getEncoder().encodeToString(noisePng(8, 8))).getBytes(StandardCharsets.UTF_8)),
          rec(events, target("class-2^32", "4294967296")), rec(events, target("class-1.5", "1.5")),
          rec(events, target("class-2", "2")), rec(events, target("class-1", "1"))));
      kafka.awaitConsumed(config.routerApplicationId(), events, PATIENCE);
      // selected events take one more hop (the duplicate check keyed by eventId) before they are requests
      kafka.awaitConsumed(config.routerApplicationId(), io.camstream.kafka.Topics.requestsByEventId(config), PATIENCE);
      assertThat(router.healthy()).isTrue();
    }

    Map<String, ConsumerRecord<byte[], byte[]>> requests = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().requests())) {
      requests.put(Json.tree(r.value()).at("/event/eventId").asText(), r);
    }
    assertThat(requests).containsOnlyKeys("big-ok", "small-after", "class-1");
    ConsumerRecord<byte[], byte[]> req = requests.get("big-ok");
    assertThat(req.serializedValueSize()).isLessThan(SelectByPolicy.INLINE_MAX_BYTES);
    JsonNode image = Json.tree(req.value()).at("/event/image");
    assertThat(image.get("uri").asText()).matches("kafka:" + events.replace(".", "\\.") + "/0/\\d+");
    assertThat(image.get("sha256").asText()).isEqualTo(DeadLetters.sha256(png));
    // The explainer's image source reads the very bytes back from the events topic.
    assertThat(ImageSource.fromConfig(config).fetch(image.get("uri").asText())).isEqualTo(png);
    // The small event's request carries its image inline, as before.
    assertThat(Json.tree(requests.get("small-after").value()).at("/event/image/uri").asText()).startsWith("data:");

    Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
    Map<String, String> badTargets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().dlq())) {
      String reason = DeadLetters.header(r.headers(), DeadLetters.REASON);
      if (reason.equals("BAD_TARGET")) {
        badTargets.put(Json.tree(r.value()).get("eventId").asText(), DeadLetters.header(r.headers(),
            DeadLetters.MESSAGE));
      } else {
        dead.put(reason, r);
      }
    }
    assertThat(badTargets).containsOnlyKeys("class-2^32", "class-1.5", "class-2");
    assertThat(badTargets.get("class-2^32")).contains("4294967296 is not a class index");
    assertThat(badTargets.get("class-2")).contains("beyond the 2 labels");
    assertThat(dead).containsOnlyKeys("SCHEMA_VIOLATION", "EVENT_TOO_LARGE");
    ConsumerRecord<byte[], byte[]> violation = dead.get("SCHEMA_VIOLATION");
    byte[] badBytes = bad.getBytes(StandardCharsets.UTF_8);
    assertThat(violation.serializedValueSize() + violation.serializedKeySize()).isLessThanOrEqualTo(
        DeadLetters.MAX_RECORD_BYTES);
    assertThat(DeadLetters.header(violation.headers(), DeadLetters.TRUNCATED)).isEqualTo("true");
    assertThat(DeadLetters.header(violation.headers(), DeadLetters.SHA256)).isEqualTo(DeadLetters.sha256(badBytes));
    assertThat(DeadLetters.header(violation.headers(), DeadLetters.ORIGINAL_BYTES))
        .isEqualTo(String.valueOf(badBytes.length));
    assertThat(violation.value()).isEqualTo(java.util.Arrays.copyOf(badBytes, violation.value().length));
    assertThat(DeadLetters.header(violation.headers(), DeadLetters.SOURCE)).matches(events + "-0-\\d+");
    ConsumerRecord<byte[], byte[]> tooBig = dead.get("EVENT_TOO_LARGE");
    assertThat(DeadLetters.header(tooBig.headers(), DeadLetters.SHA256)).isEqualTo(DeadLetters.sha256(hugeBytes));
    assertThat(DeadLetters.header(tooBig.headers(), DeadLetters.MESSAGE)).contains("event.max.bytes=" + eventMax);
  }

  /**
   * Requests also respect the producer's max.request.size when an operator lowers it: under exactly-once a record
   * the producer refuses aborts the transaction (no handler can resume it), so the router dead-letters the event as
   * EVENT_TOO_LARGE before sending, and goes on.
   */
  @Test
  void requestsStayBelowALoweredProducerLimit(KafkaFixture kafka) throws Exception {
    Path images = KafkaFixture.tempDir("images-");
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.MODELS_DIR_CONFIG, models().toString(),
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, images.toString(),
        CamstreamConfig.STREAMS_PREFIX + "producer.max.request.size", 700 * 1024));
    String img = images.resolve("a.png").toUri().toString();
    ObjectNode wide = Events.classificationNode("wide", "L1", "ppocr-cls", 0.2, false, img);
    wide.putObject("attributes").put("notes", "n".repeat(720 * 1024));
    String events = config.topics().events();
    try (RunningRole router = new RouterRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      produce(config, List.of(rec(events, Json.bytes(wide)), rec(events, small("after", img))));
      kafka.awaitConsumed(config.routerApplicationId(), events, PATIENCE);
      // selected events take one more hop (the duplicate check keyed by eventId) before they are requests
      kafka.awaitConsumed(config.routerApplicationId(), io.camstream.kafka.Topics.requestsByEventId(config), PATIENCE);
      assertThat(router.healthy()).isTrue();
    }
    assertThat(eventIds(kafka.readToEnd(config.topics().requests()))).containsExactly("after");
    assertThat(kafka.readToEnd(config.topics().dlq())).singleElement().satisfies(r -> {
      assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).isEqualTo("EVENT_TOO_LARGE");
      assertThat(DeadLetters.header(r.headers(), DeadLetters.MESSAGE)).contains("max.request.size");
    });
  }

  /**
   * The production exception handler, with the broker refusing a request (a requests topic whose max.message.bytes
   * someone set below it) under at-least-once: the refused request is skipped with a log line and the next event is
   * routed, instead of the thread failing on it for ever. (A refusal in the producer's own size check is dead-lettered
   * as RECORD_TOO_LARGE, see DeadLetteringProductionHandlerTest; under exactly-once Kafka aborts the transaction
   * instead, which is why the router keeps requests below the limits and StallWatch reports a partition that stops.)
   */
  @Test
  void aRequestTheBrokerRefusesDoesNotStopTheRouter(KafkaFixture kafka) throws Exception {
    Path images = KafkaFixture.tempDir("images-");
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.MODELS_DIR_CONFIG, models().toString(),
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, images.toString(),
        CamstreamConfig.STREAMS_PREFIX + "processing.guarantee", "at_least_once"));
    try (Admin admin = kafka.admin()) {
      ConfigResource requests = new ConfigResource(ConfigResource.Type.TOPIC, config.topics().requests());
      admin.incrementalAlterConfigs(Map.of(requests, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
          new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "4000"),
          org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
    }
    String img = images.resolve("a.png").toUri().toString();
    ObjectNode wide = Events.classificationNode("wide", "L1", "ppocr-cls", 0.2, false, img);
    wide.putObject("attributes").put("notes", "n".repeat(8000));
    String events = config.topics().events();
    try (RunningRole router = new RouterRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      produce(config, List.of(rec(events, Json.bytes(wide)), rec(events, small("after", img))));
      kafka.awaitConsumed(config.routerApplicationId(), events, PATIENCE);
      // selected events take one more hop (the duplicate check keyed by eventId) before they are requests
      kafka.awaitConsumed(config.routerApplicationId(), io.camstream.kafka.Topics.requestsByEventId(config), PATIENCE);
      assertThat(router.healthy()).isTrue();
    }
    assertThat(eventIds(kafka.readToEnd(config.topics().requests()))).containsExactly("after");
  }

  private static Path models() throws Exception {
    Path models = KafkaFixture.tempDir("models-");
    Files.writeString(models.resolve("cls.yaml"), "id: ppocr-cls\nversion: '1'\ntask: classification\n");
    return models;
  }

  private static byte[] small(String id, String img) {
    return Events.classification(id, "L1", "ppocr-cls", 0.2, false, img).getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> eventIds(List<ConsumerRecord<byte[], byte[]>> requests) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : requests) {
      out.add(Json.tree(r.value()).at("/event/eventId").asText());
    }
    return out;
  }

  private static byte[] target(String id, String classIndex) {
    return Events.classification(id, "L1", "ppocr-cls", 0.2, false, "data:image/png;base64,AAAA")
        .replace("\"classIndex\":0", "\"classIndex\":" + classIndex).getBytes(StandardCharsets.UTF_8);
  }

  private static void produce(CamstreamConfig config, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    Properties p = config.kafkaClientProperties();
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.eventsMaxMessageBytes(config));
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get();
      }
    }
  }

  private static ProducerRecord<byte[], byte[]> rec(String topic, byte[] value) {
    // One partition for all, so the records after the large ones show the partition was not stalled.
    return new ProducerRecord<>(topic, 0, "L1".getBytes(StandardCharsets.UTF_8), value);
  }

  static byte[] noisePng(int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(42);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
