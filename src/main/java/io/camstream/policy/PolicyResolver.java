package io.camstream.policy;

import java.util.function.Function;

/**
 * Resolves the policy of an event, field by field, widest scope first: built-in defaults, the policy file's
 * defaults, then for each scope ({@code model:<id>}, {@code line:<lineId>}, {@code line:<lineId>|model:<id>}) the
 * file's entry and then the live override from the policies topic.
 */
public final class PolicyResolver {

  private final PolicyFile file;
  private final Policy base;

  public PolicyResolver(PolicyFile file) {
    this.file = file;
    this.base = Policy.BUILT_IN.apply(file.defaults());
  }

  /**
   * The policy for a line and model.
   *
   * @param overrides live overrides by scope key (null when a scope has none)
   */
  public Policy resolve(String lineId, String modelId, Function<String, PolicyPatch> overrides) {
    Policy p = base;
    for (String scope : PolicyKeys.scopes(lineId, modelId)) {
      p = p.apply(file.scoped().get(scope)).apply(overrides.apply(scope));
    }
    return p;
  }
}
