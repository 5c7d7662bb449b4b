package io.camstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.Reviews;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Schemas;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attention statistics on the real broker: review records whose heat lies outside the line's ROI raise exactly one
 * alert per closed window, and the atlas API serves the window statistics.
 */
@ExtendWith(KafkaFixtureExtension.class)
class AttentionAlertsIT {

  @Test
  void heatOutsideTheRoiRaisesExactlyOneAlertPerWindow(KafkaFixture kafka) throws Exception {
    // one partition keeps the reviews in event-time order, so no window closes before its reviews arrived
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.TOPIC_PARTITIONS_CONFIG, 1,
        CamstreamConfig.REVIEW_PORT_CONFIG, 0,
        CamstreamConfig.REVIEW_TOKEN_CONFIG, "atlas-token",
        CamstreamConfig.ATTENTION_MIN_REVIEWS_CONFIG, 3,
        CamstreamConfig.ATTENTION_GRACE_MINUTES_CONFIG, 10));
    // two days back: every review, the closer two hours into the next day included, lies in the past at any time of
    // day (a review dated ahead of its record is a skewed clock, counted at its record's time)
    Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(2, ChronoUnit.DAYS);
    Instant h22 = day.plus(22, ChronoUnit.HOURS);
    Instant h23 = day.plus(23, ChronoUnit.HOURS);
    Instant next = day.plus(1, ChronoUnit.DAYS);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    int n = 0;
    // 3 reviews per hour, all heat in the top-left quarter; the ROI is the right half
    for (Instant hour : List.of(h22, h23, next)) {
      for (int i = 0; i < 3; i++) {
        String id = "a" + (++n);
        records.add(record(config, id, Reviews.review(id).at(hour.plus(20 + i, ChronoUnit.MINUTES))
            .roi(0.5, 0, 0.5, 1).grid(2, 2, 1, 0, 0, 0)));
      }
    }
    // closes the first hour of the next day, whose alert marks the end of what the test waits for
    records.add(record(config, "closer", Reviews.review("closer").at(next.plus(2, ChronoUnit.HOURS))
        .roi(0.5, 0, 0.5, 1).grid(2, 2, 1, 0, 0, 0)));

    try (ReviewService service = ReviewService.start(config)) {
      kafka.produce(records);
      String lastStart = next.toString();
      List<ConsumerRecord<byte[], byte[]>> read = kafka.readUntil(config.topics().alerts(),
          l -> l.stream().anyMatch(r -> text(r).contains("\"start\":\"" + lastStart + "\"")
              && text(r).contains("\"windowSize\":\"hourly\"")),
          Duration.ofSeconds(120));

      List<String> seen = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : read) {
        JsonNode a = Reviews.MAPPER.readTree(r.value());
        assertThat(Schemas.violations(Schemas.ALERT, a)).isEmpty();
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("cls-a/line-1/ok");
        assertThat(a.get("value").asDouble()).isCloseTo(1.0, within(1e-9));
        seen.add(a.get("windowSize").asText() + " " + a.get("window").get("start").asText() + " "
            + a.get("kind").asText());
      }
      assertThat(seen).containsExactlyInAnyOrder(
          "hourly " + h22 + " attention-outside-roi",
          "hourly " + h23 + " attention-outside-roi",
          "daily " + day + " attention-outside-roi",
          "hourly " + next + " attention-outside-roi");

      HttpResponse<String> atlas = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + service.port() + "/api/atlas?size=hourly"))
          .header("Authorization", "Bearer atlas-token").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(atlas.statusCode()).isEqualTo(200);
      JsonNode windows = Reviews.MAPPER.readTree(atlas.body()).get("windows");
      assertThat(windows).extracting(w -> w.get("start").asText() + " " + w.get("count").asInt())
          .containsExactly(next.plus(2, ChronoUnit.HOURS) + " 1", next + " 3", h23 + " 3", h22 + " 3");
      assertThat(windows.get(1).get("outsideShare").asDouble()).isCloseTo(1.0, within(1e-9));
    }
  }

  /**
   * A line that stops sending: its last window closes on the clock and alerts, with no later review to move stream
   * time (Kafka Streams' suppression would hold that window forever).
   */
  @Test
  void aQuietLinesLastWindowClosesOnTheClockAndAlerts(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.TOPIC_PARTITIONS_CONFIG, 1,
        CamstreamConfig.REVIEW_PORT_CONFIG, 0,
        CamstreamConfig.REVIEW_TOKEN_CONFIG, "quiet-token",
        CamstreamConfig.ATTENTION_MIN_REVIEWS_CONFIG, 3,
        CamstreamConfig.ATTENTION_GRACE_MINUTES_CONFIG, 0));
    // the last reviews of the line lie 3 s before the end of an hour: that hour is due 3 s after they are read
    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
    if (end.equals(end.truncatedTo(ChronoUnit.DAYS))) {
      end = end.minus(1, ChronoUnit.HOURS); // not a day's end too: only the hourly window is due
    }
    Instant start = end.minus(1, ChronoUnit.HOURS);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = "q" + i;
      records.add(record(config, id, Reviews.review(id).at(end.minusSeconds(5 - i))
          .roi(0.5, 0, 0.5, 1).grid(2, 2, 1, 0, 0, 0)));
    }
    try (ReviewService service = ReviewService.start(config)) {
      kafka.produce(records);
      List<ConsumerRecord<byte[], byte[]>> read = kafka.readUntil(config.topics().alerts(),
          l -> !l.isEmpty(), Duration.ofSeconds(120));
      assertThat(read).hasSize(1);
      JsonNode a = Reviews.MAPPER.readTree(read.get(0).value());
      assertThat(Schemas.violations(Schemas.ALERT, a)).isEmpty();
      assertThat(a.get("windowSize").asText()).isEqualTo("hourly");
      assertThat(a.at("/window/start").asText()).isEqualTo(start.toString());
      assertThat(a.get("kind").asText()).isEqualTo("attention-outside-roi");
    }
  }

  /**
   * A line whose clock runs three hours ahead: its reviews are counted at the time they were written, and the review
   * stream keeps going. Dated as sent, they went onto the attention repartition topic three hours ahead of the
   * broker's clock, which refuses that (one hour by default), and the stream thread failed on them after every
   * restart.
   */
  @Test
  void reviewsFromALineWhoseClockRunsAheadAreCountedWhenWritten(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.TOPIC_PARTITIONS_CONFIG, 1,
        CamstreamConfig.REVIEW_PORT_CONFIG, 0,
        CamstreamConfig.REVIEW_TOKEN_CONFIG, "skew-token"));
    Instant ahead = Instant.now().plus(3, ChronoUnit.HOURS);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = "s" + i;
      records.add(record(config, id, Reviews.review(id).line("line-skewed").at(ahead.plusSeconds(i))
          .grid(2, 2, 1, 0, 0, 0)));
    }
    try (ReviewService service = ReviewService.start(config)) {
      long before = Instant.now().toEpochMilli();
      kafka.produce(records);
      long after = Instant.now().toEpochMilli();
      JsonNode windows = null;
      int counted = 0;
      for (long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos(); counted < 3
          && System.nanoTime() < deadline; Thread.sleep(500)) {
        HttpResponse<String> atlas = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.port() + "/api/atlas?size=hourly"))
            .header("Authorization", "Bearer skew-token").build(), HttpResponse.BodyHandlers.ofString());
        if (atlas.statusCode() == 503) {
          continue; // the stores are not queryable until the stream is running
        }
        assertThat(atlas.statusCode()).isEqualTo(200);
        windows = Reviews.MAPPER.readTree(atlas.body()).get("windows");
        counted = 0;
        for (JsonNode w : windows) {
          counted += w.get("count").asInt();
        }
      }
      assertThat(counted).as("reviews counted in the hourly atlas: %s", windows).isEqualTo(3);
      long hour = Duration.ofHours(1).toMillis();
      for (JsonNode w : windows) {
        // the hour the reviews were written in, not the hour the line's clock claimed
        assertThat(Instant.parse(w.get("start").asText()).toEpochMilli())
            .isBetween(before / hour * hour, after / hour * hour);
      }
    }
  }

  private static ProducerRecord<byte[], byte[]> record(CamstreamConfig config, String id, Reviews review) {
    return new ProducerRecord<>(config.topics().reviews(), id.getBytes(StandardCharsets.UTF_8),
        review.json().getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ConsumerRecord<byte[], byte[]> r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }
}
