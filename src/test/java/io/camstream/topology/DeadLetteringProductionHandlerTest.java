package io.camstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class DeadLetteringProductionHandlerTest {

  @Test
  void aTooLargeOutputIsDeadLetteredWithItsInputAndProcessingResumes() {
    DeadLetteringProductionHandler handler = new DeadLetteringProductionHandler();
    handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq",
        DeadLetteringProductionHandler.STAGE_CONFIG, "router"));
    byte[] input = new byte[2 * 1024 * 1024];
    ProducerRecord<byte[], byte[]> refused = new ProducerRecord<>("requests", "k".getBytes(), new byte[10]);
    ProductionExceptionHandler.Response r = handler.handleError(context(input), refused,
        new RecordTooLargeException("too big"));
    assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).singleElement().satisfies(dl -> {
      assertThat(dl.topic()).isEqualTo("dlq");
      assertThat(new String(dl.key(), StandardCharsets.UTF_8)).isEqualTo("line");
      assertThat(dl.value().length).isLessThan(DeadLetters.MAX_RECORD_BYTES);
      assertThat(DeadLetters.header(dl.headers(), DeadLetters.REASON)).isEqualTo("RECORD_TOO_LARGE");
      assertThat(DeadLetters.header(dl.headers(), DeadLetters.STAGE)).isEqualTo("router");
      assertThat(DeadLetters.header(dl.headers(), DeadLetters.SOURCE)).isEqualTo("events-3-77");
      assertThat(DeadLetters.header(dl.headers(), DeadLetters.SHA256)).isEqualTo(DeadLetters.sha256(input));
    });
    assertThat(handler.handleError(context(input), refused, new SerializationException("x")).result())
        .isEqualTo(ProductionExceptionHandler.Result.FAIL);
  }

  private static ErrorHandlerContext context(byte[] input) {
    return new ErrorHandlerContext() {
      public String topic() { return "events"; }
      public int partition() { return 3; }
      public long offset() { return 77; }
      public Headers headers() { return new RecordHeaders(); }
      public String processorNodeId() { return "select-by-policy"; }
      public TaskId taskId() { return new TaskId(0, 3); }
      public long timestamp() { return 5L; }
      public byte[] sourceRawKey() { return "line".getBytes(StandardCharsets.UTF_8); }
      public byte[] sourceRawValue() { return input; }
    };
  }
}
