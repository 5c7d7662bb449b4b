package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.AttentionSampler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  private static final Comparator<JsonNode> NEWEST_FIRST = Comparator
      .comparing((JsonNode r) -> AttentionSampler.eventTime(r).orElse(Long.MIN_VALUE)).reversed()
      .thenComparing(r -> r.path("eventId").asText());

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

  /** Open reviews (no decision yet) that pass the filter, newest event first, at most {@code limit}. */
  public List<JsonNode> open(ReviewFilter filter, int limit) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode r : openReviews()) {
      if (filter.matches(r)) {
        out.add(r);
      }
    }
    out.sort(NEWEST_FIRST);
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /** Distinct lines, models, classes and reasons of the open reviews, sorted, for the queue's filter lists. */
  public Facets facets() {
    Facets f = new Facets(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    for (JsonNode r : openReviews()) {
      f.lines().add(r.path("lineId").asText(""));
      f.models().add(r.path("model").path("id").asText(""));
      f.classes().add(AttentionSampler.classLabel(r));
      f.reasons().addAll(ReviewFilter.reasons(r));
    }
    f.lines().remove("");
    f.models().remove("");
    return f;
  }

  private List<JsonNode> openReviews() {
    List<JsonNode> out = new ArrayList<>();
    ReadOnlyKeyValueStore<String, String> decided = stores.decisions();
    try (KeyValueIterator<String, String> it = stores.reviews().all()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        if (decided.get(kv.key) != null) {
          ledger.remove(kv.key); // the topic has it now; the ledger only bridges the gap
          continue;
        }
        if (!ledger.containsKey(kv.key)) {
          Json.object(kv.value).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  /** Filter choices. */
  public record Facets(TreeSet<String> lines, TreeSet<String> models, TreeSet<String> classes,
      TreeSet<String> reasons) {}
}
