package io.camstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /health and a stuck partition, on a real broker: a record that fails its stream thread every time (the thread is
 * replaced and re-reads it) leaves the instance RUNNING, and the stall watch reports the partition as stuck.
 */
@ExtendWith(KafkaFixtureExtension.class)
class StallWatchIT {

  @Test
  void aPoisonRecordThatKillsEveryThreadMakesTheRoleUnhealthy(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config();
    String topic = config.topics().events();
    String app = config.routerApplicationId();
    Topology t = new Topology();
    t.addSource("in", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), topic);
    t.addProcessor("fail-on-poison", FailOnPoison::new, "in");
    RunningRole.OnStreams role = (RunningRole.OnStreams) RunningRole.streams("router", t,
        config.streamsProperties(app), new SimpleMeterRegistry());
    try (StallWatch watched = new StallWatch(role, app, config.kafkaClientProperties(), Duration.ofSeconds(2),
        System::nanoTime)) {
      kafka.produce(List.of(rec(topic, "ok-1"), rec(topic, "ok-2")));
      kafka.awaitConsumed(app, topic, Duration.ofSeconds(90));
      // Caught up: nothing waits, so nothing is stuck however long it stays that way.
      assertThat(watched.stuckPartitions()).isEmpty();

      kafka.produce(List.of(rec(topic, "poison"), rec(topic, "ok-3")));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (watched.healthy() && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      assertThat(watched.healthy()).isFalse();
      assertThat(watched.stuckPartitions()).singleElement().asString().startsWith(topic + "-0 (committed 2, end 4");
      assertThat(watched.state()).contains("stuck: " + topic + "-0");
      // The Streams state alone would have said all is well.
      assertThat(role.healthy()).isTrue();
    }
  }

  /** Throws on the value "poison", as a bug would on a record it cannot handle. */
  private static final class FailOnPoison implements Processor<byte[], byte[], Void, Void> {
    @Override
    public void process(Record<byte[], byte[]> r) {
      if (Arrays.equals(r.value(), "poison".getBytes(StandardCharsets.UTF_8))) {
        throw new IllegalStateException("poison");
      }
    }
  }

  private static ProducerRecord<byte[], byte[]> rec(String topic, String value) {
    return new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8));
  }
}
