package io.camstream.topology.explainer;

import io.camstream.explain.Explainer;
import io.camstream.topology.Role;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;

/** {@code camstream run --role explainer}: the engine from {@link Explainers#fromConfig}, run by the role. */
public final class ExplainerRole implements Role {

  /** The role's name on the command line. */
  public static final String NAME = "explainer";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public RunningRole start(RoleContext context) {
    Explainer explainer = Explainers.fromConfig(context.config());
    try {
      return RunningExplainer.start(context.config(), explainer, context.meters(), explainer::close);
    } catch (RuntimeException e) {
      explainer.close();
      throw e;
    }
  }
}
