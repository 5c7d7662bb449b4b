package io.camstream.io;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an inference event's {@code data:} image can be read again: the event record itself, by topic, partition
 * and offset, written as the URI {@code kafka:<topic>/<partition>/<offset>}. The router puts it in an explain
 * request instead of copying a large image (a request copying a multi-megabyte event would not fit the requests
 * topic); the explainer reads the record back and decodes the image from it. It stays valid as long as the events
 * topic keeps the record ({@code topic.retention.hours}, the same as the requests and reviews), so a replay of
 * requests or reviews finds the same bytes; the request also carries the image's sha256, which the explainer checks.
 *
 * @param topic the events topic
 * @param partition its partition
 * @param offset the event record's offset
 */
public record SourceRecordRef(String topic, int partition, long offset) {

  /** URI scheme of a source-record reference. */
  public static final String SCHEME = "kafka";

  private static final Pattern URI = Pattern.compile("kafka:([A-Za-z0-9._-]+)/([0-9]{1,9})/([0-9]{1,18})");

  /** {@code kafka:<topic>/<partition>/<offset>}. */
  public String uri() {
    return SCHEME + ":" + topic + "/" + partition + "/" + offset;
  }

  /** The reference a URI names, or empty when it is not a well-formed {@code kafka:} reference. */
  public static Optional<SourceRecordRef> parse(String uri) {
    Matcher m = URI.matcher(uri == null ? "" : uri);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new SourceRecordRef(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
  }
}
