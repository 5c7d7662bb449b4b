package io.camstream.review.auth;

/**
 * Who made a request, as established by the server (never taken from a request body).
 *
 * @param name the reviewer's name, recorded on every decision
 * @param role what the reviewer may do
 * @param source how the name was established: {@code token} (the shared demo token), {@code account} (the
 *     accounts file) or {@code proxy} (a trusted SSO reverse proxy's header)
 */
public record Identity(String name, Role role, String source) {

  /** Reviewers decide; admins also read the decision audit trail. */
  public enum Role {
    REVIEWER, ADMIN;

    /** The role as written in the accounts file and in decisions. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@code reviewer} or {@code admin}. */
    public static Role of(String s) {
      return switch (s) {
        case "reviewer" -> REVIEWER;
        case "admin" -> ADMIN;
        default -> throw new IllegalArgumentException("role must be reviewer or admin, not '" + s + "'");
      };
    }
  }

  public Identity {
    if (name == null || name.isBlank() || !Accounts.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a reviewer name is 1-64 letters, digits, '.', '_', '-' or '@'");
    }
  }

  /** True for admins. */
  public boolean admin() {
    return role == Role.ADMIN;
  }
}
