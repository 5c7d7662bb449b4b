package io.camstream.model.grad;

/**
 * An op camstream has a grad-op maker for, written in a form (slots, attributes, tensor-valued inputs) the maker
 * does not handle: the cause is the exporter's op variant, not a missing op.
 */
public class OpVariantException extends UnsupportedOpException {

  private final String detail;

  public OpVariantException(String opType, String detail) {
    this(opType, detail, null);
  }

  public OpVariantException(String opType, String detail, String layer) {
    super(opType, layer, "op '" + opType + "' " + detail + ": camstream has no gradient for this variant;"
        + " re-export the model with a Paddle 2.x exporter or pick a layer after this op");
    this.detail = detail;
  }

  public String detail() {
    return detail;
  }
}
