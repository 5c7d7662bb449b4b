package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the explain engine on the classpath and opens it for a config. */
public final class Explainers {

  private Explainers() {}

  /**
   * The engine registered as an {@link ExplainerProvider}; fails with a clear message when there is none (or
   * several, which would make the choice arbitrary).
   */
  public static Explainer fromConfig(CamstreamConfig config) {
    List<ExplainerProvider> providers = ServiceLoader.load(ExplainerProvider.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    if (providers.isEmpty()) {
      throw new IllegalStateException("no explain engine on the classpath: expected an implementation of "
          + ExplainerProvider.class.getName() + " registered in META-INF/services");
    }
    if (providers.size() > 1) {
      throw new IllegalStateException("several explain engines on the classpath: "
          + providers.stream().map(ExplainerProvider::name).collect(Collectors.joining(", ")));
    }
    return providers.get(0).create(config);
  }
}
