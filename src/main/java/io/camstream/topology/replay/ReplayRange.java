package io.camstream.topology.replay;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of a topic that can hold a time range: per partition, from the first record at or after {@code from}
 * (looked up with {@code offsetsForTimes}) to the partition's end. The end is not the first record after {@code to}:
 * records are written in drain order, not strictly in event-time order (a held or retried request is reviewed after
 * later ones), so an in-range record can follow an out-of-range one. Callers filter records by timestamp.
 */
record ReplayRange(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {

  static ReplayRange of(Consumer<?, ?> consumer, String topic, Instant from) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    Map<TopicPartition, Long> fromTimes = new HashMap<>();
    for (PartitionInfo info : infos) {
      TopicPartition tp = new TopicPartition(topic, info.partition());
      fromTimes.put(tp, from.toEpochMilli());
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(fromTimes.keySet());
    Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(fromTimes);
    Map<TopicPartition, Long> start = new HashMap<>();
    Map<TopicPartition, Long> end = new HashMap<>();
    for (TopicPartition tp : fromTimes.keySet()) {
      // null: no record at or after that time, so the range reaches the end of the partition.
      long s = starts.get(tp) == null ? ends.get(tp) : starts.get(tp).offset();
      start.put(tp, s);
      end.put(tp, Math.max(s, ends.get(tp)));
    }
    return new ReplayRange(Map.copyOf(start), Map.copyOf(end));
  }

  long total() {
    long n = 0;
    for (var e : start.entrySet()) {
      n += end.get(e.getKey()) - e.getValue();
    }
    return n;
  }
}
