package io.camstream.review.web;

import io.camstream.review.auth.Authenticator;
import io.camstream.review.auth.FailureLimiter;
import io.camstream.review.auth.Identity;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Jetty handler: rejects malformed paths (400), finds the route (404), checks the method (405 with
 * {@code Allow}), authenticates (401, or 429 with {@code Retry-After} once an address has failed too often), reads
 * a bounded body without holding a thread (413), then runs the route's action.
 */
final class Router extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  static final String COOKIE = "camstream_review";

  /** What a route does once the request is accepted. */
  @FunctionalInterface
  interface Action {
    void handle(Exchange ex) throws IOException;
  }

  /**
   * A route: which paths (as decoded segments), which methods (HEAD comes with GET), whether it needs an identity,
   * how large a body it reads (0: none).
   */
  record Route(Predicate<List<String>> path, Set<String> methods, boolean open, int maxBody, Action action) {}

  private final List<Route> routes;
  private final Authenticator auth;
  private final FailureLimiter limiter;

  Router(List<Route> routes, Authenticator auth, FailureLimiter limiter) {
    this.routes = List.copyOf(routes);
    this.auth = auth;
    this.limiter = limiter;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Optional<List<String>> segments = segments(request.getHttpURI().getPath());
    Exchange ex = new Exchange(request, response, callback, segments.orElse(List.of()));
    if (segments.isEmpty()) {
      Http.error(ex, 400, "malformed path: only valid UTF-8 without control characters");
      return true;
    }
    Route route = null;
    for (Route r : routes) {
      if (r.path().test(segments.get())) {
        route = r;
        break;
      }
    }
    if (route == null) {
      Http.error(ex, 404, "not found");
      return true;
    }
    Set<String> allowed = new LinkedHashSet<>(route.methods());
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    if (!allowed.contains(ex.method())) {
      ex.setHeader("Allow", String.join(", ", allowed));
      Http.error(ex, 405, ex.method() + " is not allowed here; use " + String.join(" or ", allowed));
      return true;
    }
    if (!route.open() && !authenticate(ex)) {
      return true;
    }
    if (route.maxBody() == 0) {
      run(ex, route.action());
      return true;
    }
    long length = request.getLength();
    if (length > route.maxBody()) {
      Http.error(ex, 413, "request body larger than " + route.maxBody() + " bytes");
      return true;
    }
    Route r = route;
    // Reads as the bytes arrive: a client that trickles its body holds a connection, never a thread.
    Content.Source.asByteArrayAsync(request, route.maxBody()).whenComplete((bytes, failure) -> {
      if (failure != null) {
        Http.error(ex, 413, "request body unreadable or larger than " + r.maxBody() + " bytes");
        return;
      }
      ex.body = bytes;
      run(ex, r.action());
    });
    return true;
  }

  private void run(Exchange ex, Action action) {
    try {
      action.handle(ex);
    } catch (Http.Failure f) {
      Http.error(ex, f.status, f.getMessage());
    } catch (InvalidStateStoreException e) {
      ex.setHeader("Retry-After", "2");
      Http.error(ex, 503, "the review stores are loading, try again in a moment");
    } catch (IOException | RuntimeException e) {
      LOG.error("review UI failed on {} {}", ex.method(), ex.rawPath(), e);
      Http.error(ex, 500, "internal error");
    }
  }

  /**
   * Sets the exchange's identity, or answers 401/429 and returns false. Session cookies and proxy identities are
   * not secrets a client can guess, so only Authorization headers count towards (and are held by) the limit.
   */
  private boolean authenticate(Exchange ex) {
    String address = ex.remoteAddress();
    Optional<Identity> id = auth.proxy(address, auth.proxyHeader().isEmpty() ? null : ex.header(auth.proxyHeader()));
    String authorization = ex.header("Authorization");
    if (id.isEmpty() && authorization != null) {
      OptionalLong wait = limiter.retryAfter(address);
      if (wait.isPresent()) {
        tooMany(ex, wait.getAsLong());
        return false;
      }
      id = auth.authorization(authorization);
      if (id.isEmpty()) {
        limiter.failed(address);
      }
    }
    if (id.isEmpty() && authorization == null) {
      id = cookie(ex).flatMap(auth::fromSession);
    }
    if (id.isPresent()) {
      ex.identity = id.get();
      return true;
    }
    ex.setHeader("WWW-Authenticate", auth.accountsMode() ? "Basic realm=\"camstream-review\", charset=\"UTF-8\""
        : "Bearer realm=\"camstream-review\"");
    String accept = ex.header("Accept");
    if ("GET".equals(ex.method()) && accept != null && accept.contains("text/html")) {
      LoginHandler.sendLoginPage(ex, auth, 401, "", ex.rawPath());
    } else {
      Http.error(ex, 401, "unauthorized: send credentials or log in at /login?next="
          + URLEncoder.encode(ex.rawPath(), StandardCharsets.UTF_8));
    }
    return false;
  }

  static void tooMany(Exchange ex, long seconds) {
    ex.setHeader("Retry-After", String.valueOf(seconds));
    Http.error(ex, 429, "too many failed attempts from this address; try again in " + seconds + " s");
  }

  private static Optional<String> cookie(Exchange ex) {
    for (HttpCookie c : Request.getCookies(ex.request)) {
      if (COOKIE.equals(c.getName())) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * The path's segments, each percent-decoded as strict UTF-8; empty when a segment does not decode or holds a
   * control character (NUL, CR, LF...), which no route can mean.
   */
  static Optional<List<String>> segments(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (String raw : rawPath.substring(1).split("/", -1)) {
      Optional<String> s = decode(raw);
      if (s.isEmpty() || s.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        return Optional.empty();
      }
      out.add(s.get());
    }
    return Optional.of(out);
  }

  private static Optional<String> decode(String raw) {
    byte[] buf = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        buf[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c > 0x7e) {
        return Optional.empty();
      } else {
        buf[n++] = (byte) c;
      }
    }
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, 0, n));
      return Optional.of(chars.toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
