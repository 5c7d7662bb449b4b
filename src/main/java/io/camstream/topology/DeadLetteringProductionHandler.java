package io.camstream.topology;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@code production.exception.handler} for every role. The roles keep their records small (see
 * {@code io.camstream.kafka.Topics.OWN_RECORD_MAX_BYTES}), so this is the net under that rule: an output the
 * producer or broker refuses as too large must not stop the partition (the default handler fails the thread, the
 * replacement thread re-reads the same input and fails again, for ever). It is dead-lettered instead, as
 * {@code RECORD_TOO_LARGE}, with the input that produced it (or the refused output when a punctuation made it), cut
 * to fit, and processing goes on. Other production errors keep the default: fail.
 *
 * <p>Two limits, both Kafka's: under exactly-once a refused record aborts the producer's transaction, so the task
 * fails whatever this handler answers (which is why the roles never write a record above the limits, and why
 * {@link StallWatch} reports a partition that stops moving); and a refusal by the broker (rather than by the
 * producer's own size check) is reported on the producer's I/O thread, where a dead letter cannot be sent, so that
 * record is only logged, with its source and sha256, and skipped.
 */
public final class DeadLetteringProductionHandler implements ProductionExceptionHandler {

  /** Streams property naming the stage written in the dead letters ({@code router} or {@code explainer}). */
  public static final String STAGE_CONFIG = "camstream.dlq.stage";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringProductionHandler.class);

  private String deadLetterTopic;
  private String stage = "unknown";

  @Override
  public void configure(Map<String, ?> configs) {
    Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    deadLetterTopic = t == null || t.toString().isBlank() ? null : t.toString();
    Object s = configs.get(STAGE_CONFIG);
    stage = s == null ? stage : s.toString();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
      Exception exception) {
    if (!(exception instanceof RecordTooLargeException)) {
      return Response.fail();
    }
    String source = context.topic() == null ? "unknown"
        : DeadLetters.source(context.topic(), context.partition(), context.offset());
    LOG.error("{}: a record for {} from {} was refused as too large; dead-lettering it: {}", stage, record.topic(),
        source, exception.getMessage());
    if (deadLetterTopic == null) {
      return Response.resume();
    }
    if (Thread.currentThread().getName().startsWith("kafka-producer-network-thread")) {
      // A broker-side refusal arrives in the producer's own I/O thread; a dead letter sent from there waits for
      // metadata that only this thread can fetch (measured: 60 s max.block.ms, then the task fails). The record is
      // skipped with the line above, which names where the input is and its sha256 below.
      LOG.error("{}: {} not dead-lettered (refused by the broker); input sha256 {}", stage, source,
          context.sourceRawValue() == null ? "unknown" : DeadLetters.sha256(context.sourceRawValue()));
      return Response.resume();
    }
    return Response.resume(List.of(deadLetter(context, record, exception, source)));
  }

  ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
      Exception exception, String source) {
    boolean fromInput = context.sourceRawValue() != null;
    byte[] key = fromInput ? context.sourceRawKey() : record.key();
    byte[] value = fromInput ? context.sourceRawValue() : record.value();
    Record<byte[], byte[]> dl = DeadLetters.of(key, value, context.timestamp(),
        fromInput ? context.headers() : record.headers(), DeadLetters.Reason.RECORD_TOO_LARGE.name(),
        "output to " + record.topic() + " refused: " + exception.getMessage(), stage, source);
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(deadLetterTopic, null, dl.timestamp(), dl.key(),
        dl.value());
    for (Header h : dl.headers()) {
      out.headers().add(h);
    }
    return out;
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
