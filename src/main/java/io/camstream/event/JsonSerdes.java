package io.camstream.event;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serdes for camstream's JSON records, all on {@link Json#MAPPER}. */
public final class JsonSerdes {

  private JsonSerdes() {}

  /** A serde for any record type Jackson can map; bad JSON raises {@link SerializationException}. */
  public static <T> Serde<T> of(Class<T> type) {
    Serializer<T> ser = (topic, value) -> value == null ? null : Json.bytes(value);
    Deserializer<T> de = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return Json.read(bytes, type);
      } catch (IOException | IllegalArgumentException e) {
        throw new SerializationException("not a valid " + type.getSimpleName() + " on " + topic + ": "
            + e.getMessage(), e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }

  public static Serde<InferenceEvent> inferenceEvent() {
    return of(InferenceEvent.class);
  }

  public static Serde<ExplainRequest> explainRequest() {
    return of(ExplainRequest.class);
  }

  public static Serde<ReviewRecord> reviewRecord() {
    return of(ReviewRecord.class);
  }

  public static Serde<ReviewDecision> reviewDecision() {
    return of(ReviewDecision.class);
  }

  public static Serde<Alert> alert() {
    return of(Alert.class);
  }
}
