package io.camstream.model.grad;

/** An op on the gradient path that camstream has no grad-op maker for (or an unsupported form of one). */
public class UnsupportedOpException extends RuntimeException {

  private final String opType;

  public UnsupportedOpException(String opType, String layer) {
    super("no gradient maker for op '" + opType + "'" + (layer == null ? "" : " on the path from layer '" + layer
        + "' to the target"));
    this.opType = opType;
  }

  /** For subclasses with their own message. */
  protected UnsupportedOpException(String opType, String layer, String message) {
    super(message + (layer == null ? "" : " (on the path from layer '" + layer + "' to the target)"));
    this.opType = opType;
  }

  public String opType() {
    return opType;
  }
}
