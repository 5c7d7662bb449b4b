package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.policy.PolicyJson;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.camstream.topology.router.RouterRole;
import io.camstream.topology.router.RouterTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code camstream policy} on a real broker: an invalid value is refused before it reaches the topic; invalid
 * records written by other clients (before a router starts and while it runs) never take the last valid override
 * away: the router restates it, so the latest record of the scope, which is what compaction keeps, is the valid
 * value, and a router restarted on empty state has it in force.
 */
@ExtendWith(KafkaFixtureExtension.class)
class PolicyCommandIT {

  private static final String VALID = "{\"confidenceBelow\": 0.3}";

  @Test
  void setValidatesAndTheLastValidOverrideSurvivesInvalidRecordsAndRestarts(KafkaFixture kafka) throws Exception {
    Path models = KafkaFixture.tempDir("models-");
    Files.writeString(models.resolve("cls.yaml"), "id: ppocr-cls\nversion: '2.0'\ntask: classification\n");
    CamstreamConfig config = kafka.config(Map.of(CamstreamConfig.MODELS_DIR_CONFIG, models.toString()));
    String topic = config.topics().policies();

    assertThat(run(config, "policy", "set", "line:L1", VALID).code).isZero();
    Result refused = run(config, "policy", "set", "line:L1", "{\"confidenceBelow\": 3}");
    assertThat(refused.code).isEqualTo(2);
    assertThat(refused.err).contains("confidenceBelow").contains("nothing was written");
    assertThat(run(config, "policy", "set", "lane:L1", VALID).code).isEqualTo(2);
    assertThat(records(kafka, topic)).hasSize(1);

    // another client writes an invalid value while no router runs
    kafka.produce(List.of(raw(topic, "line:L1", "{\"confidenceBelow\": \"low\"}")));
    Result get = run(config, "policy", "get", "line:L1");
    assertThat(get.code).isZero();
    assertThat(get.out.strip()).isEqualTo(VALID);
    assertThat(get.err).contains("invalid and ignored");

    try (RunningRole router = new RouterRole().start(new RoleContext(config, new SimpleMeterRegistry()))) {
      awaitOverride(router, "line:L1", VALID);
      // and one while it runs
      kafka.produce(List.of(raw(topic, "line:L1", "{\"unknownField\": 1}")));
      awaitLatestValid(kafka, topic, "line:L1", 5);
    }
    List<ConsumerRecord<byte[], byte[]>> all = records(kafka, topic);
    // valid, invalid, restated at start, invalid, restated live: the latest record of the scope is the valid value
    assertThat(all).hasSize(5);
    assertThat(value(all.get(2))).isEqualTo(VALID);
    assertThat(value(all.get(4))).isEqualTo(VALID);

    // a restarted router (empty state directory) has the override in force
    Map<String, Object> props = new HashMap<>(config.originals());
    props.put(CamstreamConfig.DATA_DIR_CONFIG, KafkaFixture.tempDir("camstream-it-policy-").toString());
    CamstreamConfig restarted = new CamstreamConfig(props);
    try (RunningRole router = new RouterRole().start(new RoleContext(restarted, new SimpleMeterRegistry()))) {
      awaitOverride(router, "line:L1", VALID);
    }
    assertThat(records(kafka, topic)).as("nothing to restate at this start").hasSize(5);

    assertThat(run(config, "policy", "set", "model:ppocr-cls", "{\"method\": \"gradcampp\"}").code).isZero();
    Result list = run(config, "policy", "list");
    assertThat(list.out.lines().toList()).containsExactly("line:L1 " + VALID,
        "model:ppocr-cls {\"method\": \"gradcampp\"}");
    assertThat(run(config, "policy", "rm", "model:ppocr-cls").code).isZero();
    assertThat(run(config, "policy", "get", "model:ppocr-cls").code).isEqualTo(1);
  }

  private record Result(int code, String out, String err) {}

  private static Result run(CamstreamConfig config, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    config.originals().forEach((k, v) -> all.addAll(List.of("--set", k + "=" + v)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private static ProducerRecord<byte[], byte[]> raw(String topic, String key, String value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  private static List<ConsumerRecord<byte[], byte[]>> records(KafkaFixture kafka, String topic) {
    return kafka.readToEnd(topic);
  }

  private static String value(ConsumerRecord<byte[], byte[]> r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  private static void awaitLatestValid(KafkaFixture kafka, String topic, String key, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      List<ConsumerRecord<byte[], byte[]>> all = records(kafka, topic);
      if (all.size() >= count) {
        ConsumerRecord<byte[], byte[]> last = all.get(all.size() - 1);
        assertThat(new String(last.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        PolicyJson.patch(value(last)); // valid, or this throws
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the router did not restate " + key);
  }

  private static void awaitOverride(RunningRole router, String scope, String value) throws InterruptedException {
    KafkaStreams streams = ((RunningRole.StreamsRunningRole) router).streams();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String v = streams.store(StoreQueryParameters.fromNameAndType(RouterTopology.POLICY_STORE,
            QueryableStoreTypes.<String, String>keyValueStore())).get(scope);
        if (value.equals(v)) {
          return;
        }
      } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
        // not queryable yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("router never had " + scope + " = " + value);
  }
}
