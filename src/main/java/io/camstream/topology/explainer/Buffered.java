package io.camstream.topology.explainer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A request as kept in the changelogged buffer store: the original key, value and timestamp, plus the wall-clock
 * time it was buffered (for the linger rule and the queue timing). A plain byte layout keeps the changelog small.
 */
record Buffered(long bufferedAtMs, long timestamp, String key, byte[] value) {

  byte[] encode() {
    byte[] k = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
    byte[] v = value == null ? new byte[0] : value;
    return ByteBuffer.allocate(8 + 8 + 4 + k.length + v.length)
        .putLong(bufferedAtMs).putLong(timestamp).putInt(key == null ? -1 : k.length).put(k).put(v).array();
  }

  static Buffered decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long at = b.getLong();
    long ts = b.getLong();
    int klen = b.getInt();
    String key = null;
    if (klen >= 0) {
      byte[] k = new byte[klen];
      b.get(k);
      key = new String(k, StandardCharsets.UTF_8);
    }
    byte[] v = new byte[b.remaining()];
    b.get(v);
    return new Buffered(at, ts, key, v);
  }
}
