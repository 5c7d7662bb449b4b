package io.camstream.attention;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time for review records: the inspection event's {@code timestamp}, so windows group images by when they
 * were taken, also on replay. Falls back to the record's own timestamp when the field is absent or unreadable (the
 * record is then reported by whichever processor cannot read it), and when it lies after the record's own timestamp:
 * an image cannot be taken after its review was written, so that is a line's clock running ahead. Such a time would
 * also be written on the attention repartition topic, and a broker refuses records more than
 * {@code message.timestamp.after.max.ms} (one hour by default since Kafka 4.0) ahead of its clock, which failed the
 * review stream thread on that record again after every restart.
 */
public final class ReviewTimestampExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof String s) {
      try {
        JsonNode review = JsonSerde.MAPPER.readTree(s);
        if (review != null) {
          Long t = AttentionSampler.eventTime(review).orElse(null);
          if (t != null && t >= 0) {
            return record.timestamp() >= 0 ? Math.min(t, record.timestamp()) : t;
          }
        }
      } catch (IOException e) {
        // unreadable JSON: keep the record's timestamp, the processors log it
      }
    }
    return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
  }
}
