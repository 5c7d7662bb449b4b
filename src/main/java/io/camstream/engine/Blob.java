package io.camstream.engine;

import java.util.Arrays;

/** A float tensor copied out of (or into) the native engine: shape plus row-major data. */
public record Blob(long[] shape, float[] data) {

  public Blob {
    long n = 1;
    for (long d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException("shape must be positive: " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
          + data.length);
    }
  }

  /** Values of batch item {@code i} (the data itself, not a copy, when the batch has one item). */
  public float[] item(int i) {
    if (shape[0] == 1 && i == 0) {
      return data;
    }
    int per = data.length / (int) shape[0];
    return Arrays.copyOfRange(data, i * per, (i + 1) * per);
  }

  public int batch() {
    return (int) shape[0];
  }

  @Override
  public String toString() {
    return "Blob" + Arrays.toString(shape);
  }
}
