package io.camstream.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
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

  /** Hex sha256 of the original value, always present (the value itself may be cut, see {@link #TRUNCATED}). */
  public static final String SHA256 = "camstream.dlq.sha256";
  /** Size in bytes of the original value. */
  public static final String ORIGINAL_BYTES = "camstream.dlq.original.bytes";
  /** {@code true} when the value is only the first bytes of the original (present only then). */
  public static final String TRUNCATED = "camstream.dlq.truncated";

  /**
   * The most a dead letter takes on the wire (key, value and headers): half the broker's default
   * {@code message.max.bytes}, so a dead letter always fits the DLQ topic, whatever was wrong with the original.
   */
  public static final int MAX_RECORD_BYTES = 512 * 1024;
  /** Original headers larger than this in total are not copied into the dead letter. */
  static final int MAX_ORIGINAL_HEADER_BYTES = 64 * 1024;
  /** Keys are line ids; a longer one is cut to this. */
  static final int MAX_KEY_BYTES = 16 * 1024;

  public static final String STAGE_ROUTER = "router";
  public static final String STAGE_EXPLAINER = "explainer";

  private static final int MAX_MESSAGE = 1000;

  /** Reasons the router gives; the explainer also uses the names of ExplainException.Reason. */
  public enum Reason {
    BAD_JSON, SCHEMA_VIOLATION, UNKNOWN_MODEL, IMAGE_NOT_ALLOWED, BAD_REQUEST,
    /** The event record is larger than {@code event.max.bytes}, or its explain request could not be made small. */
    EVENT_TOO_LARGE,
    /** A record a role wrote was refused by the producer or broker as too large (production exception handler). */
    RECORD_TOO_LARGE,
    /** A class index that is not a whole number in int range, or beyond the model's labels (same name as the explainer's). */
    BAD_TARGET,
    /** An event id already used by an event with other content (the first one stands). */
    DUPLICATE_EVENT_ID
  }

  private DeadLetters() {}

  /**
   * The dead letter for an original record: same key, value and timestamp, the original headers plus the
   * {@code camstream.dlq.*} ones (replacing any earlier ones, so a record dead-lettered twice says the last why).
   * It never exceeds {@link #MAX_RECORD_BYTES}: a larger value is cut (header {@link #TRUNCATED}), large original
   * headers are dropped and a long key is cut; {@link #SHA256} and {@link #ORIGINAL_BYTES} always describe the whole
   * original value and {@link #SOURCE} says where to find it.
   *
   * @param original the record as it came from the source topic (bytes)
   * @param reason reason code
   * @param message what was wrong; newlines are flattened and it is cut to 1000 characters
   * @param stage {@link #STAGE_ROUTER} or {@link #STAGE_EXPLAINER}
   * @param source where the original came from, or empty (then "unknown")
   */
  public static Record<byte[], byte[]> of(Record<byte[], byte[]> original, String reason, String message,
      String stage, Optional<RecordMetadata> source) {
    return of(original.key(), original.value(), original.timestamp(), original.headers(), reason, message, stage,
        source.map(DeadLetters::source).orElse("unknown"));
  }

  /** The same from parts; {@code source} is {@code topic-partition-offset} or "unknown". */
  public static Record<byte[], byte[]> of(byte[] key, byte[] value, long timestamp, Headers originalHeaders,
      String reason, String message, String stage, String source) {
    Headers h = new RecordHeaders();
    if (originalHeaders != null && headerBytes(originalHeaders) <= MAX_ORIGINAL_HEADER_BYTES) {
      for (Header x : originalHeaders) {
        h.add(x);
      }
    }
    h.remove(REASON).remove(MESSAGE).remove(STAGE).remove(SOURCE).remove(SHA256).remove(ORIGINAL_BYTES)
        .remove(TRUNCATED);
    h.add(REASON, utf8(reason));
    h.add(MESSAGE, utf8(oneLine(message)));
    h.add(STAGE, utf8(stage));
    h.add(SOURCE, utf8(source));
    h.add(SHA256, utf8(value == null ? "" : sha256(value)));
    h.add(ORIGINAL_BYTES, utf8(String.valueOf(value == null ? 0 : value.length)));
    byte[] k = key == null || key.length <= MAX_KEY_BYTES ? key : Arrays.copyOf(key, MAX_KEY_BYTES);
    byte[] v = value;
    // Room for the value: the limit less key, headers and a generous allowance for record framing.
    int room = MAX_RECORD_BYTES - (k == null ? 0 : k.length) - headerBytes(h) - 1024;
    if (v != null && v.length > room) {
      h.add(TRUNCATED, utf8("true"));
      v = Arrays.copyOf(v, Math.max(0, room - 64));
    }
    return new Record<>(k, v, timestamp, h);
  }

  /** Serialized size of a record's key, value and headers (without framing). */
  public static long recordBytes(byte[] key, byte[] value, Headers headers) {
    return (key == null ? 0 : key.length) + (value == null ? 0L : value.length) + headerBytes(headers);
  }

  static int headerBytes(Headers headers) {
    int n = 0;
    for (Header x : headers) {
      n += x.key().length() * 3 + (x.value() == null ? 0 : x.value().length) + 8;
    }
    return n;
  }

  /** Hex sha256 of bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
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
