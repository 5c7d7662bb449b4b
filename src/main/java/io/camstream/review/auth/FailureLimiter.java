package io.camstream.review.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Limits failed logins and failed bearer/basic checks per client address: after {@code max} failures within
 * {@code window}, further attempts from that address are refused until the oldest failure leaves the window. The
 * table is bounded; under a flood of distinct addresses it starts over rather than grow.
 */
public final class FailureLimiter {

  private static final int MAX_ADDRESSES = 10_000;

  private final int max;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Long>> failures = new HashMap<>();

  public FailureLimiter(int max, Duration window, Clock clock) {
    if (max < 1) {
      throw new IllegalArgumentException("max failures must be at least 1");
    }
    this.max = max;
    this.window = window;
    this.clock = clock;
  }

  /** Seconds the address must wait before its next attempt counts, or empty when it may try now. */
  public synchronized OptionalLong retryAfter(String address) {
    Deque<Long> d = failures.get(address);
    if (d == null) {
      return OptionalLong.empty();
    }
    long now = clock.millis();
    prune(d, now);
    if (d.isEmpty()) {
      failures.remove(address);
      return OptionalLong.empty();
    }
    if (d.size() < max) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, (d.peekFirst() + window.toMillis() - now + 999) / 1000));
  }

  /** Records a failure of the address. */
  public synchronized void failed(String address) {
    long now = clock.millis();
    if (failures.size() >= MAX_ADDRESSES && !failures.containsKey(address)) {
      failures.values().forEach(d -> prune(d, now));
      failures.values().removeIf(Deque::isEmpty);
      if (failures.size() >= MAX_ADDRESSES) {
        failures.clear();
      }
    }
    Deque<Long> d = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    d.addLast(now);
    while (d.size() > max) {
      d.removeFirst();
    }
  }

  private void prune(Deque<Long> d, long now) {
    while (!d.isEmpty() && d.peekFirst() + window.toMillis() <= now) {
      d.removeFirst();
    }
  }
}
