package io.camstream.review.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.review.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the decisions made in {@code [from, to]} (by {@code decidedAt}; the first decision per event, as the review
 * role keeps it) and joins each with its review record: both topics read from the start to their current end with
 * an unsubscribed consumer (no group, no offsets committed). A decision whose review has left the reviews topic is
 * counted, not exported.
 */
public final class DecisionReader {

  /** The joined reviews, and how many decisions in range had no review record. */
  public record Result(List<DecidedReview> reviews, int withoutReview) {}

  private DecisionReader() {}

  public static Result read(Properties kafka, String decisionsTopic, String reviewsTopic, Instant from, Instant to) {
    Map<String, JsonNode> decisions = new HashMap<>();
    for (JsonNode d : readAll(kafka, decisionsTopic)) {
      String id = d.path("eventId").asText("");
      if (id.isEmpty() || decisions.containsKey(id)) {
        continue; // first decision wins
      }
      decisions.put(id, d);
    }
    decisions.values().removeIf(d -> !inRange(d, from, to));
    Map<String, JsonNode> reviews = new HashMap<>();
    for (JsonNode r : readAll(kafka, reviewsTopic)) {
      String id = r.path("eventId").asText("");
      if (decisions.containsKey(id)) {
        reviews.put(id, r); // the latest record of an event, as the review store keeps it
      }
    }
    List<DecidedReview> out = new ArrayList<>();
    int missing = 0;
    for (Map.Entry<String, JsonNode> d : decisions.entrySet()) {
      JsonNode r = reviews.get(d.getKey());
      if (r == null) {
        missing++;
      } else {
        out.add(new DecidedReview(r, d.getValue()));
      }
    }
    out.sort(java.util.Comparator.comparing((DecidedReview r) -> r.decision().path("decidedAt").asText())
        .thenComparing(DecidedReview::eventId));
    return new Result(out, missing);
  }

  private static boolean inRange(JsonNode d, Instant from, Instant to) {
    try {
      Instant t = Instant.parse(d.path("decidedAt").asText());
      return !t.isBefore(from) && !t.isAfter(to);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static List<JsonNode> readAll(Properties kafka, String topic) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      Set<TopicPartition> open = new HashSet<>(parts);
      open.removeIf(tp -> c.position(tp, Duration.ofSeconds(30)) >= end.get(tp));
      while (!open.isEmpty()) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          Json.object(r.value()).ifPresent(out::add);
        }
        open.removeIf(tp -> c.position(tp, Duration.ofSeconds(30)) >= end.get(tp));
      }
    }
    return out;
  }
}
