package io.camstream.review.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Establishes a request's {@link Identity} in one of three ways, whichever the configuration enables:
 *
 * <ul>
 *   <li><b>accounts</b> ({@code review.accounts.file}): basic auth {@code name:secret} or the login form, checked
 *       against the salted hashes of {@link Accounts};
 *   <li><b>token</b> (the demo; only without an accounts file): {@code Bearer <token>}, basic auth with the token as
 *       password, or the login form. Everyone holding the token is the one identity {@value #TOKEN_IDENTITY};
 *   <li><b>proxy</b> ({@code review.proxy.identity.header}, only from {@code review.proxy.addresses}): the SSO
 *       reverse proxy's header names the reviewer. The header from any other address is ignored.
 * </ul>
 *
 * <p>Browsers then carry a session cookie: name, role, expiry and an HMAC over them. In token mode the HMAC key is
 * derived from the token (sessions survive a restart, die with a token change); otherwise it is random per process.
 */
public final class Authenticator {

  /** The identity of whoever holds the shared demo token. */
  public static final String TOKEN_IDENTITY = "reviewer";
  private static final int CACHE_SIZE = 1024;
  private static final Duration CACHE_TTL = Duration.ofMinutes(5);

  /** What the authenticator needs from the configuration. */
  public record Settings(String token, Path accountsFile, String proxyHeader, List<String> proxyAddresses,
      Duration sessionTtl, Path sessionSecretFile) {
    public Settings {
      proxyAddresses = List.copyOf(proxyAddresses);
      proxyHeader = proxyHeader == null ? "" : proxyHeader.strip();
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Authenticator.class);

  private final String token;
  private final Accounts accounts;
  private final String proxyHeader;
  private final Set<String> proxyAddresses;
  private final Duration sessionTtl;
  private final Clock clock;
  private final byte[] sessionKey;
  private final byte[] cacheKey = random(32);
  /** Verified basic-auth headers (by HMAC, never in clear), so PBKDF2 runs once per client, not per request. */
  private final Map<String, Cached> verified = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
      return size() > CACHE_SIZE;
    }
  };

  private record Cached(Identity identity, long until) {}

  public Authenticator(Settings s, Clock clock) {
    this.accounts = s.accountsFile() == null ? null : Accounts.load(s.accountsFile());
    this.token = accounts == null ? s.token() : null;
    if (accounts == null && (token == null || token.isEmpty())) {
      throw new IllegalArgumentException("the review role needs review.token or review.accounts.file");
    }
    if (!s.proxyHeader().isEmpty() && s.proxyAddresses().isEmpty()) {
      throw new IllegalArgumentException("review.proxy.identity.header needs review.proxy.addresses: the header is"
          + " trusted only from the proxy");
    }
    this.proxyHeader = s.proxyHeader();
    this.proxyAddresses = Set.copyOf(s.proxyAddresses());
    this.sessionTtl = s.sessionTtl();
    this.clock = clock;
    this.sessionKey = sessionKey(s, token);
  }

  /**
   * The session cookies' key: from the secret file when one is set (replicas and restarts share it), else from the
   * demo token, else drawn for this process (accounts mode: a restart logs reviewers out, replicas do not share).
   */
  private static byte[] sessionKey(Settings s, String token) {
    if (s.sessionSecretFile() != null) {
      byte[] secret;
      try {
        secret = java.nio.file.Files.readAllBytes(s.sessionSecretFile());
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot read review.session.secret.file " + s.sessionSecretFile() + ": "
            + e.getMessage(), e);
      }
      if (new String(secret, StandardCharsets.UTF_8).strip().length() < 16) {
        throw new IllegalArgumentException("review.session.secret.file " + s.sessionSecretFile()
            + " holds fewer than 16 characters: too guessable to sign logins with");
      }
      return hmac(secret, "camstream-review-session-v2");
    }
    if (token != null) {
      return hmac(token.getBytes(StandardCharsets.UTF_8), "camstream-review-session-v2");
    }
    LOG.warn("review.session.secret.file is not set: logins last until this process stops and do not carry over "
        + "to other replicas");
    return random(32);
  }

  /** True when reviewers log in with a name and their own secret. */
  public boolean accountsMode() {
    return accounts != null;
  }

  /** The proxy's identity header name, or empty when proxy identities are off. */
  public String proxyHeader() {
    return proxyHeader;
  }

  /** How long a session cookie is valid. */
  public Duration sessionTtl() {
    return sessionTtl;
  }

  /** The login form: a name and secret (accounts) or the token (name ignored). */
  public Optional<Identity> login(String name, String secret) {
    if (accounts != null) {
      return accounts.verify(name == null ? null : name.strip(), secret);
    }
    return isToken(secret) ? Optional.of(tokenIdentity()) : Optional.empty();
  }

  /**
   * An {@code Authorization} header's identity; empty for a wrong or malformed one. Bearer works in token mode,
   * basic in both.
   */
  public Optional<Identity> authorization(String header) {
    if (header == null) {
      return Optional.empty();
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return token != null && isToken(header.substring(7).strip()) ? Optional.of(tokenIdentity()) : Optional.empty();
    }
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String key = Base64.getEncoder().encodeToString(hmac(cacheKey, header));
    long now = clock.millis();
    synchronized (verified) {
      Cached c = verified.get(key);
      if (c != null && c.until() > now) {
        return Optional.of(c.identity());
      }
    }
    String userPass;
    try {
      userPass = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = userPass.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    Optional<Identity> id = login(userPass.substring(0, colon), userPass.substring(colon + 1));
    id.ifPresent(i -> {
      synchronized (verified) {
        verified.put(key, new Cached(i, now + CACHE_TTL.toMillis()));
      }
    });
    return id;
  }

  /** The identity a trusted proxy asserts; empty when proxy identities are off, the address is not the proxy's,
   *  or the header is missing or not a valid name. */
  public Optional<Identity> proxy(String remoteAddress, String headerValue) {
    if (proxyHeader.isEmpty() || headerValue == null || !proxyAddresses.contains(remoteAddress)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Identity(headerValue.strip(), Identity.Role.REVIEWER, "proxy"));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A session cookie value for this identity, valid for the session TTL. */
  public String session(Identity id) {
    long expires = clock.instant().plus(sessionTtl).getEpochSecond();
    String payload = "v2." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        id.name().getBytes(StandardCharsets.UTF_8)) + "." + id.role().id() + "." + id.source() + "." + expires;
    return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(sessionKey, payload));
  }

  /** The identity of a session cookie value: signed by this server, not expired, its account still there. */
  public Optional<Identity> fromSession(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int dot = value.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String payload = value.substring(0, dot);
    byte[] mac;
    try {
      mac = Base64.getUrlDecoder().decode(value.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(mac, hmac(sessionKey, payload))) {
      return Optional.empty();
    }
    String[] f = payload.split("\\.", -1);
    if (f.length != 5 || !f[0].equals("v2") || Long.parseLong(f[4]) <= clock.instant().getEpochSecond()) {
      return Optional.empty();
    }
    String name = new String(Base64.getUrlDecoder().decode(f[1]), StandardCharsets.UTF_8);
    return switch (f[3]) {
      case "account" -> accounts == null ? Optional.empty() : accounts.current(name);
      case "token" -> token == null ? Optional.empty() : Optional.of(tokenIdentity());
      default -> Optional.empty();
    };
  }

  private Identity tokenIdentity() {
    return new Identity(TOKEN_IDENTITY, Identity.Role.ADMIN, "token");
  }

  /** Constant time, on digests, so not even the length leaks. */
  private boolean isToken(String candidate) {
    return candidate != null && token != null && MessageDigest.isEqual(sha256(candidate), sha256(token));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
