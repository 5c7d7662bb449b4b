package io.camstream.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.attention.AttentionSettings;
import io.camstream.attention.Reviews;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review stores shrink with the topics and artifacts: the sweep on the real topology's real stores. */
class ReviewRetentionTest {

  @TempDir Path tmp;

  @Test
  void openReviewsLeaveWithTheirArtifactsAndRecordsWithTheTopic() {
    ReviewSettings settings = new ReviewSettings("reviews", "decisions", tmp, List.of(), 0, "t");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "retention-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString());
    Instant now = Instant.now();
    ReviewTopology.Retention retention = new ReviewTopology.Retention(Duration.ofHours(48), Duration.ofHours(24),
        Duration.ofMinutes(10));
    try (TopologyTestDriver driver = new TopologyTestDriver(ReviewTopology.build(settings,
        AttentionSettings.defaults("alerts"), new ReviewFeed(), retention), p, now)) {
      TestInputTopic<String, String> reviews = driver.createInputTopic("reviews", new StringSerializer(),
          new StringSerializer());
      TestInputTopic<String, String> decisions = driver.createInputTopic("decisions", new StringSerializer(),
          new StringSerializer());
      reviews.pipeInput("fresh", Reviews.review("fresh").at(now.minus(Duration.ofHours(1))).json());
      reviews.pipeInput("day", Reviews.review("day").at(now.minus(Duration.ofHours(23))).json());
      reviews.pipeInput("old", Reviews.review("old").at(now.minus(Duration.ofHours(47))).json());
      decisions.pipeInput("old", "{\"eventId\":\"old\",\"decision\":\"confirm\",\"reviewer\":\"ana\",\"decidedAt\":\""
          + now.minus(Duration.ofHours(47)) + "\"}");
      KeyValueStore<String, String> open = driver.getKeyValueStore(ReviewTopology.OPEN_STORE);
      KeyValueStore<String, String> all = driver.getKeyValueStore(ReviewTopology.REVIEWS_STORE);
      KeyValueStore<String, String> decided = driver.getKeyValueStore(ReviewTopology.DECISIONS_STORE);
      KeyValueStore<String, String> facets = driver.getKeyValueStore(ReviewTopology.FACETS_STORE);
      assertThat(ids(open)).containsExactly("day", "fresh");
      assertThat(facets.get(OpenIndex.TOTAL)).isEqualTo("2");

      // two hours later "day" is past artifact retention: out of the queue, still in the store
      driver.advanceWallClockTime(Duration.ofHours(2));
      assertThat(ids(open)).containsExactly("fresh");
      assertThat(facets.get(OpenIndex.TOTAL)).isEqualTo("1");
      assertThat(all.get("day")).isNotNull();
      assertThat(all.get("old")).isNull();
      assertThat(decided.get("old")).isNull();
    }
  }

  private static List<String> ids(KeyValueStore<String, String> open) {
    List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it = open.all()) {
      it.forEachRemaining((KeyValue<String, String> kv) -> out.add(OpenIndex.eventId(kv.key)));
    }
    return out;
  }
}
