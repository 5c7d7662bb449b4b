package io.camstream.review.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.Reviews;
import io.camstream.cli.Main;
import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code camstream export} on the real broker, each format read back by its own conventions: Label Studio's task
 * list (data / predictions / annotations, rectangles in percent), COCO's images / annotations / categories with
 * consistent ids and boxes inside their images, PaddleClas's {@code path label} list with its label file.
 */
@ExtendWith(KafkaFixtureExtension.class)
class ExportIT {

  @TempDir Path tmp;

  @Test
  void decidedReviewsRoundTripThroughEveryFormat(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config();
    Path images = Files.createDirectories(tmp.resolve("images"));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    String[][] cases = {
        {"ex-confirm", "confirm", null, "2026-11-28T10:00:00Z", "ana"},
        {"ex-relabel", "relabel", "stain", "2026-11-28T11:00:00Z", "bo"},
        {"ex-reject", "reject", null, "2026-11-28T12:00:00Z", "ana"},
        {"ex-late", "confirm", null, "2026-11-29T12:00:00Z", "ana"}};
    for (String[] c : cases) {
      Path image = Files.write(images.resolve(c[0] + ".png"), new byte[] {1});
      String review = Reviews.review(c[0]).size(400, 200).prediction(2, "scratch", 0.41)
          .model("resnet-defects", "3").files(image.toUri().toString(), null, "file:///artifacts/" + c[0] + "-h.png")
          .grid(2, 1, 1.0, 0.0).region(40, 20, 100, 50, 0.7).json();
      records.add(new ProducerRecord<>(config.topics().reviews(), bytes(c[0]), bytes(review)));
      String decision = "{\"eventId\":\"" + c[0] + "\",\"decision\":\"" + c[1] + "\",\"label\":"
          + (c[2] == null ? "null" : "\"" + c[2] + "\"") + ",\"reviewer\":\"" + c[4] + "\",\"decidedAt\":\"" + c[3]
          + "\"}";
      records.add(new ProducerRecord<>(config.topics().decisions(), bytes(c[0]), bytes(decision)));
    }
    // a second decision on the same event does not replace the first
    records.add(new ProducerRecord<>(config.topics().decisions(), bytes("ex-confirm"), bytes(
        "{\"eventId\":\"ex-confirm\",\"decision\":\"reject\",\"reviewer\":\"eve\",\"decidedAt\":\"2026-11-28T10:30:00Z\"}")));
    kafka.produce(records);

    Map<String, Path> out = new HashMap<>();
    for (String format : List.of("label-studio", "coco", "paddleclas")) {
      Path dir = tmp.resolve(format);
      StringWriter text = new StringWriter();
      var cli = Main.commandLine();
      cli.setOut(new PrintWriter(text));
      int rc = cli.execute("export", "--format", format, "--from", "2026-11-28T00:00:00Z", "--to",
          "2026-11-28T23:59:59Z", "--out", dir.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
          "--set", CamstreamConfig.TOPIC_REVIEWS_CONFIG + "=" + config.topics().reviews(),
          "--set", CamstreamConfig.TOPIC_DECISIONS_CONFIG + "=" + config.topics().decisions());
      assertThat(rc).as(text.toString()).isZero();
      assertThat(text.toString()).contains("exported 3 decided reviews");
      out.put(format, dir);
    }

    // Label Studio: a list of tasks; data.image, predictions (model), annotations (reviewer)
    JsonNode tasks = Reviews.MAPPER.readTree(out.get("label-studio").resolve("tasks.json").toFile());
    assertThat(tasks.isArray()).isTrue();
    assertThat(tasks).hasSize(3);
    Map<String, JsonNode> byEvent = new HashMap<>();
    tasks.forEach(t -> byEvent.put(t.path("data").path("eventId").asText(), t));
    for (JsonNode t : tasks) {
      assertThat(t.path("data").path("image").asText()).startsWith("file:").endsWith(".png");
      assertThat(t.path("data").path("model").path("sha256").asText()).hasSize(64);
      JsonNode pred = t.path("predictions").get(0).path("result");
      assertThat(pred.get(0).path("type").asText()).isEqualTo("choices");
      assertThat(pred.get(0).path("value").path("choices").get(0).asText()).isEqualTo("scratch");
      JsonNode box = pred.get(1).path("value");
      assertThat(pred.get(1).path("type").asText()).isEqualTo("rectanglelabels");
      assertThat(box.path("x").asDouble()).isEqualTo(10.0);
      assertThat(box.path("y").asDouble()).isEqualTo(10.0);
      assertThat(box.path("width").asDouble()).isEqualTo(25.0);
      assertThat(box.path("height").asDouble()).isEqualTo(25.0);
    }
    assertThat(choice(byEvent.get("ex-confirm"))).isEqualTo("scratch");
    assertThat(byEvent.get("ex-confirm").path("meta").path("reviewer").asText()).isEqualTo("ana");
    assertThat(choice(byEvent.get("ex-relabel"))).isEqualTo("stain");
    assertThat(byEvent.get("ex-relabel").path("meta").path("reviewer").asText()).isEqualTo("bo");
    assertThat(byEvent.get("ex-reject").path("annotations").get(0).path("result")).isEmpty();
    assertThat(byEvent.get("ex-reject").path("meta").path("decision").asText()).isEqualTo("reject");

    // COCO: ids consistent across images, annotations and categories; boxes inside their images
    JsonNode coco = Reviews.MAPPER.readTree(out.get("coco").resolve("annotations.json").toFile());
    Map<Integer, JsonNode> imagesById = new HashMap<>();
    coco.path("images").forEach(i -> imagesById.put(i.path("id").asInt(), i));
    Map<Integer, String> categories = new HashMap<>();
    coco.path("categories").forEach(c -> categories.put(c.path("id").asInt(), c.path("name").asText()));
    assertThat(imagesById).hasSize(3);
    assertThat(categories.values()).containsExactlyInAnyOrder("scratch", "stain");
    Set<Integer> annotationIds = new HashSet<>();
    Map<String, String> labelOf = new HashMap<>();
    for (JsonNode a : coco.path("annotations")) {
      assertThat(annotationIds.add(a.path("id").asInt())).isTrue();
      JsonNode img = imagesById.get(a.path("image_id").asInt());
      assertThat(img).isNotNull();
      assertThat(categories).containsKey(a.path("category_id").asInt());
      JsonNode b = a.path("bbox");
      assertThat(b.get(0).asDouble() + b.get(2).asDouble()).isLessThanOrEqualTo(img.path("width").asDouble());
      assertThat(b.get(1).asDouble() + b.get(3).asDouble()).isLessThanOrEqualTo(img.path("height").asDouble());
      assertThat(a.path("area").asDouble()).isEqualTo(b.get(2).asDouble() * b.get(3).asDouble());
      if (!a.path("camstream").path("kind").asText().equals("hot-region")) {
        labelOf.put(img.path("camstream").path("eventId").asText(), categories.get(a.path("category_id").asInt()));
      }
    }
    assertThat(labelOf).containsOnly(Map.entry("ex-confirm", "scratch"), Map.entry("ex-relabel", "stain"));
    assertThat(imagesById.values()).anySatisfy(i -> assertThat(i.path("camstream").path("decision").asText())
        .isEqualTo("reject"));

    // PaddleClas: "<path> <label id>" lines, ids from label_list.txt ("<id> <name>"), paths that exist
    Map<Integer, String> labels = new HashMap<>();
    for (String l : Files.readAllLines(out.get("paddleclas").resolve("label_list.txt"), StandardCharsets.UTF_8)) {
      String[] f = l.split(" ", 2);
      labels.put(Integer.parseInt(f[0]), f[1]);
    }
    Map<String, String> listed = new HashMap<>();
    for (String l : Files.readAllLines(out.get("paddleclas").resolve("train_list.txt"), StandardCharsets.UTF_8)) {
      String[] f = l.split(" ");
      assertThat(f).hasSize(2);
      assertThat(Path.of(f[0])).exists();
      listed.put(Path.of(f[0]).getFileName().toString(), labels.get(Integer.parseInt(f[1])));
    }
    assertThat(listed).containsOnly(Map.entry("ex-confirm.png", "scratch"), Map.entry("ex-relabel.png", "stain"));
    List<String> meta = Files.readAllLines(out.get("paddleclas").resolve("camstream.jsonl"));
    assertThat(meta).hasSize(2).allSatisfy(m -> assertThat(Reviews.MAPPER.readTree(m).path("regions")).hasSize(1));
  }

  private static String choice(JsonNode task) {
    return task.path("annotations").get(0).path("result").get(0).path("value").path("choices").get(0).asText();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
