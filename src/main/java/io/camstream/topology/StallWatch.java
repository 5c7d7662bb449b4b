package io.camstream.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Streams role as /health should see it: besides the Kafka Streams state, a stuck partition makes it unhealthy.
 * A partition of this instance is stuck when records wait on it (its end offset is past the group's committed
 * offset) and the committed offset has not moved for {@code health.stall.seconds}: what a poison record does when a
 * stream thread fails on it, is replaced and fails again, while the instance itself stays RUNNING.
 *
 * <p>Offsets come from the broker (the group's committed offsets and the read_committed end offsets), sampled at
 * most every {@link #SAMPLE_EVERY} when /health asks; the partitions are the local active tasks' input partitions
 * (the last non-empty set, since a failing thread briefly owns none).
 */
public final class StallWatch implements RunningRole.OnStreams {

  static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

  private final RunningRole.OnStreams role;
  private final String groupId;
  private final Properties adminProps;
  private final long stallNanos;
  private final LongSupplier clock;
  private final Map<TopicPartition, Progress> progress = new HashMap<>();
  private Set<TopicPartition> partitions = Set.of();
  private Admin admin;
  private long lastSample = Long.MIN_VALUE;
  private List<String> stuck = List.of();

  StallWatch(RunningRole.OnStreams role, String groupId, Properties adminProps, Duration stall, LongSupplier clock) {
    this.role = role;
    this.groupId = groupId;
    this.adminProps = adminProps;
    this.stallNanos = stall.toNanos();
    this.clock = clock;
  }

  /**
   * The role watched for stuck partitions, or the role itself when it is not a Streams role or {@code stall} is
   * zero.
   */
  public static RunningRole watch(RunningRole role, String groupId, Properties adminProps, Duration stall) {
    if (!(role instanceof RunningRole.OnStreams s) || stall.isZero() || groupId == null) {
      return role;
    }
    return new StallWatch(s, groupId, adminProps, stall, System::nanoTime);
  }

  @Override
  public String name() {
    return role.name();
  }

  @Override
  public KafkaStreams streams() {
    return role.streams();
  }

  @Override
  public synchronized String state() {
    List<String> s = stuckPartitions();
    return s.isEmpty() ? role.state() : role.state() + ", stuck: " + String.join(", ", s);
  }

  @Override
  public boolean healthy() {
    return role.healthy() && stuckPartitions().isEmpty();
  }

  /** The stuck partitions as {@code topic-partition (committed N, end M, T s)}; empty when none. */
  public synchronized List<String> stuckPartitions() {
    long now = clock.getAsLong();
    if (now - lastSample >= SAMPLE_EVERY.toNanos() || lastSample == Long.MIN_VALUE) {
      lastSample = now;
      try {
        sample(now);
      } catch (Exception e) {
        // The broker unreachable says nothing about this role's partitions; the last answer stands.
        LOG.debug("stall check of {} could not read offsets: {}", groupId, e.toString());
      }
    }
    return stuck;
  }

  private void sample(long now) throws Exception {
    Set<TopicPartition> local = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
    KafkaStreams streams = role.streams();
    for (ThreadMetadata t : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : t.activeTasks()) {
        local.addAll(task.topicPartitions());
      }
    }
    if (!local.isEmpty()) {
      partitions = local;
    }
    if (partitions.isEmpty()) {
      stuck = List.of();
      return;
    }
    if (admin == null) {
      admin = Admin.create(adminProps);
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
        .get(10, TimeUnit.SECONDS);
    List<String> out = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata c = committed.get(tp);
      long at = c == null ? -1 : c.offset();
      long end = ends.containsKey(tp) ? ends.get(tp).offset() : -1;
      Progress p = progress.get(tp);
      if (p == null || p.committed != at) {
        p = new Progress(at, now);
        progress.put(tp, p);
      }
      boolean waiting = end > Math.max(at, 0);
      if (waiting && now - p.since >= stallNanos) {
        out.add(tp.topic() + "-" + tp.partition() + " (committed " + at + ", end " + end + ", "
            + TimeUnit.NANOSECONDS.toSeconds(now - p.since) + " s)");
      }
    }
    if (!out.isEmpty() && !out.equals(stuck)) {
      LOG.error("role {}: stuck partitions {}", role.name(), out);
    }
    stuck = List.copyOf(out);
  }

  @Override
  public void close() {
    role.close();
    synchronized (this) {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }
  }

  private record Progress(long committed, long since) {}
}
