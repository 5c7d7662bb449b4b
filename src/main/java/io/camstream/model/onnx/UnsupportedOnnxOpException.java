package io.camstream.model.onnx;

/** An op (or an op's configuration) the Paddle to ONNX compiler has no translation for: the program stays on Paddle. */
public final class UnsupportedOnnxOpException extends RuntimeException {

  private final String opType;

  public UnsupportedOnnxOpException(String opType, String detail) {
    super("op " + opType + (detail == null ? "" : " (" + detail + ")") + " has no ONNX translation");
    this.opType = opType;
  }

  public String opType() {
    return opType;
  }
}
