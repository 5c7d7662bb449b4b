package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * GETs {@code http(s):} URIs on allow-listed hosts, the body capped at {@code maxBytes} and the whole fetch bounded by
 * a read deadline ({@link #READ_DEADLINE}). Redirects are followed by hand (at most a few) and only when
 * the target is allow-listed too, so a trusted host cannot bounce a request to an internal address.
 */
final class HttpFetcher {

  private static final int MAX_REDIRECTS = 3;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  /**
   * The whole fetch, redirects and body included, must end within this. The request timeout above only covers the
   * wait for the response headers; without this a server that sends headers and then trickles (or stops sending)
   * the body would hold an explainer thread, and its batch, for ever.
   */
  static final Duration READ_DEADLINE = Duration.ofSeconds(30);

  private final Set<String> hosts;
  private final long maxBytes;
  private final Duration deadline;
  private final HttpClient client;

  HttpFetcher(List<String> allowedHosts, long maxBytes) {
    this(allowedHosts, maxBytes, READ_DEADLINE);
  }

  HttpFetcher(List<String> allowedHosts, long maxBytes, Duration deadline) {
    this.hosts = allowedHosts.stream()
        .map(String::trim)
        .filter(h -> !h.isEmpty())
        .map(h -> h.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    this.maxBytes = maxBytes;
    this.deadline = deadline;
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
  }

  byte[] get(URI uri) throws ExplainException {
    long end = System.nanoTime() + deadline.toNanos();
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      checkAllowed(current);
      final URI requested = current;
      HttpResponse<byte[]> response = send(requested, end);
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new ExplainException(
            Reason.IMAGE_UNREADABLE, "redirect without Location from " + requested));
        current = requested.resolve(location);
        continue;
      }
      if (status != 200) {
        throw new ExplainException(Reason.IMAGE_UNREADABLE, "HTTP " + status + " for " + current);
      }
      return response.body();
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

  /** Sends and reads the whole body (only a 200's, capped) before the deadline; cancels the exchange if not. */
  private HttpResponse<byte[]> send(URI uri, long endNanos) throws ExplainException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, info -> info.statusCode() == 200
        ? new CappedBody(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1))
        : HttpResponse.BodySubscribers.replacing(new byte[0]));
    try {
      return future.get(Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "no complete response within " + deadline.toSeconds()
          + " s from " + uri);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TooLarge) {
        throw new ExplainException(Reason.IMAGE_TOO_LARGE, "image exceeds " + maxBytes + " bytes: " + uri);
      }
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot fetch " + uri + ": " + cause, cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "interrupted while fetching " + uri, e);
    }
  }

  /** The body was, or was declared to be, larger than the cap. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super("body exceeds the cap");
    }
  }

  /** Collects a body up to a cap; above it, cancels the exchange and fails, so no more is read. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final long declared;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    CappedBody(long max, long declared) {
      this.max = max;
      this.declared = declared;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declared > max) {
        s.cancel();
        result.completeExceptionally(new TooLarge());
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        if (out.size() + (long) b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
