package io.camstream.review;

import io.camstream.config.CamstreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The review web server's limits, identities and TLS ({@code review.*} keys).
 *
 * @param maxConnections open connections at most; more wait in the accept queue
 * @param idleTimeout a connection that sends or reads nothing for this long is closed (slow headers and bodies too)
 * @param liveDebounce live updates go out at most once per this period
 * @param maxLiveStreams open Server-Sent-Event streams at most; more clients poll
 * @param accountsFile reviewer accounts, or null for the single-token demo mode
 * @param proxyHeader SSO proxy identity header, empty when off
 * @param proxyAddresses the only client addresses whose proxy header is trusted
 * @param sessionTtl how long a login lasts
 * @param sessionSecretFile the key of the session cookies, shared by replicas, or null
 * @param authFailuresPerMinute failed logins or credential checks per client address and minute before 429
 * @param keystore PKCS12/JKS keystore to serve HTTPS with, or null for plain HTTP
 * @param keystorePassword its password
 */
public record WebSettings(int maxConnections, Duration idleTimeout, Duration liveDebounce, int maxLiveStreams,
    Path accountsFile, String proxyHeader, List<String> proxyAddresses, Duration sessionTtl,
    Path sessionSecretFile, int authFailuresPerMinute, Path keystore, String keystorePassword) {

  public WebSettings {
    proxyAddresses = List.copyOf(proxyAddresses);
  }

  /** Defaults: 1024 connections, 30 s idle, 1 s debounce, 256 streams, token mode, 12 h sessions, 10 failures. */
  public static WebSettings defaults() {
    return new WebSettings(1024, Duration.ofSeconds(30), Duration.ofSeconds(1), 256, null, "", List.of(),
        Duration.ofHours(12), null, 10, null, "");
  }

  /** The settings of a camstream config. */
  public static WebSettings from(CamstreamConfig c) {
    String accounts = c.getString(CamstreamConfig.REVIEW_ACCOUNTS_FILE_CONFIG);
    String keystore = c.getString(CamstreamConfig.REVIEW_TLS_KEYSTORE_CONFIG);
    String secret = c.getString(CamstreamConfig.REVIEW_SESSION_SECRET_FILE_CONFIG);
    var password = c.getPassword(CamstreamConfig.REVIEW_TLS_KEYSTORE_PASSWORD_CONFIG);
    return new WebSettings(c.getInt(CamstreamConfig.REVIEW_MAX_CONNECTIONS_CONFIG),
        Duration.ofMillis(c.getLong(CamstreamConfig.REVIEW_IDLE_TIMEOUT_MS_CONFIG)),
        Duration.ofMillis(c.getLong(CamstreamConfig.REVIEW_LIVE_DEBOUNCE_MS_CONFIG)), 256,
        accounts.isBlank() ? null : Path.of(accounts.strip()),
        c.getString(CamstreamConfig.REVIEW_PROXY_IDENTITY_HEADER_CONFIG),
        c.getList(CamstreamConfig.REVIEW_PROXY_ADDRESSES_CONFIG),
        Duration.ofHours(c.getLong(CamstreamConfig.REVIEW_SESSION_HOURS_CONFIG)),
        secret.isBlank() ? null : Path.of(secret.strip()),
        c.getInt(CamstreamConfig.REVIEW_AUTH_FAILURES_PER_MINUTE_CONFIG),
        keystore.isBlank() ? null : Path.of(keystore.strip()), password == null ? "" : password.value());
  }

  /** A copy with another accounts file (tests, the demo). */
  public WebSettings withAccounts(Path file) {
    return new WebSettings(maxConnections, idleTimeout, liveDebounce, maxLiveStreams, file, proxyHeader,
        proxyAddresses, sessionTtl, sessionSecretFile, authFailuresPerMinute, keystore, keystorePassword);
  }
}
