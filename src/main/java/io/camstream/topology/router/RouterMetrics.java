package io.camstream.topology.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The router's counters: {@code camstream_router_events_in_total}, {@code ..._selected_total}, and so on. */
final class RouterMetrics {

  private final MeterRegistry registry;
  private final Counter in;
  private final Counter selected;
  private final Counter skipped;

  RouterMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.in = Counter.builder("camstream.router.events.in").description("events read from the events topic")
        .register(registry);
    this.selected = Counter.builder("camstream.router.selected").description("events sent to the explainer")
        .register(registry);
    this.skipped = Counter.builder("camstream.router.not.selected")
        .description("valid events the policy did not select").register(registry);
  }

  void in() {
    in.increment();
  }

  void selected(Iterable<String> reasons) {
    selected.increment();
    for (String r : reasons) {
      registry.counter("camstream.router.selected.reasons", "reason", r).increment();
    }
  }

  void skipped() {
    skipped.increment();
  }

  void deadLettered(String reason) {
    registry.counter("camstream.router.dead.lettered", "reason", reason).increment();
  }

  /** A selected event whose id was seen before: {@code same-content} (dropped) or {@code other-content} (DLQ). */
  void duplicate(String kind) {
    registry.counter("camstream.router.duplicates", "kind", kind).increment();
  }

  void policyRejected() {
    registry.counter("camstream.router.policies.rejected").increment();
  }
}
