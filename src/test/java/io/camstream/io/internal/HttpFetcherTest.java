package io.camstream.io.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read deadline and the body cap of HTTP image fetches, against a real local HTTP server. */
class HttpFetcherTest {

  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private String base;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    // Headers and the first bytes at once, then nothing: a stalled camera server.
    server.createContext("/stall.png", ex -> {
      ex.sendResponseHeaders(200, 1000);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(new byte[10]);
        out.flush();
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException | java.io.IOException e) {
        // the client gave up
      }
    });
    // No Content-Length (chunked), more than the cap.
    server.createContext("/endless.png", ex -> {
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 100; i++) {
          out.write(new byte[1024]);
        }
      } catch (java.io.IOException e) {
        // the client gave up
      }
    });
    server.createContext("/ok.png", ex -> {
      ex.sendResponseHeaders(200, 3);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(new byte[] {1, 2, 3});
      }
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  @Test
  void aBodyThatStopsComingFailsAtTheDeadline() throws Exception {
    HttpFetcher http = new HttpFetcher(List.of("127.0.0.1"), 1 << 20, Duration.ofSeconds(1));
    assertThatThrownBy(() -> http.get(URI.create(base + "/stall.png")))
        .isInstanceOfSatisfying(ExplainException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.IMAGE_UNREADABLE);
          assertThat(e.getMessage()).contains("no complete response within 1 s");
        });
    assertThat(http.get(URI.create(base + "/ok.png"))).containsExactly(1, 2, 3);
  }

  @Test
  void aBodyAboveTheCapIsTooLargeEvenWithoutContentLength() {
    HttpFetcher http = new HttpFetcher(List.of("127.0.0.1"), 50_000, Duration.ofSeconds(30));
    assertThatThrownBy(() -> http.get(URI.create(base + "/endless.png")))
        .isInstanceOfSatisfying(ExplainException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE));
  }
}
