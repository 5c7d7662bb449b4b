package io.camstream.topology.explainer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a Streams application has committed every record of its input topic. Under exactly-once the
 * offsets commit in the same transaction as the outputs, so from then on every output is readable by a
 * read_committed consumer: a deterministic "done" signal instead of a sleep.
 */
final class GroupProgress {

  private GroupProgress() {}

  static boolean awaitCaughtUp(Admin admin, String groupId, String topic, Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (caughtUp(admin, groupId, topic)) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  static boolean caughtUp(Admin admin, String groupId, String topic) throws Exception {
    var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(topic).partitions();
    Map<TopicPartition, OffsetSpec> latest = partitions.stream()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      long pos = c == null ? 0 : c.offset();
      if (pos < e.getValue().offset()) {
        return false;
      }
    }
    return true;
  }
}
