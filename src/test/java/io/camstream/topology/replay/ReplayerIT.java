package io.camstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Json;
import io.camstream.explain.Explainer;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.topology.explainer.Requests;
import io.camstream.topology.explainer.RunningExplainer;
import io.camstream.topology.explainer.SharedImages;
import io.camstream.topology.explainer.Explainers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replays a time range against review records the explainer role published: heatmap hashes match, and a changed
 * original is reported as a mismatch. The selector here wraps every event in a request (what the router does with
 * a policy that selects everything); ExplainerEndToEndIT replays through the real router.
 * Runs the real engine ({@link io.camstream.topology.explainer.Explainers#fromConfig}) on the shipped models.
 */
@ExtendWith(KafkaFixtureExtension.class)
class ReplayerIT {

  static final String[] IMAGES = {"textline_en_0.png", "textline_en_180.png", "rapidocr_text_cls.jpg"};

  @Test
  void replayOfARangeMatchesTheOriginalHeatmaps(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, SharedImages.dir().toString(),
        CamstreamConfig.EXPLAINER_BATCH_LINGER_MS_CONFIG, 20));
    Instant base = Instant.parse("2026-11-28T01:00:00Z");
    List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> requests = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      ObjectNode req = Requests.cls("r-" + i, IMAGES[i % IMAGES.length]);
      long ts = base.plusSeconds(60L * i).toEpochMilli();
      byte[] key = "line-1".getBytes(StandardCharsets.UTF_8);
      events.add(new ProducerRecord<>(config.topics().events(), null, ts, key, Json.bytes(req.get("event"))));
      requests.add(new ProducerRecord<>(config.topics().requests(), null, ts, key, Json.bytes(req)));
    }
    kafka.produce(events);
    kafka.produce(requests);
    try (Explainer explainer = Explainers.fromConfig(config);
        RunningExplainer role = RunningExplainer.start(config, explainer, new SimpleMeterRegistry())) {
      assertThat(kafka.read(config.topics().reviews(), 9)).hasSize(9);
    }

    // minutes 2..6 inclusive: events r-2 .. r-6
    Path out = KafkaFixture.tempDir("camstream-replay-");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try (Explainer explainer = Explainers.fromConfig(config)) {
      Replayer replayer = new Replayer(config, explainer, new PrintStream(progress, true));
      Replayer.Summary s = replayer.run(new Replayer.Options(base.plusSeconds(120), base.plusSeconds(360), null,
          null, out));
      assertThat(s.line()).as(progress + " " + s.mismatches()).isEqualTo("replayed 5, matched 5/5 heatmap hashes (100.0 %)");
      assertThat(s.allMatched()).isTrue();
      List<String> lines = Files.readAllLines(out.resolve("reviews.jsonl"));
      assertThat(lines).extracting(l -> Json.MAPPER.readTree(l).get("eventId").asText())
          .containsExactlyInAnyOrder("r-2", "r-3", "r-4", "r-5", "r-6");
      // the replay's artifacts are its own, the originals are untouched
      JsonNode first = Json.MAPPER.readTree(lines.get(0));
      assertThat(first.at("/artifacts/heatmap").asText()).startsWith(out.resolve("artifacts").toUri().toString());
      // the scan runs from the range start to the partition end (reviews are written in drain order)
      assertThat(progress.toString(StandardCharsets.UTF_8)).contains("100%").contains("(5 explained)");

      Replayer.Summary onlyDet = replayer.run(new Replayer.Options(base, base.plusSeconds(600), "ocr-db-det",
          null, KafkaFixture.tempDir("camstream-replay-")));
      assertThat(onlyDet.replayed()).isZero();
      assertThat(onlyDet.notSelected()).isEqualTo(9);
    }
  }

  @Test
  void aChangedOriginalIsAMismatch(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, SharedImages.dir().toString()));
    Instant ts = Instant.parse("2026-11-28T02:00:00Z");
    ObjectNode req = Requests.cls("m-1", "textline_en_0.png");
    byte[] key = "line-1".getBytes(StandardCharsets.UTF_8);
    kafka.produce(List.of(new ProducerRecord<>(config.topics().events(), null, ts.toEpochMilli(), key,
        Json.bytes(req.get("event")))));
    // the recorded request names a method; replay uses it, whatever the policy says now
    ((ObjectNode) req.get("policy")).put("method", "gradcampp");
    kafka.produce(List.of(new ProducerRecord<>(config.topics().requests(), null, ts.toEpochMilli(), key,
        Json.bytes(req))));
    // an "original" review record (at the event's time, as the explainer writes it) whose heatmap hash is not what
    // the explainer computes, recorded with another method
    ObjectNode fake = Json.MAPPER.createObjectNode();
    fake.put("eventId", "m-1");
    fake.putObject("hashes").put("heatmap", "0".repeat(64));
    fake.putObject("explanation").put("method", "gradcam");
    byte[] id = "m-1".getBytes(StandardCharsets.UTF_8);
    kafka.produce(List.of(new ProducerRecord<>(config.topics().reviews(), null, ts.toEpochMilli(), id,
        Json.bytes(fake))));
    // a matching-looking record outside the range is not read (only the range of the reviews topic is)
    ObjectNode later = fake.deepCopy();
    kafka.produce(List.of(new ProducerRecord<>(config.topics().reviews(), null, ts.plusSeconds(3600).toEpochMilli(),
        id, Json.bytes(later))));
    try (Explainer explainer = Explainers.fromConfig(config)) {
      Replayer.Summary s = new Replayer(config, explainer, new PrintStream(new ByteArrayOutputStream()))
          .run(new Replayer.Options(ts, ts, "ocr-textline-cls@2.0", config.topics().reviews() + ".replay", null));
      assertThat(s.line()).isEqualTo("replayed 1, matched 0/1 heatmap hashes (0.0 %)");
      assertThat(s.allMatched()).isFalse();
      assertThat(s.mismatches()).hasSize(1);
      assertThat(s.mismatches().get(0).eventId()).isEqualTo("m-1");
      assertThat(s.mismatches().get(0).reasons()).contains("method-changed", "heatmap-differs");
      assertThat(s.reasons()).containsEntry("method-changed", 1L);
    }
    // --to-topic: the replayer created the topic and published the replayed record
    assertThat(kafka.readUntil(config.topics().reviews() + ".replay", l -> !l.isEmpty(), Duration.ofSeconds(30)))
        .hasSize(1);
  }
}
