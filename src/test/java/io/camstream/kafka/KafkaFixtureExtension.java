package io.camstream.kafka;

import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Injects a {@link KafkaFixture} into test constructors and methods: {@code @ExtendWith(KafkaFixtureExtension.class)}
 * and a {@code KafkaFixture kafka} parameter. One broker serves the whole test JVM and stops when the run ends.
 *
 * <p>Where Docker answers, the broker is Testcontainers' {@code apache/kafka} (image from system property
 * {@code camstream.kafka.image}); otherwise the in-process {@link EmbeddedKafka}. System property
 * {@code camstream.kafka.fixture=embedded|container} forces one.
 */
public final class KafkaFixtureExtension implements ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaFixtureExtension.class);
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaFixtureExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaFixture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NS)
        .getOrComputeIfAbsent("broker", k -> start(), Broker.class).fixture;
  }

  private static Broker start() {
    String forced = System.getProperty("camstream.kafka.fixture", "");
    boolean docker = forced.equals("container") || (forced.isEmpty() && dockerAvailable());
    if (docker) {
      String image = System.getProperty("camstream.kafka.image", "apache/kafka:4.4.0");
      KafkaContainer container = new KafkaContainer(DockerImageName.parse(image));
      container.start();
      LOG.info("test broker: Testcontainers {} at {}", image, container.getBootstrapServers());
      return new Broker(new KafkaFixture(container.getBootstrapServers(), "container"), container::stop);
    }
    EmbeddedKafka kafka = EmbeddedKafka.start(KafkaFixture.tempDir("camstream-broker-"), Duration.ofSeconds(60));
    return new Broker(new KafkaFixture(kafka.bootstrapServers(), "embedded"), kafka::close);
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Stops the broker when JUnit closes the root store at the end of the run. */
  private record Broker(KafkaFixture fixture, Runnable stop) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      stop.run();
    }
  }
}
