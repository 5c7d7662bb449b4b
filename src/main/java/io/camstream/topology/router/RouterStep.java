package io.camstream.topology.router;

import io.camstream.topology.DeadLetters;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One check of the router: passes an item to the next step, or turns it into a dead letter. Subclasses implement
 * {@link #check}.
 */
abstract class RouterStep implements Processor<byte[], RouterItem, byte[], Object> {

  private final String next;
  private final RouterMetrics metrics;
  protected ProcessorContext<byte[], Object> context;

  RouterStep(String next, RouterMetrics metrics) {
    this.next = next;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], RouterItem> record) {
    RouterItem item = record.value();
    Verdict v = check(item);
    if (v.reason != null) {
      deadLetter(item, v.reason, v.message);
    } else {
      context.forward(record.withValue(v.item), next);
    }
  }

  /** What the step decided: pass a (possibly enriched) item on, or dead-letter it. */
  abstract Verdict check(RouterItem item);

  void deadLetter(RouterItem item, DeadLetters.Reason reason, String message) {
    metrics.deadLettered(reason.name());
    Record<byte[], byte[]> dl =
        DeadLetters.of(item.original(), reason, message, DeadLetters.STAGE_ROUTER, context.recordMetadata());
    context.forward(dl.withValue((Object) dl.value()), RouterTopology.DEAD_LETTER_SINK);
  }

  /** A step's answer. */
  record Verdict(RouterItem item, DeadLetters.Reason reason, String message) {
    static Verdict pass(RouterItem item) {
      return new Verdict(item, null, null);
    }

    static Verdict fail(DeadLetters.Reason reason, String message) {
      return new Verdict(null, reason, message);
    }
  }
}
