package io.camstream.topology.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.event.Json;
import io.camstream.topology.DeadLetters;
import java.io.IOException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** First step: bytes to a JSON object, or a BAD_JSON dead letter. */
final class ParseEvent implements Processor<byte[], byte[], byte[], Object> {

  private final String next;
  private final RouterMetrics metrics;
  private final int maxBytes;
  private ProcessorContext<byte[], Object> context;

  ParseEvent(String next, RouterMetrics metrics, int maxBytes) {
    this.next = next;
    this.metrics = metrics;
    this.maxBytes = maxBytes;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.in();
    RouterItem item = new RouterItem(record, null, null);
    long size = DeadLetters.recordBytes(record.key(), record.value(), record.headers());
    if (size > maxBytes) {
      // Checked before parsing: a huge record is not worth a JSON tree, and its dead letter is cut to fit.
      new DeadLetterer(context, metrics).send(item, DeadLetters.Reason.EVENT_TOO_LARGE,
          "event record of " + size + " bytes exceeds event.max.bytes=" + maxBytes);
      return;
    }
    String problem;
    if (record.value() == null || record.value().length == 0) {
      problem = "empty record value";
    } else {
      try {
        JsonNode node = Json.tree(record.value());
        if (node instanceof ObjectNode obj) {
          context.forward(record.withValue((Object) new RouterItem(record, obj, null)), next);
          return;
        }
        problem = "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase());
      } catch (IOException e) {
        problem = e instanceof JsonProcessingException j && j.getLocation() != null
            ? j.getOriginalMessage() + " at " + j.getLocation().offsetDescription() : e.getMessage();
      }
    }
    new DeadLetterer(context, metrics).send(item, DeadLetters.Reason.BAD_JSON, problem);
  }

  /** Dead-letters without being a {@link RouterStep} (this step's input is bytes, not an item). */
  private record DeadLetterer(ProcessorContext<byte[], Object> context, RouterMetrics metrics) {
    void send(RouterItem item, DeadLetters.Reason reason, String message) {
      metrics.deadLettered(reason.name());
      var dl = DeadLetters.of(item.original(), reason, message, DeadLetters.STAGE_ROUTER, context.recordMetadata());
      context.forward(dl.withValue((Object) dl.value()), RouterTopology.DEAD_LETTER_SINK);
    }
  }
}
