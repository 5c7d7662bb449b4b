package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Json;
import io.camstream.explain.Explainer;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.kafka.Topics;
import io.camstream.topology.DeadLetters;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.camstream.topology.router.RouterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The data path from event to review on a real broker and the real engine, for the inputs that once went wrong:
 * a valid 2 MB data: image (explained through a source-record reference, not a copy), a truncated JPEG
 * (IMAGE_TRUNCATED, not a striped overlay) and a monochrome camera's grey PNG (converted and explained).
 */
@ExtendWith(KafkaFixtureExtension.class)
class DataPathIT {

  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);

  @Test
  void largeTruncatedAndGreyImagesTakeTheRightPath(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.MODELS_DIR_CONFIG, TestModels.dir().toString(),
        CamstreamConfig.ARTIFACTS_DIR_CONFIG, KafkaFixture.tempDir("camstream-datapath-").toString(),
        CamstreamConfig.EXPLAINER_BATCH_LINGER_MS_CONFIG, 20));
    byte[] big = noisePng(840, 840);
    assertThat(big.length).isGreaterThan(2_000_000);
    byte[] cut = Arrays.copyOf(Files.readAllBytes(SharedImages.dir().resolve("rapidocr_text_rec.jpg")), 2000);
    BufferedImage colour = ImageIO.read(SharedImages.dir().resolve("textline_en_0.png").toFile());
    BufferedImage grey = new BufferedImage(colour.getWidth(), colour.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    grey.getGraphics().drawImage(colour, 0, 0, null);
    byte[] greyPng = png(grey);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Explainer explainer = Explainers.fromConfig(config);
        RunningRole router = new RouterRole().start(new RoleContext(config, meters));
        RunningExplainer role = RunningExplainer.start(config, explainer, meters)) {
      produce(config, List.of(event(config, "dp-big", big, 1), event(config, "dp-cut", cut, 2),
          event(config, "dp-grey", greyPng, 3)));
      try (Admin admin = kafka.admin()) {
        assertThat(GroupProgress.awaitCaughtUp(admin, config.routerApplicationId(), config.topics().events(),
            Duration.ofSeconds(120))).isTrue();
        // selected events take one more hop (the duplicate check keyed by eventId) before they are requests
        assertThat(GroupProgress.awaitCaughtUp(admin, config.routerApplicationId(),
            io.camstream.kafka.Topics.requestsByEventId(config), Duration.ofSeconds(120))).isTrue();
        assertThat(GroupProgress.awaitCaughtUp(admin, config.explainerApplicationId(), config.topics().requests(),
            Duration.ofSeconds(240))).isTrue();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      var depth = meters.find("camstream.explainer.buffer.depth").gauge();
      while (depth != null && depth.value() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(router.healthy()).isTrue();
    }

    Map<String, JsonNode> reviews = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().reviews())) {
      reviews.put(Json.tree(r.value()).get("eventId").asText(), Json.tree(r.value()));
    }
    assertThat(reviews).containsOnlyKeys("dp-big", "dp-grey");
    JsonNode bigReview = reviews.get("dp-big");
    assertThat(bigReview.at("/image/uri").asText()).startsWith("kafka:" + config.topics().events() + "/");
    assertThat(bigReview.at("/image/width").asInt()).isEqualTo(840);
    assertThat(bigReview.at("/hashes/image").asText()).isEqualTo(DeadLetters.sha256(big));
    assertThat(reviews.get("dp-grey").at("/hashes/image").asText()).isEqualTo(DeadLetters.sha256(greyPng));
    assertThat(reviews.get("dp-grey").at("/explanation/grid/values").size()).isPositive();

    Map<String, String> dead = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().dlq())) {
      dead.put(Json.tree(r.value()).at("/event/eventId").asText(), DeadLetters.header(r.headers(), DeadLetters.STAGE)
          + ":" + DeadLetters.header(r.headers(), DeadLetters.REASON));
    }
    assertThat(dead).containsExactlyEntriesOf(Map.of("dp-cut", "explainer:IMAGE_TRUNCATED"));
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(config.topics().requests())) {
      assertThat(r.serializedValueSize()).isLessThan(256 * 1024);
    }
  }

  private ProducerRecord<byte[], byte[]> event(CamstreamConfig config, String id, byte[] image, int n) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("eventId", id).put("lineId", "line-dp").put("cameraId", "cam-dp").put("timestamp",
        t0.plusSeconds(n).toString());
    e.putObject("model").put("id", "ocr-textline-cls").put("version", "2.0");
    e.putObject("image").put("uri", "data:image/png;base64," + Base64.getEncoder().encodeToString(image))
        .put("width", 400).put("height", 64);
    e.putObject("prediction").put("classIndex", 0).put("label", "0").put("confidence", 0.2);
    return new ProducerRecord<>(config.topics().events(), 0, "line-dp".getBytes(StandardCharsets.UTF_8),
        Json.bytes(e));
  }

  private static void produce(CamstreamConfig config, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    Properties p = config.kafkaClientProperties();
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.eventsMaxMessageBytes(config));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get();
      }
    }
  }

  private static byte[] noisePng(int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(7);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return png(img);
  }

  private static byte[] png(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
