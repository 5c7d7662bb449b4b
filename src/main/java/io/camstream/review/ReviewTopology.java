package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.AttentionSettings;
import io.camstream.attention.AttentionTopology;
import io.camstream.attention.ReviewTimestampExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review role's Streams topology: review records into the {@value #REVIEWS_STORE} store (key eventId, whatever
 * the record key), decisions into the {@value #DECISIONS_STORE} store (first decision per event wins), and the
 * attention statistics on the same review stream.
 */
public final class ReviewTopology {

  /** Review record JSON by eventId. */
  public static final String REVIEWS_STORE = "review-records";
  /** Decision JSON by eventId. */
  public static final String DECISIONS_STORE = "review-decisions";
  /** Open reviews by time: see {@link OpenIndex}. */
  public static final String OPEN_STORE = "review-open";
  /** Counts of open reviews per facet value: see {@link OpenIndex}. */
  public static final String FACETS_STORE = "review-facets";
  private static final String[] ALL_STORES = {REVIEWS_STORE, DECISIONS_STORE, OPEN_STORE, FACETS_STORE};

  /**
   * How long the stores keep what they hold, matching the topics and the artifacts: a review or decision older
   * than {@code topics} is deleted (the topic no longer has it either); an open review older than {@code
   * artifacts} leaves the queue, as its pictures are gone, and its page says so. Null: forever.
   *
   * @param topics retention of the reviews and decisions topics
   * @param artifacts retention of overlays and heat maps
   * @param every how often the stores are swept (wall-clock time)
   */
  public record Retention(java.time.Duration topics, java.time.Duration artifacts, java.time.Duration every) {
    /** Keeps everything. */
    public static final Retention FOREVER = new Retention(null, null, java.time.Duration.ofHours(1));

    /** From {@code topic.retention.hours} and {@code artifacts.retention.hours} (-1: forever). */
    public static Retention from(io.camstream.config.CamstreamConfig c) {
      long t = c.getLong(io.camstream.config.CamstreamConfig.TOPIC_RETENTION_HOURS_CONFIG);
      long a = c.artifactsRetentionHours();
      return new Retention(t < 0 ? null : java.time.Duration.ofHours(t), a < 0 ? null : java.time.Duration.ofHours(a),
          java.time.Duration.ofMinutes(10));
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ReviewTopology.class);

  private ReviewTopology() {}

  /** Builds the topology keeping everything; {@code feed} is bumped on every stored review or decision. */
  public static Topology build(ReviewSettings settings, AttentionSettings attention, ReviewFeed feed) {
    return build(settings, attention, feed, Retention.FOREVER);
  }

  /**
   * Builds the topology. Reviews and decisions are keyed by eventId on equally partitioned topics, so one task
   * sees an event's review and decision and can keep the open index exact.
   */
  public static Topology build(ReviewSettings settings, AttentionSettings attention, ReviewFeed feed,
      Retention retention) {
    StreamsBuilder builder = new StreamsBuilder();
    for (String store : ALL_STORES) {
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.String()));
    }

    KStream<String, String> reviews = builder.stream(settings.reviewsTopic(),
        Consumed.with(Serdes.String(), Serdes.String())
            .withTimestampExtractor(new ReviewTimestampExtractor())
            .withName("reviews-source"));
    reviews.process(() -> new Indexer(false, feed, retention), Named.as("review-index"), ALL_STORES);

    builder.stream(settings.decisionsTopic(), Consumed.with(Serdes.String(), Serdes.String())
            .withName("decisions-source"))
        .process(() -> new Indexer(true, feed, retention), Named.as("decision-index"), ALL_STORES);

    AttentionTopology.addTo(builder, reviews, attention);
    return builder.build();
  }

  /**
   * Stores each record by its {@code eventId} and keeps the open index; unreadable records are logged with their
   * position and skipped. The review side also sweeps the stores by retention.
   */
  static final class Indexer implements Processor<String, String, Void, Void> {

    private final boolean decisions;
    private final ReviewFeed feed;
    private final Retention retention;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, String> reviews;
    private KeyValueStore<String, String> decided;
    private KeyValueStore<String, String> open;
    private KeyValueStore<String, String> facets;

    Indexer(boolean decisions, ReviewFeed feed, Retention retention) {
      this.decisions = decisions;
      this.feed = feed;
      this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.reviews = context.getStateStore(REVIEWS_STORE);
      this.decided = context.getStateStore(DECISIONS_STORE);
      this.open = context.getStateStore(OPEN_STORE);
      this.facets = context.getStateStore(FACETS_STORE);
      if (!decisions && (retention.topics() != null || retention.artifacts() != null)) {
        context.schedule(retention.every(), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
            this::sweep);
      }
    }

    @Override
    public void process(Record<String, String> record) {
      Optional<JsonNode> json = Json.object(record.value());
      String eventId = json.map(j -> j.path("eventId").asText("")).orElse("");
      if (eventId.isBlank()) {
        // The record stays in its topic for whoever can read it; the UI cannot show it without an eventId.
        LOG.warn("{} skips the record at {}: not a JSON object with an eventId",
            decisions ? DECISIONS_STORE : REVIEWS_STORE, position());
        return;
      }
      Optional<JsonNode> review = Json.object(reviews.get(eventId));
      if (decisions) {
        if (decided.get(eventId) != null) {
          return; // the first decision wins
        }
        decided.put(eventId, record.value());
        review.ifPresent(r -> OpenIndex.remove(open, facets, r));
      } else {
        // a replayed or corrected record replaces the earlier one, also in the index
        review.ifPresent(r -> OpenIndex.remove(open, facets, r));
        reviews.put(eventId, record.value());
        if (decided.get(eventId) == null && !expired(json.get(), System.currentTimeMillis())) {
          OpenIndex.add(open, facets, json.get());
        }
      }
      feed.changed();
    }

    private boolean expired(JsonNode review, long now) {
      long t = io.camstream.attention.AttentionSampler.eventTime(review).orElse(now);
      return retention.artifacts() != null && t < now - retention.artifacts().toMillis();
    }

    /**
     * Open reviews past artifact retention leave the index (their pictures are deleted); reviews and decisions
     * past topic retention leave the stores. Time is the event time, as the index is keyed; decisions by the
     * time they were made.
     */
    private void sweep(long now) {
      int closed = 0;
      int dropped = 0;
      if (retention.artifacts() != null) {
        String to = String.format("%015d/", Math.max(0, now - retention.artifacts().toMillis()));
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, String> it = open.range(null, to)) {
          it.forEachRemaining(kv -> old.add(OpenIndex.eventId(kv.key)));
        }
        for (String id : old) {
          Json.object(reviews.get(id)).ifPresent(r -> OpenIndex.remove(open, facets, r));
          closed++;
        }
      }
      if (retention.topics() != null) {
        long cutoff = now - retention.topics().toMillis();
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, String> it = reviews.all()) {
          it.forEachRemaining(kv -> Json.object(kv.value).ifPresent(r -> {
            if (io.camstream.attention.AttentionSampler.eventTime(r).orElse(now) < cutoff) {
              gone.add(kv.key);
            }
          }));
        }
        for (String id : gone) {
          Json.object(reviews.delete(id)).ifPresent(r -> OpenIndex.remove(open, facets, r));
          dropped++;
        }
        List<String> oldDecisions = new ArrayList<>();
        try (KeyValueIterator<String, String> it = decided.all()) {
          it.forEachRemaining(kv -> Json.object(kv.value).ifPresent(d -> {
            try {
              if (java.time.Instant.parse(d.path("decidedAt").asText()).toEpochMilli() < cutoff) {
                oldDecisions.add(kv.key);
              }
            } catch (java.time.format.DateTimeParseException e) {
              // a decision without a readable time stays until its review is gone
            }
          }));
        }
        oldDecisions.forEach(decided::delete);
        dropped += oldDecisions.size();
      }
      if (closed + dropped > 0) {
        LOG.info("review retention: {} open reviews past artifact retention left the queue, {} records past topic"
            + " retention dropped", closed, dropped);
        feed.changed();
      }
    }

    private String position() {
      return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
          .orElse("unknown position");
    }
  }
}
