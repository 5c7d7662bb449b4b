package io.camstream.review.web;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.camstream.attention.AttentionSettings;
import io.camstream.review.DecisionService;
import io.camstream.review.ReviewFeed;
import io.camstream.review.ReviewQueries;
import io.camstream.review.ReviewSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The review UI's web server (JDK {@code com.sun.net.httpserver}). Routes, all behind the token except the login
 * page:
 *
 * <ul>
 *   <li>{@code GET /} queue page, {@code GET /review/<eventId>} review page, {@code GET /atlas} attention atlas,
 *       {@code /static/*} their scripts and styles;
 *   <li>{@code GET /api/reviews?line=&model=&class=&reason=&limit=} open reviews, newest first, with filter facets;
 *   <li>{@code GET /api/reviews/<eventId>} the record, its decision (or null) and the links to its pictures;
 *   <li>{@code POST /api/reviews/<eventId>/decision} {@code {decision: confirm|reject|relabel, label, comment,
 *       reviewer}}: 201 published, 200 the same decision again (nothing published), 409 a different decision
 *       exists (body has it), 400 invalid, 404 unknown event;
 *   <li>{@code GET /api/events} Server-Sent Events on every change;
 *   <li>{@code GET /api/atlas?size=hourly|daily&line=&model=&class=} windowed attention statistics, and
 *       {@code GET /api/atlas/image?size=&start=&key=} a window's mean heat map as PNG;
 *   <li>{@code GET /artifacts/<path>} files of the artifacts directory, {@code GET /images/<eventId>} a review's
 *       original image (not for heatmap-only reviews);
 *   <li>{@code /login}, {@code /logout}.
 * </ul>
 */
public final class ReviewServer implements AutoCloseable {

  private static final int THREADS = 16;
  private static final int MAX_EVENT_STREAMS = 8;

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds the port (all interfaces) and starts serving.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public ReviewServer(ReviewSettings settings, AttentionSettings attention, ReviewQueries queries,
      DecisionService decisions, ReviewFeed feed) {
    TokenAuth auth = new TokenAuth(settings.token());
    Files files = new Files(settings.artifactsDir(), settings.imageRoots());
    try {
      server = HttpServer.create(new InetSocketAddress(settings.port()), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind review.port " + settings.port() + ": " + e.getMessage(), e);
    }
    LoginHandler login = new LoginHandler(auth);
    server.createContext("/login", login);
    server.createContext("/logout", login);
    guarded(auth, "/", new PageHandler());
    guarded(auth, "/api/", new ApiHandler(queries, decisions, feed, files, attention));
    guarded(auth, "/api/events", new EventsHandler(feed, MAX_EVENT_STREAMS));
    FileHandler fileHandler = new FileHandler(files, queries);
    guarded(auth, "/artifacts/", fileHandler);
    guarded(auth, "/images/", fileHandler);
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "review-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
  }

  private void guarded(TokenAuth auth, String path, HttpHandler handler) {
    HttpContext c = server.createContext(path, handler);
    c.getFilters().add(auth);
  }

  /** The bound port (useful with review.port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
