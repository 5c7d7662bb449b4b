package io.camstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.topology.RunningRole;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OpsServerTest {

  private static final class FakeState implements RunningRole {
    volatile String state = "REBALANCING";

    @Override
    public String name() {
      return "router";
    }

    @Override
    public String state() {
      return state;
    }

    @Override
    public boolean healthy() {
      return state.equals("RUNNING") || state.equals("REBALANCING");
    }

    @Override
    public void close() {}
  }

  @Test
  void servesPrometheusMetricsAndHealthFromTheRolesStates() throws Exception {
    PrometheusMeterRegistry registry = Meters.prometheus();
    registry.counter("camstream.router.events.in").increment(3);
    HttpClient http = HttpClient.newHttpClient();
    try (OpsServer ops = OpsServer.start(0, registry)) {
      String base = "http://127.0.0.1:" + ops.port();
      HttpResponse<String> noRoles = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(noRoles.statusCode()).isEqualTo(503);

      FakeState role = new FakeState();
      ops.watch(role);
      HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).contains("\"router\":\"REBALANCING\"", "\"status\":\"UP\"");

      role.state = "ERROR";
      HttpResponse<String> down = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"router\":\"ERROR\"");

      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("camstream_router_events_in_total{app=\"camstream\"} 3.0",
          "jvm_memory_used_bytes");
    }
  }
}
