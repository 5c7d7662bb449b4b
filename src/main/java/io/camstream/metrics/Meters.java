package io.camstream.metrics;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The process's meter registry: Prometheus format, with JVM and CPU meters. */
public final class Meters {

  private Meters() {}

  /** A new registry with the JVM binders attached; one per process. */
  @SuppressWarnings("resource") // the GC binder lives as long as the process
  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().commonTags("app", "camstream");
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new JvmGcMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    return r;
  }
}
