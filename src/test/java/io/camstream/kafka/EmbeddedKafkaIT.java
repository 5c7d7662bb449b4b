package io.camstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.config.CamstreamConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaFixtureExtension.class)
class EmbeddedKafkaIT {

  @Test
  void keepsTopicsAndRecordsAcrossARestartInTheSameDirectory() throws Exception {
    Path dir = KafkaFixture.tempDir("camstream-embedded-");
    CamstreamConfig config;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, Duration.ofSeconds(60))) {
      config = CamstreamConfig.defaults().with(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (Admin admin = kafka.admin()) {
        Topics.ensure(admin, config);
        Topics.ensure(admin, config); // idempotent
      }
      KafkaFixture fixture = new KafkaFixture(kafka.bootstrapServers(), "embedded");
      fixture.produce(List.of(new ProducerRecord<>(config.topics().events(), "L1".getBytes(StandardCharsets.UTF_8),
          "{\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8))));
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, Duration.ofSeconds(60))) {
      KafkaFixture fixture = new KafkaFixture(kafka.bootstrapServers(), "embedded");
      List<ConsumerRecord<byte[], byte[]>> read = fixture.read(config.topics().events(), 1);
      assertThat(read).hasSize(1);
      assertThat(new String(read.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"eventId\":\"e1\"}");
      try (Admin admin = kafka.admin()) {
        assertThat(admin.listTopics().names().get()).containsAll(config.topics().all());
      }
    }
  }

  @Test
  void createsThePoliciesTopicCompactedAndTheOthersWithRetention(KafkaFixture kafka) throws Exception {
    CamstreamConfig config = kafka.config(Map.of(CamstreamConfig.TOPIC_PARTITIONS_CONFIG, 3,
        CamstreamConfig.TOPIC_RETENTION_HOURS_CONFIG, 2));
    try (Admin admin = kafka.admin()) {
      Map<String, TopicDescription> d = admin.describeTopics(config.topics().all()).allTopicNames().get();
      assertThat(d.get(config.topics().events()).partitions()).hasSize(3);
      assertThat(d.get(config.topics().policies()).partitions()).hasSize(1);
      ConfigResource policies = new ConfigResource(ConfigResource.Type.TOPIC, config.topics().policies());
      ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, config.topics().events());
      Map<ConfigResource, Config> cfg = admin.describeConfigs(List.of(policies, events)).all().get();
      assertThat(cfg.get(policies).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
      assertThat(cfg.get(events).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("delete");
      assertThat(cfg.get(events).get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("7200000");
    }
  }
}
