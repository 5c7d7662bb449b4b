package io.camstream.attention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Which time a review is windowed by. */
class ReviewTimestampExtractorTest {

  private static final long WRITTEN = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();

  @Test
  void theImagesTimeWhenItPrecedesTheReview() {
    assertThat(extract(Reviews.review("a").at(Instant.parse("2026-11-29T08:15:00Z")).json(), WRITTEN))
        .isEqualTo(Instant.parse("2026-11-29T08:15:00Z").toEpochMilli());
  }

  @Test
  void theReviewsTimeWhenTheLinesClockRunsAhead() {
    // three hours ahead: a broker refuses such a timestamp on the repartition topic (one hour by default)
    assertThat(extract(Reviews.review("b").at(Instant.parse("2026-11-30T15:00:00Z")).json(), WRITTEN))
        .isEqualTo(WRITTEN);
  }

  @Test
  void theImagesTimeWhenTheRecordHasNone() {
    assertThat(extract(Reviews.review("c").at(Instant.parse("2026-11-30T15:00:00Z")).json(), -1))
        .isEqualTo(Instant.parse("2026-11-30T15:00:00Z").toEpochMilli());
  }

  @Test
  void theReviewsTimeWhenTheJsonHasNoUsableTime() {
    assertThat(extract("{not json", WRITTEN)).isEqualTo(WRITTEN);
    assertThat(extract("{\"eventId\":\"d\"}", WRITTEN)).isEqualTo(WRITTEN);
  }

  private static long extract(String json, long recordTime) {
    ConsumerRecord<Object, Object> r = new ConsumerRecord<>("reviews", 0, 0L, recordTime,
        recordTime < 0 ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, 0, json.length(), "k", json,
        new RecordHeaders(), java.util.Optional.empty());
    return new ReviewTimestampExtractor().extract(r, 0L);
  }
}
