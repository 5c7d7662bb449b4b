package io.camstream.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.camstream.event.Json;
import io.camstream.topology.RunningRole;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints: {@code GET /metrics} (Prometheus text format) and {@code GET /health} (JSON with each
 * role's state; 200 when every role is healthy, 503 otherwise or when no role runs).
 */
public final class OpsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

  private final HttpServer server;
  private final PrometheusMeterRegistry registry;
  private final List<RunningRole> roles = new CopyOnWriteArrayList<>();

  private OpsServer(HttpServer server, PrometheusMeterRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /** Starts the server on all interfaces; port 0 picks a free one. */
  public static OpsServer start(int port, PrometheusMeterRegistry registry) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(port), 0);
      OpsServer ops = new OpsServer(http, registry);
      http.createContext("/metrics", ops::metrics);
      http.createContext("/health", ops::health);
      http.setExecutor(Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "camstream-ops-http");
        t.setDaemon(true);
        return t;
      }));
      http.start();
      LOG.info("metrics at http://localhost:{}/metrics, health at http://localhost:{}/health", ops.port(), ops.port());
      return ops;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the metrics port " + port, e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Adds a role to /health. */
  public void watch(RunningRole role) {
    roles.add(role);
  }

  /** The /health answer: status code and body. */
  public Health health() {
    Map<String, String> states = new LinkedHashMap<>();
    boolean ok = !roles.isEmpty();
    for (RunningRole r : roles) {
      states.put(r.name(), r.state());
      ok &= r.healthy();
    }
    return new Health(ok ? 200 : 503, Map.of("status", ok ? "UP" : "DOWN", "roles", states));
  }

  private void metrics(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      respond(ex, 405, "text/plain", "GET only\n");
      return;
    }
    respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
  }

  private void health(HttpExchange ex) throws IOException {
    Health h = health();
    respond(ex, h.status(), "application/json", Json.string(h.body()));
  }

  private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A /health answer. */
  public record Health(int status, Map<String, Object> body) {}
}
