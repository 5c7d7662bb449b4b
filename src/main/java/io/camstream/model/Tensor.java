package io.camstream.model;

import java.util.Arrays;

/** A named float32 parameter tensor as stored in a combined {@code .pdiparams} file. */
public record Tensor(String name, long[] dims, float[] data) {

  public Tensor {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "tensor " + name + ": dims " + Arrays.toString(dims) + " need " + n + " values, got " + data.length);
    }
  }

  public int size() {
    return data.length;
  }
}
