package io.camstream.topology.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.event.InferenceEvent;
import org.apache.kafka.streams.processor.api.Record;

/**
 * An event on its way through the router's steps: the original record (what a dead letter carries) and what the
 * steps so far made of it.
 */
record RouterItem(Record<byte[], byte[]> original, ObjectNode json, InferenceEvent event) {

  RouterItem withEvent(InferenceEvent e) {
    return new RouterItem(original, json, e);
  }
}
