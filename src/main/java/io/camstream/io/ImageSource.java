package io.camstream.io;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.ExplainException;
import io.camstream.io.internal.AllowListImageSource;
import java.nio.file.Path;
import java.util.List;

/**
 * Fetches the encoded bytes of an inference event's image. Only allow-listed places are reachable: {@code file:}
 * URIs under the configured roots, {@code http(s):} URIs on the configured hosts, {@code s3:} objects in the
 * configured buckets (AWS SDK v2, same size cap and read deadline as HTTP), {@code data:} URIs, and
 * {@link SourceRecordRef}s to the events topic (a large {@code data:} image read back from its event); everything
 * is size-capped. Failures carry {@link ExplainException.Reason#IMAGE_NOT_ALLOWED},
 * {@link ExplainException.Reason#IMAGE_UNREADABLE} or {@link ExplainException.Reason#IMAGE_TOO_LARGE}, so the event
 * can go to the dead-letter topic with its reason. Implementations are thread-safe.
 */
public interface ImageSource {

  /** Returns the image bytes behind {@code uri}, or throws with a reason. */
  byte[] fetch(String uri) throws ExplainException;

  /**
   * The standard allow-list source.
   *
   * @param fileRoots directories whose files may be read (symlinks must resolve inside them too)
   * @param httpHosts host names ({@code host} or {@code host:port}) that may be fetched over http(s)
   * @param maxBytes largest encoded image accepted, from any source
   * @param maxPixels largest width * height accepted (checked on the image header, before any decode)
   */
  static ImageSource allowList(List<Path> fileRoots, List<String> httpHosts, long maxBytes, long maxPixels) {
    return new AllowListImageSource(List.of("file", "http", "https", "s3", "data"), fileRoots, httpHosts, maxBytes,
        maxPixels);
  }

  /**
   * The source a role uses: {@code image.uri.schemes}, {@code image.file.roots}, {@code image.http.hosts},
   * {@code image.s3.buckets} (with {@code image.s3.endpoint}, {@code image.s3.region}, {@code image.s3.path.style}),
   * {@code image.data.max.bytes} (the cap on any fetched image) and {@code image.max.pixels}.
   */
  static ImageSource fromConfig(CamstreamConfig config) {
    // With a cluster configured, the router's source-record references (kafka:<events topic>/<p>/<offset>, see
    // SourceRecordRef) are read back from the events topic.
    return AllowListImageSource.fromConfig(config);
  }
}
