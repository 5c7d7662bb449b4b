package io.camstream.topology.router;

import io.camstream.config.CamstreamConfig;
import io.camstream.topology.DeadLetteringProductionHandler;
import io.camstream.topology.Role;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.camstream.policy.PolicyFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** {@code camstream run --role router}: the {@link RouterTopology} under application id {@code camstream-router}. */
public final class RouterRole implements Role {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RouterRole.class);

  public static final String NAME = "router";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public RunningRole start(RoleContext context) {
    CamstreamConfig config = context.config();
    // Invalid policy records that came while no router ran: restate the last valid value before compaction can
    // drop it; from the end offset seen here on, the running router does it itself.
    PolicyTopic.State policies = PolicyTopic.read(config);
    List<String> restated = PolicyTopic.restateInvalid(config, policies);
    if (!restated.isEmpty()) {
      LOG.warn("policy overrides {} had an invalid latest record; restated their last valid values", restated);
    }
    return RunningRole.streams(NAME, RouterTopology.build(config, context.meters(), policies.endOffset()),
        streamsProperties(config), context.meters());
  }

  @Override
  public Topology topology(CamstreamConfig config) {
    return RouterTopology.build(config, new ModelCatalog(List.of()), PolicyFile.NONE, new SimpleMeterRegistry());
  }

  /**
   * The router's Streams settings: exactly-once v2 (from the config), and a safety net under the explicit
   * dead-lettering: an unexpected exception in a step sends the record to the DLQ topic with Kafka Streams'
   * {@code __streams.errors.*} headers and processing goes on.
   */
  static Properties streamsProperties(CamstreamConfig config) {
    Properties p = config.streamsProperties(config.routerApplicationId());
    p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class.getName());
    p.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().dlq());
    // The policies updater logs and skips bad records itself; this covers anything unexpected there too.
    p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // An output refused as too large is dead-lettered instead of failing the thread on the same input for ever.
    p.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetteringProductionHandler.class.getName());
    p.putIfAbsent(DeadLetteringProductionHandler.STAGE_CONFIG, io.camstream.topology.DeadLetters.STAGE_ROUTER);
    return p;
  }
}
