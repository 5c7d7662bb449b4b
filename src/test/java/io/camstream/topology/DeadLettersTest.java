package io.camstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  @Test
  void keepsKeyValueTimestampAndHeadersAndAddsTheReason() {
    RecordHeaders h = new RecordHeaders();
    h.add("trace", "t1".getBytes(StandardCharsets.UTF_8));
    h.add(DeadLetters.REASON, "OLD".getBytes(StandardCharsets.UTF_8));
    Record<byte[], byte[]> in = new Record<>("k".getBytes(), "{bad".getBytes(), 42L, h);
    Record<byte[], byte[]> out =
        DeadLetters.of(in, DeadLetters.Reason.BAD_JSON, "line 1\n  col 5", DeadLetters.STAGE_ROUTER, Optional.empty());
    assertThat(out.key()).isEqualTo("k".getBytes());
    assertThat(out.value()).isEqualTo("{bad".getBytes());
    assertThat(out.timestamp()).isEqualTo(42L);
    assertThat(DeadLetters.header(out.headers(), "trace")).isEqualTo("t1");
    assertThat(DeadLetters.header(out.headers(), DeadLetters.REASON)).isEqualTo("BAD_JSON");
    assertThat(out.headers().headers(DeadLetters.REASON)).hasSize(1);
    assertThat(DeadLetters.header(out.headers(), DeadLetters.MESSAGE)).isEqualTo("line 1 col 5");
    assertThat(DeadLetters.header(out.headers(), DeadLetters.STAGE)).isEqualTo("router");
    assertThat(DeadLetters.header(out.headers(), DeadLetters.SOURCE)).isEqualTo("unknown");
  }

  @Test
  void aLargeRecordIsCutToFitWithTheWholeValuesHashAndSize() {
    byte[] value = new byte[3 * 1024 * 1024];
    new java.util.Random(1).nextBytes(value);
    RecordHeaders h = new RecordHeaders();
    h.add("huge", new byte[100 * 1024]);
    Record<byte[], byte[]> out = DeadLetters.of(new Record<>("k".getBytes(), value, 1L, h), "X", "m",
        DeadLetters.STAGE_ROUTER, Optional.empty());
    assertThat(DeadLetters.recordBytes(out.key(), out.value(), out.headers()))
        .isLessThanOrEqualTo(DeadLetters.MAX_RECORD_BYTES);
    assertThat(out.value()).isEqualTo(java.util.Arrays.copyOf(value, out.value().length));
    assertThat(out.value().length).isGreaterThan(DeadLetters.MAX_RECORD_BYTES - 4096);
    assertThat(out.headers().lastHeader("huge")).isNull();
    assertThat(DeadLetters.header(out.headers(), DeadLetters.TRUNCATED)).isEqualTo("true");
    assertThat(DeadLetters.header(out.headers(), DeadLetters.ORIGINAL_BYTES)).isEqualTo("3145728");
    assertThat(DeadLetters.header(out.headers(), DeadLetters.SHA256)).isEqualTo(DeadLetters.sha256(value));

    Record<byte[], byte[]> small = DeadLetters.of(new Record<>(null, "{}".getBytes(), 1L, new RecordHeaders()), "X",
        "m", DeadLetters.STAGE_ROUTER, Optional.empty());
    assertThat(small.value()).isEqualTo("{}".getBytes());
    assertThat(small.headers().lastHeader(DeadLetters.TRUNCATED)).isNull();
  }
}
