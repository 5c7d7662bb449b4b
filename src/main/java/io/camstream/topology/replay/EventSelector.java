package io.camstream.topology.replay;

import java.util.Optional;

/**
 * The router's decision for one raw inference event: the explain request it would publish, or empty when the
 * event is invalid or not selected. Replay runs events through this, so it selects exactly what the router would.
 */
@FunctionalInterface
public interface EventSelector {

  Optional<byte[]> select(byte[] key, byte[] value);
}
