package io.camstream.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The roles {@code camstream run --role} knows, by name, in start order. To add a role, add one
 * {@code register(...)} line below.
 */
public final class Roles {

  private static final Map<String, Role> ROLES = new LinkedHashMap<>();

  static {
    // One line per role; `--role all` starts them in this order.
    register(new io.camstream.topology.router.RouterRole());
    register(new io.camstream.topology.explainer.ExplainerRole());
    register(new io.camstream.review.ReviewRole());
  }

  private Roles() {}

  private static void register(Role role) {
    ROLES.put(role.name(), role);
  }

  /** Every role, by name, in start order. */
  public static Map<String, Role> all() {
    return Collections.unmodifiableMap(ROLES);
  }

  /** The role of that name; {@link IllegalArgumentException} listing the known ones otherwise. */
  public static Role get(String name) {
    Role r = ROLES.get(name);
    if (r == null) {
      throw new IllegalArgumentException("unknown role '" + name + "'; known roles: "
          + String.join(", ", ROLES.keySet()) + ", all");
    }
    return r;
  }
}
