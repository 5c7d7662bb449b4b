package io.camstream.attention;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attention statistics as a Streams sub-topology on the review stream: each review's grid is resampled to the
 * fixed grid, grouped by model, line and class, and summed in tumbling event-time windows of each configured size
 * (queryable stores {@code attention-hourly}, {@code attention-daily} for the atlas). When a window closes (its
 * end plus grace has passed, on stream time moved on by the wall clock: {@link WindowCloser}) its final aggregate
 * goes to {@link AttentionAlerts}, which publishes at most one alert per window and kind.
 */
public final class AttentionTopology {

  private static final Logger LOG = LoggerFactory.getLogger(AttentionTopology.class);

  /** How often open windows are checked against the clock. */
  static final Duration CLOSE_TICK = Duration.ofSeconds(1);

  private AttentionTopology() {}

  /**
   * Adds the statistics to {@code builder}, fed by {@code reviews} (review record JSON, any key, timestamps in event
   * time).
   */
  public static void addTo(StreamsBuilder builder, KStream<String, String> reviews, AttentionSettings s) {
    JsonSerde<AttentionSample> sampleSerde = new JsonSerde<>(AttentionSample.class);
    JsonSerde<AttentionWindow> windowSerde = new JsonSerde<>(AttentionWindow.class);
    AttentionSampler sampler = new AttentionSampler(s.gridWidth(), s.gridHeight());

    KGroupedStream<String, AttentionSample> grouped = reviews
        .process(() -> new SampleProcessor(sampler), Named.as("attention-sample"))
        .groupByKey(Grouped.with("attention-samples", Serdes.String(), sampleSerde));

    for (AttentionSettings.WindowSize ws : s.windows()) {
      if (ws.retention().compareTo(ws.size().plus(s.grace())) < 0) {
        throw new IllegalArgumentException(
            "retention of the " + ws.name() + " attention windows must cover their size plus grace");
      }
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(ws.lastStoreName()), Serdes.String(),
          new JsonSerde<>(AttentionAlerts.LastWindow.class)));
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(ws.openStoreName()), Serdes.String(), windowSerde));
      grouped
          .windowedBy(TimeWindows.ofSizeAndGrace(ws.size(), s.grace()))
          .aggregate(
              () -> AttentionWindow.empty(s.gridWidth(), s.gridHeight()),
              (key, sample, acc) -> acc.plus(sample),
              Named.as("attention-" + ws.name() + "-aggregate"),
              Materialized.<String, AttentionWindow, WindowStore<Bytes, byte[]>>as(ws.storeName())
                  .withKeySerde(Serdes.String())
                  .withValueSerde(windowSerde)
                  .withRetention(ws.retention()))
          .toStream(Named.as("attention-" + ws.name() + "-updates"))
          // closes windows on stream time moved on by the wall clock, so a quiet line's last window closes too
          .process(() -> new WindowCloser(ws.openStoreName(), s.grace(), CLOSE_TICK),
              Named.as("attention-" + ws.name() + "-final"), ws.openStoreName())
          .process(() -> new AttentionAlerts(ws, s), Named.as("attention-" + ws.name() + "-alerts"),
              ws.lastStoreName())
          .to(s.alertsTopic(), Produced.with(Serdes.String(), Serdes.String())
              .withName("attention-" + ws.name() + "-alerts-sink"));
    }
  }

  /** Review JSON to (encoded key, sample); records it cannot use are logged with their position and skipped. */
  static final class SampleProcessor implements Processor<String, String, String, AttentionSample> {

    private final AttentionSampler sampler;
    private ProcessorContext<String, AttentionSample> context;

    SampleProcessor(AttentionSampler sampler) {
      this.sampler = sampler;
    }

    @Override
    public void init(ProcessorContext<String, AttentionSample> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
      if (record.value() == null) {
        return;
      }
      try {
        JsonNode review = JsonSerde.MAPPER.readTree(record.value());
        AttentionKey key = AttentionSampler.key(review);
        Optional<AttentionSample> sample = sampler.sample(review, record.timestamp());
        sample.ifPresent(x -> context.forward(record.withKey(key.encode()).withValue(x)));
      } catch (IOException | IllegalArgumentException e) {
        // The review stays in its topic and in the review queue; only the statistics skip it.
        LOG.warn("attention statistics skip the review at {}: {}", position(), e.getMessage());
      }
    }

    private String position() {
      return context.recordMetadata()
          .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
          .orElse("unknown position");
    }
  }
}
