package io.camstream.review.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /login}: a form that takes the token and sets the session cookie; {@code /logout} clears it. The only
 * pages served without the token.
 */
final class LoginHandler implements HttpHandler {

  /** Inline styles only: the login page must render before any authenticated asset can load. */
  private static final String LOGIN_CSP =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final TokenAuth auth;

  LoginHandler(TokenAuth auth) {
    this.auth = auth;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      serve(ex);
    } catch (Http.Failure f) {
      Http.error(ex, f.status, f.getMessage());
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    if (path.equals("/logout")) {
      ex.getResponseHeaders().add("Set-Cookie", TokenAuth.COOKIE + "=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
      Http.redirect(ex, "/login");
      return;
    }
    if (!path.equals("/login")) {
      Http.error(ex, 404, "not found");
      return;
    }
    Map<String, String> q = Http.query(ex);
    if ("POST".equals(ex.getRequestMethod())) {
      Map<String, String> form = Http.form(new String(Http.body(ex, 8192), StandardCharsets.UTF_8));
      String next = safeNext(form.getOrDefault("next", "/"));
      if (auth.isToken(form.get("token"))) {
        ex.getResponseHeaders().add("Set-Cookie",
            TokenAuth.COOKIE + "=" + auth.sessionValue() + "; Path=/; HttpOnly; SameSite=Strict");
        Http.redirect(ex, next);
      } else {
        sendLoginPage(ex, 401, "That token is not right.", next);
      }
      return;
    }
    sendLoginPage(ex, 200, "", safeNext(q.getOrDefault("next", "/")));
  }

  static void sendLoginPage(HttpExchange ex, int status, String error, String next) throws IOException {
    String page = Assets.text("login.html")
        .replace("{{error}}", Http.escape(error))
        .replace("{{next}}", Http.escape(safeNext(next)));
    ex.getResponseHeaders().set("Content-Security-Policy", LOGIN_CSP);
    Http.html(ex, status, page);
  }

  /** Only a path on this server: never another origin (no {@code //host} or scheme). */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
        || next.startsWith("/login") || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }
}
