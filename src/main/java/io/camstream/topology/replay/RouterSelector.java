package io.camstream.topology.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.ExplainRequest;
import io.camstream.event.InferenceEvent;
import io.camstream.event.Json;
import io.camstream.event.Schemas;
import io.camstream.policy.ImageAllowList;
import io.camstream.policy.Policy;
import io.camstream.policy.PolicyEvaluator;
import io.camstream.policy.PolicyFile;
import io.camstream.policy.PolicyJson;
import io.camstream.policy.PolicyKeys;
import io.camstream.policy.PolicyPatch;
import io.camstream.policy.PolicyResolver;
import io.camstream.policy.Selection;
import io.camstream.topology.router.ModelCatalog;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's decision outside Kafka Streams, built from the same parts in the same order as the router role:
 * JSON object, {@code inference-event.schema.json}, model in {@code models.dir}, image URI allow-list, then the
 * policy ({@link PolicyResolver} over the policy file and the live overrides) and {@link PolicyEvaluator}.
 *
 * <p>The live overrides are the policies topic read to its end when the selector is made: a replay applies the
 * policy as it is now, not as it was when the events came in (the topic is compacted, so older values are gone).
 * With the policy unchanged, the same events are selected, since the audit sample is seeded by eventId.
 */
public final class RouterSelector implements EventSelector {

  private static final Logger LOG = LoggerFactory.getLogger(RouterSelector.class);

  private final ModelCatalog models;
  private final ImageAllowList images;
  private final PolicyResolver resolver;
  private final Map<String, PolicyPatch> overrides;

  RouterSelector(ModelCatalog models, ImageAllowList images, PolicyResolver resolver,
      Map<String, PolicyPatch> overrides) {
    this.models = models;
    this.images = images;
    this.resolver = resolver;
    this.overrides = Map.copyOf(overrides);
  }

  /** Models from {@code models.dir}, defaults from {@code policy.file}, overrides from the policies topic now. */
  public static RouterSelector fromConfig(CamstreamConfig config) {
    return new RouterSelector(ModelCatalog.scan(config.modelsDir()), new ImageAllowList(config),
        new PolicyResolver(PolicyFile.load(config.policyFile())), currentOverrides(config));
  }

  @Override
  public Optional<byte[]> select(byte[] key, byte[] value) {
    JsonNode node;
    try {
      node = value == null ? null : Json.tree(value);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!(node instanceof ObjectNode obj) || !Schemas.violations(Schemas.INFERENCE_EVENT, obj).isEmpty()) {
      return Optional.empty();
    }
    InferenceEvent event;
    try {
      event = InferenceEvent.of(obj);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!models.knows(event.model().id(), event.model().version())
        || images.violation(event.image().uri()).isPresent()) {
      return Optional.empty();
    }
    Policy policy = resolver.resolve(event.lineId(), event.model().id(), overrides::get);
    Selection s = PolicyEvaluator.evaluate(event, policy);
    if (!s.selected()) {
      return Optional.empty();
    }
    return Optional.of(Json.bytes(new ExplainRequest(event, policy, s.reasons())));
  }

  /** The compacted policies topic read to its end: latest valid value per scope key, tombstones removing. */
  static Map<String, PolicyPatch> currentOverrides(CamstreamConfig config) {
    Map<String, PolicyPatch> out = new HashMap<>();
    Properties p = config.kafkaClientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    String topic = config.topics().policies();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          if (!PolicyKeys.valid(r.key())) {
            continue;
          }
          if (r.value() == null) {
            out.remove(r.key());
            continue;
          }
          try {
            out.put(r.key(), PolicyJson.patch(r.value()));
          } catch (IllegalArgumentException e) {
            // The router ignores it too; the previous value stays.
            LOG.warn("replay ignores policy override {}: {}", r.key(), e.getMessage());
          }
        }
      }
    }
    return out;
  }

}
