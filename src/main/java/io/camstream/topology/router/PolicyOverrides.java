package io.camstream.topology.router;

import io.camstream.policy.PolicyJson;
import io.camstream.policy.PolicyPatch;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live policy overrides read from the global store (JSON text by scope key), parsed once per distinct value. The
 * store is only ever written with validated JSON, but a restore copies raw topic records, so a value that does not
 * parse is ignored here as well (logged once).
 */
final class PolicyOverrides {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyOverrides.class);

  private final KeyValueStore<String, String> store;
  private final Map<String, Parsed> cache = new HashMap<>();

  PolicyOverrides(KeyValueStore<String, String> store) {
    this.store = store;
  }

  /** The override of a scope, or null. */
  PolicyPatch get(String scope) {
    String json = store.get(scope);
    if (json == null) {
      cache.remove(scope);
      return null;
    }
    Parsed p = cache.get(scope);
    if (p == null || !p.json.equals(json)) {
      p = new Parsed(json, parse(scope, json));
      cache.put(scope, p);
    }
    return p.patch;
  }

  private static PolicyPatch parse(String scope, String json) {
    try {
      return PolicyJson.patch(json);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring policy override {}: {}", scope, e.getMessage());
      return null;
    }
  }

  private record Parsed(String json, PolicyPatch patch) {}
}
