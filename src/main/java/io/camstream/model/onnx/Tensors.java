package io.camstream.model.onnx;

import io.camstream.model.Tensor;

/** Constant folding of the layout ops the explain program applies to filters (transpose2, flip). */
final class Tensors {

  private Tensors() {}

  /** {@code out.dims[i] = x.dims[perm[i]]}, as Paddle's transpose2 with {@code axis = perm}. */
  static Tensor transpose(Tensor x, long[] perm) {
    long[] in = x.dims();
    int rank = in.length;
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = in[(int) perm[i]];
    }
    long[] inStrides = strides(in);
    float[] dst = gather(x.data(), out, idx -> {
      long from = 0;
      for (int i = 0; i < rank; i++) {
        from += idx[i] * inStrides[(int) perm[i]];
      }
      return from;
    });
    return new Tensor(x.name() + "@T", out, dst);
  }

  /** Reverses the given axes (negative ones count from the end), as Paddle's flip. */
  static Tensor flip(Tensor x, long[] axes) {
    long[] dims = x.dims();
    int rank = dims.length;
    boolean[] flipped = new boolean[rank];
    for (long a : axes) {
      flipped[(int) (a < 0 ? a + rank : a)] = true;
    }
    long[] strides = strides(dims);
    float[] dst = gather(x.data(), dims, idx -> {
      long from = 0;
      for (int i = 0; i < rank; i++) {
        from += (flipped[i] ? dims[i] - 1 - idx[i] : idx[i]) * strides[i];
      }
      return from;
    });
    return new Tensor(x.name() + "@F", dims.clone(), dst);
  }

  /** {@code out[i] = src[from(index of i)]} over every row-major index of {@code outDims}. */
  private static float[] gather(float[] src, long[] outDims, java.util.function.ToLongFunction<int[]> from) {
    float[] dst = new float[src.length];
    int[] idx = new int[outDims.length];
    for (int flat = 0; flat < dst.length; flat++) {
      dst[flat] = src[(int) from.applyAsLong(idx)];
      next(idx, outDims);
    }
    return dst;
  }

  private static long[] strides(long[] dims) {
    long[] s = new long[dims.length];
    long acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /** Row-major increment of a multi-index. */
  private static void next(int[] idx, long[] dims) {
    for (int i = idx.length - 1; i >= 0; i--) {
      if (++idx[i] < dims[i]) {
        return;
      }
      idx[i] = 0;
    }
  }
}
