package io.camstream.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.event.Schemas;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttentionTopologyTest {

  private static final Instant T10 = Instant.parse("2026-11-28T10:00:00Z");
  /** Heat only in the top-left quarter. */
  private static final double[] TOP_LEFT = {1, 0, 0, 0};
  private static final double[] BOTTOM_RIGHT = {0, 0, 0, 1};

  private final AttentionSettings settings = new AttentionSettings("alerts", 16, 16, 0.5, 0.25, 2,
      Duration.ofMinutes(10), List.of(AttentionSettings.WindowSize.HOURLY, AttentionSettings.WindowSize.DAILY));
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> reviews;
  private TestOutputTopic<String, String> alerts;
  private int seq;

  @BeforeEach
  void start() {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> in = builder.stream("reviews",
        Consumed.with(Serdes.String(), Serdes.String()).withTimestampExtractor(new ReviewTimestampExtractor()));
    AttentionTopology.addTo(builder, in, settings);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "attention-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(builder.build(), p);
    reviews = driver.createInputTopic("reviews", new StringSerializer(), new StringSerializer());
    alerts = driver.createOutputTopic("alerts", new StringDeserializer(), new StringDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(Instant at, double[] grid, boolean rightHalfRoi) {
    Reviews r = Reviews.review("e" + (++seq)).at(at).grid(2, 2, grid);
    if (rightHalfRoi) {
      r.roi(0.5, 0, 0.5, 1);
    }
    // the record's own timestamp, a day later (a review written or replayed late), would put it in other windows:
    // event time comes from the JSON
    reviews.pipeInput("line-1", r.json(), at.plus(1, java.time.temporal.ChronoUnit.DAYS).toEpochMilli());
  }

  private List<JsonNode> readAlerts() throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (KeyValue<String, String> kv : alerts.readKeyValuesToList()) {
      assertThat(kv.key).isEqualTo("cls-a/line-1/ok");
      out.add(Reviews.MAPPER.readTree(kv.value));
    }
    return out;
  }

  @Test
  void heatOutsideRoiRaisesOneAlertPerClosedWindow() throws Exception {
    for (int i = 0; i < 3; i++) {
      send(T10.plusSeconds(60 * i), TOP_LEFT, true);
      send(T10.plus(Duration.ofHours(1)).plusSeconds(60 * i), TOP_LEFT, true);
    }
    // nothing is final before stream time passes a window's end plus grace
    send(T10.plus(Duration.ofMinutes(69)), TOP_LEFT, true);
    assertThat(alerts.isEmpty()).isTrue();
    // next day 00:30 closes both hourly windows and the day
    send(Instant.parse("2026-11-29T00:30:00Z"), TOP_LEFT, true);

    List<JsonNode> got = readAlerts();
    assertThat(got).extracting(a -> a.get("windowSize").asText() + " " + a.get("window").get("start").asText()
            + " " + a.get("kind").asText())
        .containsExactly(
            "hourly 2026-11-28T10:00:00Z attention-outside-roi",
            "hourly 2026-11-28T11:00:00Z attention-outside-roi",
            "daily 2026-11-28T00:00:00Z attention-outside-roi");
    for (JsonNode a : got) {
      assertThat(Schemas.violations(Schemas.ALERT, a)).isEmpty();
      assertThat(a.get("value").asDouble()).isCloseTo(1.0, within(1e-12));
      assertThat(a.get("threshold").asDouble()).isEqualTo(0.5);
      assertThat(a.get("modelId").asText()).isEqualTo("cls-a");
      assertThat(a.get("lineId").asText()).isEqualTo("line-1");
      assertThat(a.get("classLabel").asText()).isEqualTo("ok");
      assertThat(a.get("message").asText()).contains("100% of the heat", "outside the ROI");
    }
    assertThat(got.get(0).get("window").get("end").asText()).isEqualTo("2026-11-28T11:00:00Z");
  }

  @Test
  void centroidDriftBetweenWindowsRaisesDriftAlert() throws Exception {
    send(T10, TOP_LEFT, false);
    send(T10.plusSeconds(1), TOP_LEFT, false);
    send(T10.plus(Duration.ofHours(1)), BOTTOM_RIGHT, false);
    send(T10.plus(Duration.ofHours(1)).plusSeconds(1), BOTTOM_RIGHT, false);
    send(T10.plus(Duration.ofHours(3)), BOTTOM_RIGHT, false);

    List<JsonNode> got = readAlerts();
    assertThat(got).hasSize(1);
    JsonNode a = got.get(0);
    assertThat(a.get("kind").asText()).isEqualTo(AttentionAlerts.CENTROID_DRIFT);
    assertThat(a.get("window").get("start").asText()).isEqualTo("2026-11-28T11:00:00Z");
    // from (0.25, 0.25) to (0.75, 0.75)
    assertThat(a.get("value").asDouble()).isCloseTo(Math.sqrt(0.5), within(1e-12));
    assertThat(a.get("message").asText()).contains("from (0.25, 0.25) to (0.75, 0.75)");
  }

  @Test
  void smallWindowsAndUnreadableRecordsDoNotAlertButStatisticsAreQueryable() throws Exception {
    send(T10, TOP_LEFT, true); // one review only: below minReviews
    reviews.pipeInput("line-1", "{not json", 0L);
    reviews.pipeInput("line-1", Reviews.review("bad").at(T10).grid(2, 2, 1, 2, 3).json(), 0L);
    reviews.pipeInput("line-1", Reviews.review("no-grid").at(T10).noGrid().json(), 0L);
    send(T10.plusSeconds(5), BOTTOM_RIGHT, true);
    send(T10.plus(Duration.ofHours(2)), TOP_LEFT, true);
    assertThat(alerts.isEmpty()).isTrue();
    send(T10.plus(Duration.ofHours(2)).plusSeconds(1), TOP_LEFT, true);

    WindowStore<String, AttentionWindow> store = driver.getWindowStore("attention-hourly");
    String key = new AttentionKey("cls-a", "line-1", "ok").encode();
    AttentionWindow w = store.fetch(key, T10.toEpochMilli());
    assertThat(w.count()).isEqualTo(2);
    AttentionSummary s = w.summary();
    // mean of top-left and bottom-right quarters: 0.5 in both, centroid in the middle, half outside the right half
    assertThat(s.mean().at(0, 0)).isEqualTo(0.5);
    assertThat(s.mean().at(15, 15)).isEqualTo(0.5);
    assertThat(s.mean().at(15, 0)).isEqualTo(0.0);
    assertThat(s.centroid().x()).isCloseTo(0.5, within(1e-12));
    assertThat(s.outsideShare()).isCloseTo(0.5, within(1e-12));
    assertThat(s.roi()).isEqualTo(new Roi(0.5, 0, 0.5, 1));
    assertThat(alerts.isEmpty()).isTrue();
  }
}
