package io.camstream.explain;

/**
 * A request that cannot be explained, with a machine-readable reason that ends up in the dead-letter topic's
 * headers and a one-line message for people. Thrown before any native call, so the JVM always survives it.
 */
public class ExplainException extends Exception {

  /** Why an explanation failed. */
  public enum Reason {
    IMAGE_UNREADABLE,
    IMAGE_UNDECODABLE,
    IMAGE_TOO_LARGE,
    WRONG_CHANNELS,
    IMAGE_NOT_ALLOWED,
    UNKNOWN_MODEL,
    UNKNOWN_LAYER,
    UNSUPPORTED_OP,
    UNKNOWN_METHOD,
    BAD_TARGET,
    ENGINE_FAILED,
    /** An op on the gradient path written in a form (exporter variant) camstream has no gradient for. */
    OP_VARIANT,
    /** The model spec does not fit the model (missing or wrong variables, keys). */
    BAD_SPEC,
    /** The encoded image ends early (a JPEG without its EOI marker, a PNG without IEND, a short BMP). */
    IMAGE_TRUNCATED,
    /** The request made an engine worker process die (or hang past its deadline) twice, alone in its batch. */
    ENGINE_CRASHED
  }

  private final Reason reason;

  public ExplainException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ExplainException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The one line a user sees: {@code REASON: message}. */
  public String line() {
    return reason + ": " + getMessage();
  }
}
