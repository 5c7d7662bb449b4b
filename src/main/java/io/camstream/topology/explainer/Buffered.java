package io.camstream.topology.explainer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A request as kept in the changelogged buffer store: the original key, value, timestamp and source
 * ({@code topic-partition-offset}, for dead letters), plus the wall-clock time it was buffered (for the linger rule
 * and the queue timing). A plain byte layout keeps the changelog small.
 */
record Buffered(long bufferedAtMs, long timestamp, String source, byte[] key, byte[] value) {

  byte[] encode() {
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
    long at = b.getLong();
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
    return new Buffered(at, ts, new String(s, StandardCharsets.UTF_8), key, v);
  }
}
