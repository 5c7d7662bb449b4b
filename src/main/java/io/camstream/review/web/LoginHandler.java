package io.camstream.review.web;

import io.camstream.review.auth.Authenticator;
import io.camstream.review.auth.FailureLimiter;
import io.camstream.review.auth.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code GET /login} the form, {@code POST /login} checks it and sets the session cookie, {@code POST /logout}
 * clears it. The only routes served without an identity.
 */
final class LoginHandler {

  /** Inline styles only: the login page must render before any authenticated asset can load. */
  private static final String LOGIN_CSP =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final String NAME_FIELD = "<input type=\"text\" name=\"name\" id=\"name\" placeholder=\"name\""
      + " autocomplete=\"username\" required>";
  private static final int MAX_NEXT = 2048;

  private final Authenticator auth;
  private final FailureLimiter limiter;

  LoginHandler(Authenticator auth, FailureLimiter limiter) {
    this.auth = auth;
    this.limiter = limiter;
  }

  void page(Exchange ex) {
    sendLoginPage(ex, auth, 200, "", Http.query(ex).getOrDefault("next", "/"));
  }

  void login(Exchange ex) {
    Map<String, String> form = Http.form(new String(ex.body, StandardCharsets.US_ASCII));
    String next = safeNext(form.getOrDefault("next", "/"));
    OptionalLong wait = limiter.retryAfter(ex.remoteAddress());
    if (wait.isPresent()) {
      ex.setHeader("Retry-After", String.valueOf(wait.getAsLong()));
      sendLoginPage(ex, auth, 429, "Too many failed attempts; try again in " + wait.getAsLong() + " s.", next);
      return;
    }
    Optional<Identity> id = auth.login(form.get("name"), form.get("token"));
    if (id.isEmpty()) {
      limiter.failed(ex.remoteAddress());
      sendLoginPage(ex, auth, 401, auth.accountsMode() ? "That name and secret do not match."
          : "That token is not right.", next);
      return;
    }
    ex.addHeader("Set-Cookie", cookie(ex, auth.session(id.get()), auth.sessionTtl().toSeconds()));
    Http.redirect(ex, next);
  }

  void logout(Exchange ex) {
    ex.addHeader("Set-Cookie", cookie(ex, "", 0));
    Http.redirect(ex, "/login");
  }

  /** HttpOnly, SameSite=Strict, expiring; Secure whenever the request came over TLS. */
  private static String cookie(Exchange ex, String value, long maxAgeSeconds) {
    return Router.COOKIE + "=" + value + "; Max-Age=" + maxAgeSeconds + "; Path=/; HttpOnly; SameSite=Strict"
        + (ex.secure() ? "; Secure" : "");
  }

  static void sendLoginPage(Exchange ex, Authenticator auth, int status, String error, String next) {
    String page = Assets.text("login.html")
        .replace("{{error}}", Http.escape(error))
        .replace("{{name}}", auth.accountsMode() ? NAME_FIELD : "")
        .replace("{{next}}", Http.escape(safeNext(next)));
    ex.setHeader("Content-Security-Policy", LOGIN_CSP);
    Http.html(ex, status, page);
  }

  /**
   * Only a path on this server, in printable ASCII: never another origin ({@code //host}, {@code /\host}, a
   * scheme), never a character a server or browser could turn into a header break or a different URL.
   */
  static String safeNext(String next) {
    if (next == null || next.isEmpty() || next.length() > MAX_NEXT || next.charAt(0) != '/'
        || next.startsWith("//") || next.startsWith("/login") || next.contains("\\")
        || next.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      return "/";
    }
    return next;
  }
}
