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
 * The offsets of a topic that hold a time range: per partition, from the first record at or after {@code from} to
 * the first record after {@code to} (exclusive), looked up with {@code offsetsForTimes}.
 */
record ReplayRange(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {

  static ReplayRange of(Consumer<?, ?> consumer, String topic, Instant from, Instant to) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    Map<TopicPartition, Long> fromTimes = new HashMap<>();
    Map<TopicPartition, Long> toTimes = new HashMap<>();
    for (PartitionInfo info : infos) {
      TopicPartition tp = new TopicPartition(topic, info.partition());
      fromTimes.put(tp, from.toEpochMilli());
      toTimes.put(tp, to.toEpochMilli() + 1);
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(fromTimes.keySet());
    Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(fromTimes);
    Map<TopicPartition, OffsetAndTimestamp> stops = consumer.offsetsForTimes(toTimes);
    Map<TopicPartition, Long> start = new HashMap<>();
    Map<TopicPartition, Long> end = new HashMap<>();
    for (TopicPartition tp : fromTimes.keySet()) {
      // null: no record at or after that time, so the range reaches the end of the partition.
      long s = starts.get(tp) == null ? ends.get(tp) : starts.get(tp).offset();
      long e = stops.get(tp) == null ? ends.get(tp) : stops.get(tp).offset();
      start.put(tp, s);
      end.put(tp, Math.max(s, e));
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
