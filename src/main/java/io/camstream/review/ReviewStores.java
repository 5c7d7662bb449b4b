package io.camstream.review;

import io.camstream.attention.AttentionWindow;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The queryable state the web server reads: a running Kafka Streams instance in production, a
 * TopologyTestDriver in tests. Every method may throw {@link org.apache.kafka.streams.errors.InvalidStateStoreException}
 * while the stores are being restored or rebalanced; the API answers 503 then.
 */
public interface ReviewStores {

  /** Review record JSON by eventId. */
  ReadOnlyKeyValueStore<String, String> reviews();

  /** Decision record JSON by eventId (the first decision for an event). */
  ReadOnlyKeyValueStore<String, String> decisions();

  /**
   * The open-review index ({@link OpenIndex}), one store per local partition: each is in key (time) order, and
   * the queue merges them.
   */
  java.util.List<ReadOnlyKeyValueStore<String, String>> openIndex();

  /** Open-review counts per facet value ({@link OpenIndex}), summed over partitions by the reader. */
  ReadOnlyKeyValueStore<String, String> facets();

  /** Attention aggregates of one window size (hourly, daily) by encoded key and window start. */
  ReadOnlyWindowStore<String, AttentionWindow> attention(String windowName);
}
