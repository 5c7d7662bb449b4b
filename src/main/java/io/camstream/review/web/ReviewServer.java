package io.camstream.review.web;

import io.camstream.attention.AttentionSettings;
import io.camstream.review.DecisionService;
import io.camstream.review.ReviewFeed;
import io.camstream.review.ReviewQueries;
import io.camstream.review.ReviewSettings;
import io.camstream.review.WebSettings;
import io.camstream.review.auth.Authenticator;
import io.camstream.review.auth.FailureLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review UI's web server on Jetty 12 (core handler API, non-blocking I/O): a connection that trickles its
 * headers or body holds a socket, not a thread, and is closed after {@code review.idle.timeout.ms} of silence; at
 * most {@code review.max.connections} are open. Routes, all behind an identity except login:
 *
 * <ul>
 *   <li>{@code GET /} queue page, {@code GET /review/<eventId>} review page, {@code GET /atlas} attention atlas,
 *       {@code GET /static/*} their scripts and styles;
 *   <li>{@code GET /api/reviews?line=&model=&class=&reason=&limit=&cursor=} open reviews, newest first, with facets;
 *   <li>{@code GET /api/reviews/<eventId>} the record, its decision (or null) and the links to its pictures;
 *   <li>{@code POST /api/reviews/<eventId>/decision} {@code {decision: confirm|reject|relabel, label, comment}}: the
 *       reviewer is the authenticated identity; 201 published, 200 the same decision again, 409 a different one
 *       exists, 400 invalid, 404 unknown event;
 *   <li>{@code GET /api/audit?limit=} (admins) the latest decisions; {@code GET /api/whoami} the caller's identity; {@code GET /api/events} Server-Sent Events (debounced);
 *   <li>{@code GET /api/atlas?size=hourly|daily&line=&model=&class=} windowed attention statistics, and
 *       {@code GET /api/atlas/image?size=&start=&key=} a window's mean heat map as PNG;
 *   <li>{@code GET /artifacts/<path>} files of the artifacts directory, {@code GET /images/<eventId>} a review's
 *       original image (not for heatmap-only reviews);
 *   <li>{@code GET|POST /login}, {@code POST /logout}.
 * </ul>
 */
public final class ReviewServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReviewServer.class);
  private static final int MAX_THREADS = 32;
  private static final int LOGIN_BODY = 8 * 1024;
  private static final int DECISION_BODY = 16 * 1024;

  private final Server server;
  private final ServerConnector connector;
  private final LiveUpdates live;

  /**
   * Binds the port (all interfaces) and starts serving.
   *
   * @throws IllegalStateException when the port cannot be bound or the TLS keystore cannot be read
   */
  public ReviewServer(ReviewSettings settings, AttentionSettings attention, ReviewQueries queries,
      DecisionService decisions, ReviewFeed feed) {
    WebSettings web = settings.web();
    Authenticator auth = new Authenticator(new Authenticator.Settings(settings.token(), web.accountsFile(),
        web.proxyHeader(), web.proxyAddresses(), web.sessionTtl(), web.sessionSecretFile()), Clock.systemUTC());
    FailureLimiter limiter = new FailureLimiter(web.authFailuresPerMinute(), Duration.ofMinutes(1),
        Clock.systemUTC());
    Files files = new Files(settings.artifactsDir(), settings.imageRoots());
    live = new LiveUpdates(feed, web.maxLiveStreams(), web.liveDebounce().toMillis(),
        Math.min(15_000, web.idleTimeout().toMillis() / 2));
    ApiHandler api = new ApiHandler(queries, decisions, feed, files, attention);
    LoginHandler login = new LoginHandler(auth, limiter);
    FileHandler fileHandler = new FileHandler(files, queries);

    Set<String> get = Set.of("GET");
    List<Router.Route> routes = List.of(
        new Router.Route(exact("login"), Set.of("GET", "POST"), true, LOGIN_BODY,
            ex -> {
              if (ex.method().equals("POST")) {
                login.login(ex);
              } else {
                login.page(ex);
              }
            }),
        new Router.Route(exact("logout"), Set.of("POST"), true, LOGIN_BODY, login::logout),
        new Router.Route(exact(""), get, false, 0, ex -> PageHandler.page(ex, "queue.html")),
        new Router.Route(exact("atlas"), get, false, 0, ex -> PageHandler.page(ex, "atlas.html")),
        new Router.Route(s -> s.size() == 2 && s.get(0).equals("review") && !s.get(1).isEmpty(), get, false, 0,
            ex -> PageHandler.page(ex, "review.html")),
        new Router.Route(s -> s.size() == 2 && s.get(0).equals("static"), get, false, 0, PageHandler::staticFile),
        new Router.Route(exact("api", "reviews"), get, false, 0, api::list),
        new Router.Route(s -> s.size() == 3 && s.get(0).equals("api") && s.get(1).equals("reviews")
            && !s.get(2).isEmpty(), get, false, 0, api::one),
        new Router.Route(s -> s.size() == 4 && s.get(0).equals("api") && s.get(1).equals("reviews")
            && !s.get(2).isEmpty() && s.get(3).equals("decision"), Set.of("POST"), false, DECISION_BODY,
            api::decide),
        new Router.Route(exact("api", "whoami"), get, false, 0, api::whoami),
        new Router.Route(exact("api", "audit"), get, false, 0, api::audit),
        new Router.Route(exact("api", "events"), get, false, 0, live::open),
        new Router.Route(exact("api", "atlas"), get, false, 0, api::atlas),
        new Router.Route(exact("api", "atlas", "image"), get, false, 0, api::atlasImage),
        new Router.Route(s -> s.size() >= 2 && s.get(0).equals("artifacts"), get, false, 0, fileHandler::artifact),
        new Router.Route(s -> s.size() == 2 && s.get(0).equals("images") && !s.get(1).isEmpty(), get, false, 0,
            fileHandler::image));

    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
    threads.setName("review-http");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setIdleTimeout(web.idleTimeout().toMillis());
    http.setRequestHeaderSize(16 * 1024);
    // event ids are opaque and may hold an encoded '/': the router decodes segment by segment itself
    http.setUriCompliance(UriCompliance.DEFAULT.with("camstream-review",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    HttpConnectionFactory h1 = new HttpConnectionFactory(http);
    if (web.keystore() != null) {
      http.addCustomizer(new SecureRequestCustomizer());
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStorePath(web.keystore().toString());
      tls.setKeyStorePassword(web.keystorePassword());
      connector = new ServerConnector(server, new SslConnectionFactory(tls, h1.getProtocol()), h1);
    } else {
      connector = new ServerConnector(server, h1);
    }
    connector.setPort(settings.port());
    connector.setIdleTimeout(web.idleTimeout().toMillis());
    connector.setAcceptQueueSize(256);
    // Jetty's default, set here on purpose: Nagle against delayed ACKs added ~40 ms per response on reused connections
    connector.setAcceptedTcpNoDelay(true);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(web.maxConnections(), connector));
    server.setHandler(new Router(routes, auth, limiter));
    server.setStopTimeout(2000);
    try {
      server.start();
    } catch (Exception e) {
      live.close();
      try {
        server.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("cannot start the review UI on review.port " + settings.port() + ": "
          + e.getMessage(), e);
    }
  }

  private static Predicate<List<String>> exact(String... segments) {
    List<String> want = List.of(segments);
    return want::equals;
  }

  /** The bound port (useful with review.port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Whether accepted connections have TCP_NODELAY set. */
  public boolean tcpNoDelay() {
    return connector.getAcceptedTcpNoDelay();
  }

  @Override
  public void close() {
    live.close();
    try {
      server.stop();
    } catch (Exception e) {
      // a graceful-stop timeout (a stream whose client stopped reading): Jetty has closed everything regardless
      LOG.warn("review UI stopped with open exchanges: {}", e.toString());
    }
  }
}
