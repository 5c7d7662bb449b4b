package io.camstream.review.web;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Lets a request through only with the token: {@code Authorization: Bearer <token>}, basic auth with the token as
 * password (any user name), or the session cookie the login page sets. The cookie holds an HMAC of the token, never
 * the token itself, and is HttpOnly and SameSite=Strict. Comparisons are constant-time (on SHA-256 digests, so
 * not even the length leaks). Everything else gets 401: pages the login form, other requests a JSON error.
 */
final class TokenAuth extends Filter {

  static final String COOKIE = "camstream_review";

  private final byte[] tokenDigest;
  private final String session;

  TokenAuth(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("the review token must not be empty");
    }
    this.tokenDigest = sha256(token);
    this.session = hmac(token, "camstream-review-session-v1");
  }

  /** True when the candidate is the token. */
  boolean isToken(String candidate) {
    return candidate != null && MessageDigest.isEqual(sha256(candidate), tokenDigest);
  }

  /** The cookie value a logged-in browser carries. */
  String sessionValue() {
    return session;
  }

  boolean authenticated(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return isToken(auth.substring(7).strip());
      }
      if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
        try {
          String userPass = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
          int colon = userPass.indexOf(':');
          return colon >= 0 && isToken(userPass.substring(colon + 1));
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
      return false;
    }
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(COOKIE + "=")
            && MessageDigest.isEqual(sha256(p.substring(COOKIE.length() + 1)), sha256(session))) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void doFilter(HttpExchange ex, Chain chain) throws IOException {
    if (authenticated(ex)) {
      chain.doFilter(ex);
      return;
    }
    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"camstream-review\"");
    String accept = ex.getRequestHeaders().getFirst("Accept");
    boolean page = "GET".equals(ex.getRequestMethod()) && accept != null && accept.contains("text/html");
    if (page) {
      String next = ex.getRequestURI().getRawPath();
      LoginHandler.sendLoginPage(ex, 401, "", next);
    } else {
      Http.error(ex, 401, "unauthorized: send Authorization: Bearer <review token> or log in at /login?next="
          + URLEncoder.encode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8));
    }
  }

  @Override
  public String description() {
    return "review token";
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
