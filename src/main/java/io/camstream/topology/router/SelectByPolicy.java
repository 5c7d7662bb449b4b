package io.camstream.topology.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.event.EventDigest;
import io.camstream.event.ExplainRequest;
import io.camstream.event.InferenceEvent;
import io.camstream.event.Json;
import io.camstream.io.SourceRecordRef;
import io.camstream.policy.Policy;
import io.camstream.policy.PolicyEvaluator;
import io.camstream.policy.PolicyResolver;
import io.camstream.policy.Selection;
import io.camstream.topology.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Resolves the event's policy (file defaults plus the live overrides in the global policies store), applies it,
 * and sends selected events on as explain requests, keyed by eventId to the duplicate check
 * ({@link DedupEventIds}), which keys them by lineId again. Unselected events end here.
 *
 * <p>A request stays small whatever the event: above {@link #INLINE_MAX_BYTES}, a {@code data:} image is replaced
 * by a {@link SourceRecordRef} to the event record (plus the image's sha256), and a request that is still above
 * {@link #REQUEST_MAX_BYTES} is dead-lettered as {@code EVENT_TOO_LARGE} rather than left to fail in the producer.
 */
final class SelectByPolicy implements Processor<byte[], RouterItem, byte[], Object> {

  /** Requests up to this size carry the whole event. */
  static final int INLINE_MAX_BYTES = 256 * 1024;
  /**
   * No request is larger (well under the 1 MiB of io.camstream.kafka.Topics.OWN_RECORD_MAX_BYTES), nor larger than
   * the producer's max.request.size less 16 KiB: under exactly-once a record the producer refuses aborts the whole
   * transaction, and no exception handler can then save the partition.
   */
  static final int REQUEST_MAX_BYTES = 768 * 1024;
  /** Input headers larger than this in total are not copied to the request. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private final RouterMetrics metrics;
  private final PolicyResolver resolver;
  private final String eventsTopic;
  private final int requestMax;
  private PolicyOverrides overrides;
  private ProcessorContext<byte[], Object> context;

  SelectByPolicy(RouterMetrics metrics, PolicyResolver resolver, String eventsTopic, int requestMax) {
    this.metrics = metrics;
    this.resolver = resolver;
    this.eventsTopic = eventsTopic;
    this.requestMax = requestMax;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
    KeyValueStore<String, String> store = context.getStateStore(RouterTopology.POLICY_STORE);
    this.overrides = new PolicyOverrides(store);
  }

  @Override
  public void process(Record<byte[], RouterItem> record) {
    InferenceEvent e = record.value().event();
    Policy policy = resolver.resolve(e.lineId(), e.model().id(), overrides::get);
    Selection s = PolicyEvaluator.evaluate(e, policy);
    if (!s.selected()) {
      metrics.skipped();
      return;
    }
    byte[] value = Json.bytes(new ExplainRequest(e, policy, s.reasons()));
    if (value.length > INLINE_MAX_BYTES) {
      InferenceEvent referenced = referenced(e);
      if (referenced != null) {
        value = Json.bytes(new ExplainRequest(referenced, policy, s.reasons()));
      }
    }
    if (value.length > requestMax) {
      deadLetter(record.value(), "the explain request would take " + value.length + " bytes (at most "
          + requestMax + ", from the producer's max.request.size); only a data: image is carried by reference, the "
          + "event's other fields are too large");
      return;
    }
    metrics.selected(s.reasons());
    Headers headers = DeadLetters.recordBytes(null, null, record.headers()) > MAX_HEADER_BYTES
        ? new RecordHeaders() : new RecordHeaders(record.headers().toArray());
    context.recordMetadata().ifPresent(m -> headers.add(DedupEventIds.SOURCE_HEADER,
        DeadLetters.source(m).getBytes(StandardCharsets.UTF_8)));
    // the duplicate check compares the event as the line sent it, not the request's by-reference copy
    headers.add(DedupEventIds.DIGEST_HEADER, EventDigest.sha256(e.json()).getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(e.eventId().getBytes(StandardCharsets.UTF_8), (Object) value, record.timestamp(),
        headers), RouterTopology.BY_EVENT_ID_SINK);
  }

  /** The event with its data: image replaced by a reference to this very record; null when there is none. */
  private InferenceEvent referenced(InferenceEvent e) {
    String uri = e.image().uri();
    RecordMetadata m = context.recordMetadata().orElse(null);
    if (m == null || !m.topic().equals(eventsTopic) || uri == null || !uri.regionMatches(true, 0, "data:", 0, 5)) {
      return null;
    }
    ObjectNode json = e.toJson();
    ObjectNode image = (ObjectNode) json.get("image");
    image.put("uri", new SourceRecordRef(m.topic(), m.partition(), m.offset()).uri());
    String declared = e.image().sha256();
    if (declared == null || declared.isEmpty()) {
      // The explainer checks what it reads back against this, so a reference can never explain other bytes.
      int comma = uri.indexOf(',');
      try {
        image.put("sha256", DeadLetters.sha256(
            Base64.getDecoder().decode(uri.substring(comma + 1).replaceAll("[\\r\\n]", ""))));
      } catch (IllegalArgumentException | StringIndexOutOfBoundsException bad) {
        // Not decodable: the explainer reads the record and dead-letters it as IMAGE_UNREADABLE.
      }
    }
    return InferenceEvent.of(json);
  }

  private void deadLetter(RouterItem item, String message) {
    metrics.deadLettered(DeadLetters.Reason.EVENT_TOO_LARGE.name());
    Record<byte[], byte[]> dl = DeadLetters.of(item.original(), DeadLetters.Reason.EVENT_TOO_LARGE, message,
        DeadLetters.STAGE_ROUTER, context.recordMetadata());
    context.forward(dl.withValue((Object) dl.value()), RouterTopology.DEAD_LETTER_SINK);
  }
}
