package io.camstream.review.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.camstream.review.ReviewFeed;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/**
 * {@code /api/events}: Server-Sent Events. Sends {@code event: change} with the feed version whenever a review or
 * decision is stored, and a comment every 15 s so proxies keep the connection. Each stream holds a server thread,
 * so their number is capped and each ends after 5 minutes (EventSource reconnects by itself).
 */
final class EventsHandler implements HttpHandler {

  private static final long HEARTBEAT_MS = 15_000;
  private static final long MAX_STREAM_MS = 300_000;

  private final ReviewFeed feed;
  private final Semaphore slots;

  EventsHandler(ReviewFeed feed, int maxStreams) {
    this.feed = feed;
    this.slots = new Semaphore(maxStreams);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!slots.tryAcquire()) {
      ex.getResponseHeaders().set("Retry-After", "5");
      Http.error(ex, 503, "too many live connections; the page falls back to polling");
      return;
    }
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      Http.securityHeaders(ex.getResponseHeaders());
      ex.sendResponseHeaders(200, 0);
      long end = System.currentTimeMillis() + MAX_STREAM_MS;
      try (OutputStream out = ex.getResponseBody()) {
        long seen = feed.version();
        write(out, "retry: 2000\nevent: change\ndata: " + seen + "\n\n");
        while (System.currentTimeMillis() < end) {
          long now = feed.awaitChange(seen, HEARTBEAT_MS);
          if (now != seen) {
            seen = now;
            write(out, "event: change\ndata: " + now + "\n\n");
          } else {
            write(out, ": keep-alive\n\n");
          }
        }
      } catch (IOException e) {
        // the browser went away
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      slots.release();
      ex.close();
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
