package io.camstream.topology.router;

import io.camstream.policy.ImageAllowList;
import io.camstream.topology.DeadLetters;
import java.util.Optional;

/** Refuses image URIs outside the allow-list (IMAGE_NOT_ALLOWED), before any explainer tries to fetch them. */
final class CheckImage extends RouterStep {

  private final ImageAllowList allowList;

  CheckImage(String next, RouterMetrics metrics, ImageAllowList allowList) {
    super(next, metrics);
    this.allowList = allowList;
  }

  @Override
  Verdict check(RouterItem item) {
    Optional<String> v = allowList.violation(item.event().image().uri());
    return v.isPresent() ? Verdict.fail(DeadLetters.Reason.IMAGE_NOT_ALLOWED, v.get()) : Verdict.pass(item);
  }
}
