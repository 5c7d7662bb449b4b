package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * GETs {@code http(s):} URIs on allow-listed hosts. Redirects are followed by hand (at most a few) and only when
 * the target is allow-listed too, so a trusted host cannot bounce a request to an internal address.
 */
final class HttpFetcher {

  private static final int MAX_REDIRECTS = 3;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final Set<String> hosts;
  private final long maxBytes;
  private final HttpClient client;

  HttpFetcher(List<String> allowedHosts, long maxBytes) {
    this.hosts = allowedHosts.stream()
        .map(String::trim)
        .filter(h -> !h.isEmpty())
        .map(h -> h.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    this.maxBytes = maxBytes;
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
  }

  byte[] get(URI uri) throws ExplainException {
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      checkAllowed(current);
      final URI requested = current;
      HttpResponse<InputStream> response = send(requested);
      int status = response.statusCode();
      try (InputStream body = response.body()) {
        if (status >= 300 && status < 400) {
          String location = response.headers().firstValue("Location").orElseThrow(() -> new ExplainException(
              Reason.IMAGE_UNREADABLE, "redirect without Location from " + requested));
          current = requested.resolve(location);
          continue;
        }
        if (status != 200) {
          throw new ExplainException(Reason.IMAGE_UNREADABLE, "HTTP " + status + " for " + current);
        }
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > maxBytes) {
          throw new ExplainException(Reason.IMAGE_TOO_LARGE, "image exceeds " + maxBytes + " bytes: " + current);
        }
        return Bounded.readAll(body, maxBytes, current.toString());
      } catch (IOException e) {
        throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot read " + current + ": " + e, e);
      }
    }
    throw new ExplainException(Reason.IMAGE_UNREADABLE, "more than " + MAX_REDIRECTS + " redirects: " + uri);
  }

  private void checkAllowed(URI uri) throws ExplainException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || host == null || uri.getRawUserInfo() != null) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "not an allowed http(s) URI: " + uri);
    }
    boolean allowed = hosts.contains(host) || (uri.getPort() > 0 && hosts.contains(host + ":" + uri.getPort()));
    if (!allowed) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "host " + host + " is not in image.http.hosts: " + uri);
    }
  }

  private HttpResponse<InputStream> send(URI uri) throws ExplainException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot fetch " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "interrupted while fetching " + uri, e);
    }
  }
}
