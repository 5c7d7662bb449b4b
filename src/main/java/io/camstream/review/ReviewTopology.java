package io.camstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.AttentionSettings;
import io.camstream.attention.AttentionTopology;
import io.camstream.attention.ReviewTimestampExtractor;
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

  private static final Logger LOG = LoggerFactory.getLogger(ReviewTopology.class);

  private ReviewTopology() {}

  /** Builds the topology; {@code feed} is bumped on every stored review or decision. */
  public static Topology build(ReviewSettings settings, AttentionSettings attention, ReviewFeed feed) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(REVIEWS_STORE), Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DECISIONS_STORE), Serdes.String(), Serdes.String()));

    KStream<String, String> reviews = builder.stream(settings.reviewsTopic(),
        Consumed.with(Serdes.String(), Serdes.String())
            .withTimestampExtractor(new ReviewTimestampExtractor())
            .withName("reviews-source"));
    reviews.process(() -> new Indexer(REVIEWS_STORE, false, feed), Named.as("review-index"), REVIEWS_STORE);

    builder.stream(settings.decisionsTopic(), Consumed.with(Serdes.String(), Serdes.String())
            .withName("decisions-source"))
        .process(() -> new Indexer(DECISIONS_STORE, true, feed), Named.as("decision-index"), DECISIONS_STORE);

    AttentionTopology.addTo(builder, reviews, attention);
    return builder.build();
  }

  /** Stores each record by its {@code eventId}; unreadable records are logged with their position and skipped. */
  static final class Indexer implements Processor<String, String, Void, Void> {

    private final String storeName;
    private final boolean firstWins;
    private final ReviewFeed feed;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, String> store;

    Indexer(String storeName, boolean firstWins, ReviewFeed feed) {
      this.storeName = storeName;
      this.firstWins = firstWins;
      this.feed = feed;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, String> record) {
      Optional<JsonNode> json = Json.object(record.value());
      String eventId = json.map(j -> j.path("eventId").asText("")).orElse("");
      if (eventId.isBlank()) {
        // The record stays in its topic for whoever can read it; the UI cannot show it without an eventId.
        LOG.warn("{} skips the record at {}: not a JSON object with an eventId", storeName, position());
        return;
      }
      if (firstWins && store.get(eventId) != null) {
        return;
      }
      store.put(eventId, record.value());
      feed.changed();
    }

    private String position() {
      return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
          .orElse("unknown position");
    }
  }
}
