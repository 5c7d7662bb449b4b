package io.camstream.topology.explainer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A request as kept in the changelogged buffer store: the original key, value, timestamp and source
 * ({@code topic-partition-offset}, for dead letters), plus the wall-clock time it was buffered (for the linger rule
 * and the queue timing). A plain byte layout keeps the changelog small.
 *
 * <p>{@code attempts} counts the batches it was sent in; it is committed before each send, so a request that was
 * in flight when the role's process died says so after the restart. A record with attempts is prefixed by
 * {@link #ATTEMPTS_MAGIC} (never a buffered-at time); one without has the original layout.
 */
record Buffered(long bufferedAtMs, long timestamp, String source, byte[] key, byte[] value, int attempts) {

  static final long ATTEMPTS_MAGIC = -2;

  Buffered(long bufferedAtMs, long timestamp, String source, byte[] key, byte[] value) {
    this(bufferedAtMs, timestamp, source, key, value, 0);
  }

  Buffered withAttempts(int n) {
    return new Buffered(bufferedAtMs, timestamp, source, key, value, n);
  }

  byte[] encode() {
    byte[] plain = encodePlain();
    if (attempts == 0) {
      return plain;
    }
    return ByteBuffer.allocate(8 + 4 + plain.length).putLong(ATTEMPTS_MAGIC).putInt(attempts).put(plain).array();
  }

  private byte[] encodePlain() {
    byte[] s = source.getBytes(StandardCharsets.UTF_8);
    byte[] k = key == null ? new byte[0] : key;
    byte[] v = value == null ? new byte[0] : value;
    return ByteBuffer.allocate(8 + 8 + 4 + s.length + 4 + k.length + v.length)
        .putLong(bufferedAtMs).putLong(timestamp)
        .putInt(s.length).put(s)
        .putInt(key == null ? -1 : k.length).put(k)
        .put(v).array();
  }

  /** The source as Streams metadata, for {@code DeadLetters.of}; parsed from the end, as topics may contain '-'. */
  RecordMetadata sourceMetadata() {
    int o = source.lastIndexOf('-');
    int p = o > 0 ? source.lastIndexOf('-', o - 1) : -1;
    String topic = p > 0 ? source.substring(0, p) : source;
    int partition = p > 0 ? Integer.parseInt(source.substring(p + 1, o)) : -1;
    long offset = p > 0 ? Long.parseLong(source.substring(o + 1)) : -1;
    return new RecordMetadata() {
      @Override
      public String topic() {
        return topic;
      }

      @Override
      public int partition() {
        return partition;
      }

      @Override
      public long offset() {
        return offset;
      }
    };
  }

  static Buffered decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int attempts = 0;
    long at = b.getLong();
    if (at == ATTEMPTS_MAGIC) {
      attempts = b.getInt();
      at = b.getLong();
    }
    long ts = b.getLong();
    byte[] s = new byte[b.getInt()];
    b.get(s);
    int klen = b.getInt();
    byte[] key = null;
    if (klen >= 0) {
      key = new byte[klen];
      b.get(key);
    }
    byte[] v = new byte[b.remaining()];
    b.get(v);
    return new Buffered(at, ts, new String(s, StandardCharsets.UTF_8), key, v, attempts);
  }
}
