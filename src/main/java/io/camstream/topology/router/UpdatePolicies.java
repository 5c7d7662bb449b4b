package io.camstream.topology.router;

import io.camstream.config.CamstreamConfig;
import io.camstream.policy.PolicyJson;
import io.camstream.policy.PolicyKeys;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global policies store in step with the compacted policies topic: a valid partial policy replaces the
 * scope's override, a tombstone removes it, anything else is logged and ignored (the previous override stays).
 * An invalid value that arrives while the router runs (offset at or after {@code restateFrom}) is answered by
 * restating the previous valid value on the topic ({@link PolicyTopic}), so compaction cannot leave the invalid
 * record as the scope's only one. Records before {@code restateFrom} are the restore of what was there at start
 * (Kafka Streams replays them through this processor), which the router checked before starting.
 */
final class UpdatePolicies implements Processor<String, String, Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(UpdatePolicies.class);

  private final RouterMetrics metrics;
  private final CamstreamConfig config;
  private final long restateFrom;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, String> store;
  private KafkaProducer<String, String> producer;

  UpdatePolicies(RouterMetrics metrics) {
    this(metrics, null, Long.MAX_VALUE);
  }

  /** @param restateFrom first offset of the policies topic that is live, not restored; MAX_VALUE: never restate */
  UpdatePolicies(RouterMetrics metrics, CamstreamConfig config, long restateFrom) {
    this.metrics = metrics;
    this.config = config;
    this.restateFrom = restateFrom;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    store = context.getStateStore(RouterTopology.POLICY_STORE);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
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
      restate(key);
    }
  }

  private void restate(String key) {
    String previous = store.get(key);
    long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
    if (previous == null || config == null || offset < restateFrom) {
      return;
    }
    if (producer == null) {
      producer = PolicyTopic.producer(config);
    }
    PolicyTopic.restate(producer, config, key, previous, offset);
    producer.flush();
    LOG.info("policy override {} restated after the invalid record at offset {}", key, offset);
  }
}
