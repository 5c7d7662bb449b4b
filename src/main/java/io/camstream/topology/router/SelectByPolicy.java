package io.camstream.topology.router;

import io.camstream.event.ExplainRequest;
import io.camstream.event.InferenceEvent;
import io.camstream.event.Json;
import io.camstream.policy.Policy;
import io.camstream.policy.PolicyEvaluator;
import io.camstream.policy.PolicyResolver;
import io.camstream.policy.Selection;
import io.camstream.topology.DeadLetters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Resolves the event's policy (file defaults plus the live overrides in the global policies store), applies it,
 * and sends selected events on as explain requests, keyed by eventId to the duplicate check. Unselected events end here.
 */
final class SelectByPolicy implements Processor<byte[], RouterItem, byte[], Object> {

  private final RouterMetrics metrics;
  private final PolicyResolver resolver;
  private PolicyOverrides overrides;
  private ProcessorContext<byte[], Object> context;

  SelectByPolicy(RouterMetrics metrics, PolicyResolver resolver) {
    this.metrics = metrics;
    this.resolver = resolver;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
    KeyValueStore<String, String> store = context.getStateStore(RouterTopology.POLICY_STORE);
    this.overrides = new PolicyOverrides(store);
  }

  @Override
  public void process(Record<byte[], RouterItem> record) {
    InferenceEvent e = record.value().event();
    Policy policy = resolver.resolve(e.lineId(), e.model().id(), overrides::get);
    Selection s = PolicyEvaluator.evaluate(e, policy);
    if (!s.selected()) {
      metrics.skipped();
      return;
    }
    metrics.selected(s.reasons());
    byte[] value = Json.bytes(new ExplainRequest(e, policy, s.reasons()));
    // keyed by eventId for the duplicate check (DedupEventIds), which keys it by lineId again
    Headers headers = new RecordHeaders(record.headers().toArray());
    context.recordMetadata().ifPresent(m -> headers.add(DedupEventIds.SOURCE_HEADER,
        DeadLetters.source(m).getBytes(StandardCharsets.UTF_8)));
    context.forward(new Record<>(e.eventId().getBytes(StandardCharsets.UTF_8), (Object) value, record.timestamp(),
        headers), RouterTopology.BY_EVENT_ID_SINK);
  }
}
