package io.camstream.io.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import io.camstream.io.SourceRecordRef;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the {@code data:} image URI of an inference event back from the events topic, for a {@link SourceRecordRef}
 * the router wrote instead of copying a large image. Only the configured events topic may be named. Large events
 * are rare, so each read uses its own short-lived consumer (no group, no commits) rather than a shared one.
 */
final class SourceRecordFetcher {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Properties clientProps;
  private final String eventsTopic;

  SourceRecordFetcher(Properties clientProps, String eventsTopic) {
    this.clientProps = clientProps;
    this.eventsTopic = eventsTopic;
  }

  /** The {@code image.uri} of the referenced event, which must be a {@code data:} URI. */
  String dataUri(String uri) throws ExplainException {
    SourceRecordRef ref = SourceRecordRef.parse(uri).orElseThrow(() -> new ExplainException(
        Reason.IMAGE_NOT_ALLOWED, "malformed source-record reference: " + AllowListImageSource.shortForm(uri)));
    if (!ref.topic().equals(eventsTopic)) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED,
          "a source-record reference may only name the events topic " + eventsTopic + ": " + uri);
    }
    byte[] value = read(ref);
    try {
      JsonNode img = MAPPER.readTree(value).path("image").path("uri");
      if (!img.isTextual() || !img.asText().regionMatches(true, 0, "data:", 0, 5)) {
        throw new ExplainException(Reason.IMAGE_UNREADABLE, "the event at " + uri + " has no data: image");
      }
      return img.asText();
    } catch (IOException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "the event at " + uri + " is not JSON: " + e.getMessage());
    }
  }

  private byte[] read(SourceRecordRef ref) throws ExplainException {
    Properties p = new Properties();
    p.putAll(clientProps);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // An offset no longer on the topic (retention) must fail, not silently read another event.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    TopicPartition tp = new TopicPartition(ref.topic(), ref.partition());
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.assign(List.of(tp));
      c.seek(tp, ref.offset());
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.offset() == ref.offset()) {
            return r.value();
          }
          throw new ExplainException(Reason.IMAGE_UNREADABLE, "the event at " + ref.uri() + " is gone (next is "
              + r.offset() + ")");
        }
      }
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "the event at " + ref.uri() + " could not be read within "
          + DEADLINE.toSeconds() + " s");
    } catch (KafkaException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot read the event at " + ref.uri() + ": " + e, e);
    }
  }
}
