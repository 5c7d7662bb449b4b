package io.camstream.topology;

import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.EmbeddedKafka;
import io.camstream.kafka.Topics;
import io.camstream.metrics.Meters;
import io.camstream.metrics.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code camstream run} does, as a value: the embedded broker when no bootstrap servers are configured, the
 * topics, the metrics/health server and the chosen roles; {@link #close()} stops them in reverse order.
 */
public final class Runner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

  private final CamstreamConfig config;
  private final EmbeddedKafka broker;
  private final OpsServer ops;
  private final PrometheusMeterRegistry meters;
  private final List<RunningRole> roles;

  private Runner(CamstreamConfig config, EmbeddedKafka broker, OpsServer ops, PrometheusMeterRegistry meters,
      List<RunningRole> roles) {
    this.config = config;
    this.broker = broker;
    this.ops = ops;
    this.meters = meters;
    this.roles = roles;
  }

  /**
   * The roles a {@code --role} value names: one name, a comma list, or {@code all}. Unknown names get an
   * {@link IllegalArgumentException} listing the known roles.
   */
  public static List<Role> select(String spec) {
    Set<Role> out = new LinkedHashSet<>();
    for (String name : spec.split(",")) {
      String n = name.trim();
      if (n.equals("all")) {
        out.addAll(Roles.all().values());
      } else {
        out.add(Roles.get(n));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no role given; known roles: " + String.join(", ", Roles.all().keySet())
          + ", all");
    }
    return List.copyOf(out);
  }

  /** Starts everything; on failure, stops what was started and rethrows. */
  public static Runner start(CamstreamConfig config, List<Role> chosen) throws Exception {
    EmbeddedKafka broker = null;
    OpsServer ops = null;
    List<RunningRole> running = new ArrayList<>();
    try {
      if (config.embeddedBroker()) {
        broker = EmbeddedKafka.start(config.dataDir().resolve("kafka"), Duration.ofSeconds(120));
        config = config.with(CamstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      }
      try (Admin admin = Admin.create(config.kafkaClientProperties())) {
        Topics.ensure(admin, config);
      }
      PrometheusMeterRegistry meters = Meters.prometheus();
      if (config.metricsPort() >= 0) {
        ops = OpsServer.start(config.metricsPort(), meters);
      }
      RoleContext context = new RoleContext(config, meters);
      for (Role role : chosen) {
        // /health also reflects a stuck input partition, not only the Streams state (StallWatch).
        RunningRole r = StallWatch.watch(role.start(context), groupId(config, role.name()),
            config.kafkaClientProperties(), config.healthStall());
        running.add(r);
        if (ops != null) {
          ops.watch(r);
        }
        LOG.info("role {} started", role.name());
      }
      return new Runner(config, broker, ops, meters, running);
    } catch (Exception | Error e) {
      new Runner(config, broker, ops, null, running).close();
      throw e;
    }
  }

  /** The consumer group (application id) of a Streams role, or null for a role that is not one. */
  private static String groupId(CamstreamConfig config, String role) {
    return switch (role) {
      case "router" -> config.routerApplicationId();
      case "explainer" -> config.explainerApplicationId();
      default -> null;
    };
  }

  /** The config the roles run with (bootstrap servers filled in). */
  public CamstreamConfig config() {
    return config;
  }

  /** The started roles, in start order. */
  public List<RunningRole> roles() {
    return Collections.unmodifiableList(roles);
  }

  /** The metrics/health server, or null when metrics.port is -1. */
  public OpsServer ops() {
    return ops;
  }

  /** The registry every role reports to. */
  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** The embedded broker, or null when an external cluster is used. */
  public EmbeddedKafka broker() {
    return broker;
  }

  @Override
  public void close() {
    List<RunningRole> reversed = new ArrayList<>(roles);
    Collections.reverse(reversed);
    for (RunningRole r : reversed) {
      try {
        r.close();
        LOG.info("role {} stopped", r.name());
      } catch (RuntimeException e) {
        LOG.warn("role {} did not stop cleanly", r.name(), e);
      }
    }
    if (ops != null) {
      ops.close();
    }
    if (broker != null) {
      broker.close();
    }
  }
}
