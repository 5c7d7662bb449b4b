package io.camstream.topology.router;

import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.Topics;
import io.camstream.policy.ImageAllowList;
import io.camstream.policy.PolicyFile;
import io.camstream.policy.PolicyResolver;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The router role's topology: events in, explain requests and dead letters out.
 *
 * <pre>
 * events-source → parse-event → validate-event → check-model → check-image → select-by-policy → by-event-id-sink
 *                      └──────────────┴──────────────┴─────────────┴──────────────┴──→ dead-letter-sink
 * by-event-id-source → dedup-event-ids (event-ids-store) → requests-sink, dead-letter-sink (DUPLICATE_EVENT_ID)
 * policies-source → update-policies → policies-store (global, read by select-by-policy)
 * </pre>
 */
public final class RouterTopology {

  public static final String EVENTS_SOURCE = "events-source";
  public static final String PARSE = "parse-event";
  public static final String VALIDATE = "validate-event";
  public static final String CHECK_MODEL = "check-model";
  public static final String CHECK_IMAGE = "check-image";
  public static final String SELECT = "select-by-policy";
  public static final String REQUESTS_SINK = "requests-sink";
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";
  public static final String POLICIES_SOURCE = "policies-source";
  public static final String UPDATE_POLICIES = "update-policies";
  public static final String POLICY_STORE = "policies-store";
  public static final String BY_EVENT_ID_SINK = "by-event-id-sink";
  public static final String BY_EVENT_ID_SOURCE = "by-event-id-source";
  public static final String DEDUP = "dedup-event-ids";
  public static final String EVENT_ID_STORE = "event-ids-store";

  private RouterTopology() {}

  /** Builds the topology from the config: models from models.dir, policy defaults from policy.file. */
  public static Topology build(CamstreamConfig config, MeterRegistry meters) {
    return build(config, ModelCatalog.scan(config.modelsDir()), PolicyFile.load(config.policyFile()), meters);
  }

  /** Builds the topology with an explicit model catalog and policy file (tests, benches). */
  public static Topology build(CamstreamConfig config, ModelCatalog models, PolicyFile policies, MeterRegistry meters) {
    return build(config, models, policies, meters, Long.MAX_VALUE);
  }

  /**
   * The router as it runs: invalid policy records from offset {@code restateFrom} on (what arrives after start) are
   * answered by restating the previous valid value ({@link UpdatePolicies}).
   */
  public static Topology build(CamstreamConfig config, MeterRegistry meters, long restateFrom) {
    return build(config, ModelCatalog.scan(config.modelsDir()), PolicyFile.load(config.policyFile()), meters,
        restateFrom);
  }

  private static Topology build(CamstreamConfig config, ModelCatalog models, PolicyFile policies,
      MeterRegistry meters, long restateFrom) {
    CamstreamConfig.TopicNames t = config.topics();
    RouterMetrics metrics = new RouterMetrics(meters);
    ImageAllowList allowList = new ImageAllowList(config);
    PolicyResolver resolver = new PolicyResolver(policies);
    Topology topology = new Topology();
    topology.addSource(EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), t.events());
    topology.addProcessor(PARSE, () -> new ParseEvent(VALIDATE, metrics, config.eventMaxBytes()), EVENTS_SOURCE);
    topology.addProcessor(VALIDATE, () -> new ValidateEvent(CHECK_MODEL, metrics), PARSE);
    topology.addProcessor(CHECK_MODEL, () -> new CheckModel(CHECK_IMAGE, metrics, models), VALIDATE);
    topology.addProcessor(CHECK_IMAGE, () -> new CheckImage(SELECT, metrics, allowList), CHECK_MODEL);
    topology.addProcessor(SELECT, () -> new SelectByPolicy(metrics, resolver, t.events(),
        Math.min(SelectByPolicy.REQUEST_MAX_BYTES, config.producerMaxRequestSize() - 16 * 1024)), CHECK_IMAGE);
    // Selected events pass through a topic keyed by eventId, so that every send of an id meets the same store
    // (requests are keyed by lineId, and an id may come again from another line or partition).
    String byId = Topics.requestsByEventId(config);
    topology.addSink(BY_EVENT_ID_SINK, byId, new ByteArraySerializer(), new ByteArraySerializer(), SELECT);
    topology.addSource(BY_EVENT_ID_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), byId);
    long hours = config.topicRetentionHours();
    topology.addProcessor(DEDUP, () -> new DedupEventIds(metrics, hours < 0 ? -1 : hours * 3_600_000L),
        BY_EVENT_ID_SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENT_ID_STORE),
        Serdes.String(), Serdes.ByteArray()), DEDUP);
    topology.addSink(REQUESTS_SINK, t.requests(), new ByteArraySerializer(), new ByteArraySerializer(), DEDUP);
    topology.addSink(DEAD_LETTER_SINK, t.dlq(), new ByteArraySerializer(), new ByteArraySerializer(),
        PARSE, VALIDATE, CHECK_MODEL, CHECK_IMAGE, SELECT, DEDUP);
    // The global store is rebuilt from the compacted topic itself, so it needs no changelog of its own.
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(POLICY_STORE), Serdes.String(), Serdes.String())
            .withLoggingDisabled(),
        POLICIES_SOURCE, new StringDeserializer(), new StringDeserializer(), t.policies(), UPDATE_POLICIES,
        () -> new UpdatePolicies(metrics, config, restateFrom));
    return topology;
  }
}
