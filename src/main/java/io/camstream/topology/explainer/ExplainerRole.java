package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;
import io.camstream.topology.Role;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.Topology;

/** {@code camstream run --role explainer}: the engine from {@link Explainers#fromConfig}, run by the role. */
public final class ExplainerRole implements Role {

  /** The role's name on the command line. */
  public static final String NAME = "explainer";

  @Override
  public String name() {
    return NAME;
  }

  /** Described without an engine: the topology only holds the batch explainer, it does not call it here. */
  @Override
  public Topology topology(CamstreamConfig config) {
    ExplainerMetrics metrics = new ExplainerMetrics(new SimpleMeterRegistry());
    return ExplainerTopology.build(ExplainerTopology.Settings.from(config),
        new BatchExplainer(null, null, null, null, metrics), metrics);
  }

  /**
   * With {@code explainer.workers.per.device} above 0 (the default), the engine runs in supervised worker processes
   * ({@link EnginePools}); a configured device that cannot be used fails the start here, with the workers' reason.
   * With 0 it runs in this JVM.
   */
  @Override
  public RunningRole start(RoleContext context) {
    Explainer explainer = context.config().explainerWorkersPerDevice() > 0
        ? EnginePools.start(context.config()) : Explainers.fromConfig(context.config());
    try {
      return RunningExplainer.start(context.config(), explainer, context.meters(), explainer::close);
    } catch (RuntimeException e) {
      explainer.close();
      throw e;
    }
  }
}
