package io.camstream.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Dead letters, as every role writes them: the original key and value bytes untouched, and why in four headers
 * ({@link #REASON}, {@link #MESSAGE}, {@link #STAGE}, {@link #SOURCE}). Schema {@code dead-letter.schema.json}.
 */
public final class DeadLetters {

  /** Machine-readable reason code, e.g. {@code BAD_JSON}; see {@link Reason} and ExplainException.Reason. */
  public static final String REASON = "camstream.dlq.reason";
  /** One line for people. */
  public static final String MESSAGE = "camstream.dlq.message";
  /** {@code router} or {@code explainer}. */
  public static final String STAGE = "camstream.dlq.stage";
  /** {@code topic-partition-offset} of the original record. */
  public static final String SOURCE = "camstream.dlq.source";

  public static final String STAGE_ROUTER = "router";
  public static final String STAGE_EXPLAINER = "explainer";

  private static final int MAX_MESSAGE = 1000;

  /** Reasons the router gives; the explainer also uses the names of ExplainException.Reason. */
  public enum Reason {
    BAD_JSON, SCHEMA_VIOLATION, UNKNOWN_MODEL, IMAGE_NOT_ALLOWED, BAD_REQUEST,
    /** An event id already used by an event with other content (the first one stands). */
    DUPLICATE_EVENT_ID
  }

  private DeadLetters() {}

  /**
   * The dead letter for an original record: same key, value and timestamp, the original headers plus the four
   * {@code camstream.dlq.*} ones (replacing any earlier ones, so a record dead-lettered twice says the last why).
   *
   * @param original the record as it came from the source topic (bytes)
   * @param reason reason code
   * @param message what was wrong; newlines are flattened and it is cut to 1000 characters
   * @param stage {@link #STAGE_ROUTER} or {@link #STAGE_EXPLAINER}
   * @param source where the original came from, or empty (then "unknown")
   */
  public static Record<byte[], byte[]> of(Record<byte[], byte[]> original, String reason, String message,
      String stage, Optional<RecordMetadata> source) {
    Headers h = new RecordHeaders(original.headers().toArray());
    h.remove(REASON).remove(MESSAGE).remove(STAGE).remove(SOURCE);
    h.add(REASON, utf8(reason));
    h.add(MESSAGE, utf8(oneLine(message)));
    h.add(STAGE, utf8(stage));
    h.add(SOURCE, utf8(source.map(DeadLetters::source).orElse("unknown")));
    return new Record<>(original.key(), original.value(), original.timestamp(), h);
  }

  /** Same with a router reason. */
  public static Record<byte[], byte[]> of(Record<byte[], byte[]> original, Reason reason, String message,
      String stage, Optional<RecordMetadata> source) {
    return of(original, reason.name(), message, stage, source);
  }

  /** {@code topic-partition-offset}. */
  public static String source(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "-" + m.offset();
  }

  /** {@code topic-partition-offset}. */
  public static String source(String topic, int partition, long offset) {
    return topic + "-" + partition + "-" + offset;
  }

  /** A header's value as text, or null when absent; for readers of the DLQ. */
  public static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static String oneLine(String message) {
    String s = message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 3) + "...";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
