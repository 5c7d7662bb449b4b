package io.camstream.review.web;

import io.camstream.review.ReviewFeed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/events}: Server-Sent Events. One timer checks the feed every {@code debounceMs} and sends each
 * stream at most one {@code event: change} (with the feed version) per period, however many reviews arrived: a
 * burst of 50 reviews a second costs every open page one refetch a period, not fifty. Writes are asynchronous, so
 * an open stream holds no thread; a stream whose client reads slowly keeps only the newest pending message. A
 * comment goes out when nothing changed for a while (proxies and idle timeouts keep the connection), and each
 * stream ends after 5 minutes (EventSource reconnects by itself).
 */
final class LiveUpdates implements AutoCloseable {

  private static final long MAX_STREAM_MS = 300_000;

  private final ReviewFeed feed;
  private final int maxStreams;
  private final long heartbeatMs;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "review-live-updates");
    t.setDaemon(true);
    return t;
  });
  private long sent;
  private long lastWriteMs = System.currentTimeMillis();

  LiveUpdates(ReviewFeed feed, int maxStreams, long debounceMs, long heartbeatMs) {
    this.feed = feed;
    this.maxStreams = maxStreams;
    this.heartbeatMs = heartbeatMs;
    this.sent = feed.version();
    timer.scheduleWithFixedDelay(this::tick, debounceMs, debounceMs, TimeUnit.MILLISECONDS);
  }

  /** Opens a stream on the exchange; the exchange completes when the stream ends. */
  void open(Exchange ex) {
    if (streams.size() >= maxStreams) {
      ex.setHeader("Retry-After", "5");
      Http.error(ex, 503, "too many live connections; the page falls back to polling");
      return;
    }
    ex.response.setStatus(200);
    ex.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    ex.setHeader("Cache-Control", "no-store");
    Http.securityHeaders(ex);
    Stream s = new Stream(ex, System.currentTimeMillis() + MAX_STREAM_MS);
    streams.add(s);
    ex.request.addFailureListener(failure -> s.end(failure));
    s.write("retry: 2000\nevent: change\ndata: " + feed.version() + "\n\n");
  }

  /** Open streams (for tests and metrics). */
  int open() {
    return streams.size();
  }

  private synchronized void tick() {
    long now = System.currentTimeMillis();
    long v = feed.version();
    String message = null;
    if (v != sent) {
      sent = v;
      message = "event: change\ndata: " + v + "\n\n";
    } else if (now - lastWriteMs >= heartbeatMs) {
      message = ": keep-alive\n\n";
    }
    if (message != null) {
      lastWriteMs = now;
    }
    for (Stream s : streams) {
      if (now >= s.endsAt) {
        s.end(null);
      } else if (message != null) {
        s.write(message);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    streams.forEach(s -> s.end(null));
  }

  /** One client's stream: at most one write in flight, the newest message waiting behind it. */
  private final class Stream {
    private final Exchange ex;
    private final long endsAt;
    private boolean writing;
    private boolean ended;
    private String pending;

    Stream(Exchange ex, long endsAt) {
      this.ex = ex;
      this.endsAt = endsAt;
    }

    synchronized void write(String message) {
      if (ended) {
        return;
      }
      if (writing) {
        pending = message; // a change event carries the latest version; older ones need not be sent
        return;
      }
      writing = true;
      ex.response.write(false, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), Callback.from(
          this::written, this::end));
    }

    private void written() {
      String next;
      boolean finish;
      synchronized (this) {
        writing = false;
        next = pending;
        pending = null;
        finish = ended;
      }
      if (finish) {
        ex.response.write(true, ByteBuffer.allocate(0), ex.callback);
      } else if (next != null) {
        write(next);
      }
    }

    /** Ends the stream: at once on a failure, else after the write in flight (one write at a time). */
    void end(Throwable failure) {
      boolean finishNow;
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
        finishNow = !writing;
      }
      streams.remove(this);
      if (failure != null) {
        ex.callback.failed(failure);
      } else if (finishNow) {
        ex.response.write(true, ByteBuffer.allocate(0), ex.callback);
      }
    }
  }
}
