package io.camstream.topology.router;

import io.camstream.policy.PolicyJson;
import io.camstream.policy.PolicyKeys;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global policies store in step with the compacted policies topic: a valid partial policy replaces the
 * scope's override, a tombstone removes it, anything else is logged and ignored (the previous override stays).
 */
final class UpdatePolicies implements Processor<String, String, Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(UpdatePolicies.class);

  private final RouterMetrics metrics;
  private KeyValueStore<String, String> store;

  UpdatePolicies(RouterMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(RouterTopology.POLICY_STORE);
  }

  @Override
  public void process(Record<String, String> record) {
    String key = record.key();
    if (!PolicyKeys.valid(key)) {
      metrics.policyRejected();
      LOG.warn("ignoring policy record with key '{}': keys are model:<id>, line:<lineId> or line:<lineId>|model:<id>",
          key);
      return;
    }
    if (record.value() == null) {
      store.delete(key);
      LOG.info("policy override {} removed", key);
      return;
    }
    try {
      PolicyJson.patch(record.value());
      store.put(key, record.value());
      LOG.info("policy override {} = {}", key, record.value());
    } catch (IllegalArgumentException e) {
      metrics.policyRejected();
      LOG.warn("ignoring policy override {}: {}", key, e.getMessage());
    }
  }
}
