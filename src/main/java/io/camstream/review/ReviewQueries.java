package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads reviews and decisions from the stores. Decisions this process published but the stream has not yet stored
 * are held in a small in-memory ledger, so a review leaves the queue and a repeated POST is recognised at once.
 */
public final class ReviewQueries {

  static final int MAX_SCAN = 20_000;

  private final ReviewStores stores;
  private final Map<String, JsonNode> ledger = new ConcurrentHashMap<>();

  public ReviewQueries(ReviewStores stores) {
    this.stores = stores;
  }

  /** The stores this reads. */
  public ReviewStores stores() {
    return stores;
  }

  /** The review record with this eventId. */
  public Optional<JsonNode> review(String eventId) {
    return Json.object(stores.reviews().get(eventId));
  }

  /** The decision on this event: the stored one, else one this process has just published. */
  public Optional<JsonNode> decision(String eventId) {
    Optional<JsonNode> stored = Json.object(stores.decisions().get(eventId));
    if (stored.isPresent()) {
      ledger.remove(eventId);
      return stored;
    }
    return Optional.ofNullable(ledger.get(eventId));
  }

  /**
   * Remembers a decision this process is about to publish; returns the decision already known for the event (and
   * records nothing) when there is one. Atomic per event, so two concurrent POSTs cannot both publish.
   */
  Optional<JsonNode> claim(String eventId, JsonNode decision) {
    Optional<JsonNode> stored = Json.object(stores.decisions().get(eventId));
    if (stored.isPresent()) {
      return stored;
    }
    return Optional.ofNullable(ledger.putIfAbsent(eventId, decision));
  }

  /** Forgets a claim whose publication failed, so the reviewer can try again. */
  void release(String eventId, JsonNode decision) {
    ledger.remove(eventId, decision);
  }

  /** One page of the queue: summaries newest first, and the cursor of the next page (null at the end). */
  public record Page(List<JsonNode> items, String nextCursor) {}

  /**
   * Open reviews (no decision yet) that pass the filter, newest event first, at most {@code limit}, starting
   * after {@code cursor} (an index key from the previous page; null for the first page). A reverse range scan of
   * the index, merged across partitions: the cost is the entries looked at, not the size of the store. A filter
   * that matches little stops after {@value #MAX_SCAN} entries and hands back a cursor to go on from.
   */
  public Page page(ReviewFilter filter, int limit, String cursor) {
    ledger.keySet().removeIf(id -> stores.decisions().get(id) != null); // the topic has them now
    List<KeyValueIterator<String, String>> its = new ArrayList<>();
    try {
      PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::key).reversed());
      for (ReadOnlyKeyValueStore<String, String> store : stores.openIndex()) {
        KeyValueIterator<String, String> it = cursor == null ? store.reverseAll() : store.reverseRange(null, cursor);
        its.add(it);
        Head.next(it).ifPresent(heads::add);
      }
      List<JsonNode> out = new ArrayList<>();
      int scanned = 0;
      String last = null;
      while (!heads.isEmpty() && out.size() < limit && scanned < MAX_SCAN) {
        Head h = heads.poll();
        Head.next(h.it()).ifPresent(heads::add);
        if (h.key().equals(cursor)) {
          continue; // the range is inclusive; the cursor's entry was on the previous page
        }
        scanned++;
        last = h.key();
        String eventId = OpenIndex.eventId(h.key());
        if (ledger.containsKey(eventId)) {
          continue; // decided here, not yet back from the topic
        }
        Json.object(h.value()).filter(filter::matches).ifPresent(out::add);
      }
      return new Page(out, heads.isEmpty() ? null : last);
    } finally {
      its.forEach(KeyValueIterator::close);
    }
  }

  /** The queue's first page. */
  public List<JsonNode> open(ReviewFilter filter, int limit) {
    return page(filter, limit, null).items();
  }

  /** Distinct lines, models, classes and reasons of the open reviews, sorted, for the queue's filter lists. */
  public Facets facets() {
    Facets f = new Facets(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    try (KeyValueIterator<String, String> it = stores.facets().all()) {
      it.forEachRemaining(kv -> OpenIndex.facet(kv.key).ifPresent(kindValue -> {
        switch (kindValue[0]) {
          case "line" -> f.lines().add(kindValue[1]);
          case "model" -> f.models().add(kindValue[1]);
          case "class" -> f.classes().add(kindValue[1]);
          case "reason" -> f.reasons().add(kindValue[1]);
          default -> { }
        }
      }));
    }
    return f;
  }

  /** Open reviews in the index, over all partitions. */
  public long openCount() {
    long n = 0;
    try (KeyValueIterator<String, String> it = stores.facets().prefixScan(OpenIndex.TOTAL,
        new org.apache.kafka.common.serialization.StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        if (kv.key.equals(OpenIndex.TOTAL)) {
          n += Long.parseLong(kv.value);
        }
      }
    }
    return n;
  }

  /** True when the review is in the open index (not decided, not past artifact retention). */
  public boolean isOpen(JsonNode review) {
    String key = OpenIndex.key(review);
    for (ReadOnlyKeyValueStore<String, String> store : stores.openIndex()) {
      if (store.get(key) != null) {
        return true;
      }
    }
    return false;
  }

  private record Head(String key, String value, KeyValueIterator<String, String> it) {
    static Optional<Head> next(KeyValueIterator<String, String> it) {
      if (!it.hasNext()) {
        return Optional.empty();
      }
      KeyValue<String, String> kv = it.next();
      return Optional.of(new Head(kv.key, kv.value, it));
    }
  }

  /** Filter choices. */
  public record Facets(TreeSet<String> lines, TreeSet<String> models, TreeSet<String> classes,
      TreeSet<String> reasons) {}
}
