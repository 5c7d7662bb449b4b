package io.camstream.kafka;

import io.camstream.config.CamstreamConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates camstream's topics: the policies topic compacted (every key's latest policy is kept forever), the rest
 * deleted after {@code topic.retention.hours}. Idempotent: existing topics are left as they are.
 */
public final class Topics {

  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

  /**
   * The most any record camstream itself writes may take (explain requests, reviews, dead letters, decisions,
   * alerts): the broker's default {@code message.max.bytes}, so they also pass on topics camstream did not create.
   * Writers keep below it (a large event's request carries a reference, a dead letter a cut payload); topics get
   * {@code max.message.bytes} and Streams producers {@code max.request.size} of exactly this.
   */
  public static final int OWN_RECORD_MAX_BYTES = 1024 * 1024;

  private Topics() {}

  /** {@code max.message.bytes} of the events topic: {@code event.max.bytes} plus room for the batch header. */
  public static int eventsMaxMessageBytes(CamstreamConfig config) {
    return config.eventMaxBytes() + CamstreamConfig.EVENT_OVERHEAD_BYTES;
  }

  /** The topics this config names, with their partitions and retention or compaction settings. */
  public static List<NewTopic> definitions(CamstreamConfig config) {
    CamstreamConfig.TopicNames t = config.topics();
    int partitions = config.topicPartitions();
    short rf = config.topicReplicationFactor();
    long hours = config.topicRetentionHours();
    String own = String.valueOf(OWN_RECORD_MAX_BYTES);
    Map<String, String> retained = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(hours < 0 ? -1 : hours * 3_600_000L),
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, own);
    Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, own);
    Map<String, String> events = new HashMap<>(retained);
    // Lines write events up to event.max.bytes (a data: image); the router turns them into small records.
    events.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(eventsMaxMessageBytes(config)));
    List<NewTopic> out = new ArrayList<>();
    for (String name : t.all()) {
      // Policies are few and read whole by every router instance: one partition keeps them in one ordered log.
      boolean policies = name.equals(t.policies());
      Map<String, String> configs = policies ? compacted : name.equals(t.events()) ? events : retained;
      out.add(new NewTopic(name, policies ? 1 : partitions, rf).configs(configs));
    }
    out.add(new NewTopic(requestsByEventId(config), partitions, rf).configs(retained));
    return out;
  }

  /**
   * The router's own topic of selected events keyed by eventId (named after the requests topic): it brings every
   * send of an event id to the same duplicate check.
   */
  public static String requestsByEventId(CamstreamConfig config) {
    return config.topics().requests() + ".by-event-id";
  }

  /** Creates any missing topic of this config and waits for the broker to confirm. */
  public static void ensure(Admin admin, CamstreamConfig config) {
    ensure(admin, definitions(config));
  }

  /** Creates any missing topic of the list and waits for the broker to confirm. */
  public static void ensure(Admin admin, List<NewTopic> topics) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Map<String, NewTopic> missing = new HashMap<>();
      for (NewTopic t : topics) {
        if (!existing.contains(t.name())) {
          missing.put(t.name(), t);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      for (var e : admin.createTopics(missing.values()).values().entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
          LOG.info("created topic {}", e.getKey());
        } catch (ExecutionException ex) {
          // Another instance may have created it between our list and create calls; that is fine.
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw ex;
          }
        }
      }
      awaitOnline(admin, missing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the leader of every partition of the new topics answers a ListOffsets request. createTopics returns
   * once the controller has the topic, before the leader has the partition online; an idempotent producer that
   * sends in that gap gets NOT_LEADER_OR_FOLLOWER for its first batch while later batches land, and then retries
   * the first one forever with OUT_OF_ORDER_SEQUENCE_NUMBER. Seen here on a loaded 2-core machine.
   */
  private static void awaitOnline(Admin admin, Map<String, NewTopic> created)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (NewTopic t : created.values()) {
      for (int p = 0; p < t.numPartitions(); p++) {
        latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
