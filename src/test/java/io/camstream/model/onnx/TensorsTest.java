package io.camstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.Tensor;
import org.junit.jupiter.api.Test;

class TensorsTest {

  /** A [2,3,2,2] filter with value 1000*o + 100*c + 10*y + x, so every element names its own index. */
  private static Tensor filter() {
    float[] v = new float[24];
    int i = 0;
    for (int o = 0; o < 2; o++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 2; y++) {
          for (int x = 0; x < 2; x++) {
            v[i++] = 1000 * o + 100 * c + 10 * y + x;
          }
        }
      }
    }
    return new Tensor("w", new long[] {2, 3, 2, 2}, v);
  }

  @Test
  void transposeSwapsTheChannelAxes() {
    Tensor t = Tensors.transpose(filter(), new long[] {1, 0, 2, 3});
    assertThat(t.dims()).containsExactly(3, 2, 2, 2);
    // t[c][o][y][x] = w[o][c][y][x]
    assertThat(t.data()[((2 * 2 + 1) * 2 + 1) * 2 + 0]).isEqualTo(1000 * 1 + 100 * 2 + 10 * 1 + 0);
    assertThat(t.data()[((1 * 2 + 0) * 2 + 0) * 2 + 1]).isEqualTo(100 * 1 + 1);
  }

  @Test
  void flipReversesTheSpatialAxes() {
    Tensor f = Tensors.flip(filter(), new long[] {-2, 3});
    assertThat(f.dims()).containsExactly(2, 3, 2, 2);
    // f[o][c][y][x] = w[o][c][1-y][1-x]
    assertThat(f.data()[((1 * 3 + 2) * 2 + 0) * 2 + 0]).isEqualTo(1000 + 200 + 10 + 1);
    assertThat(f.data()[((0 * 3 + 1) * 2 + 1) * 2 + 0]).isEqualTo(100 + 0 + 1);
  }
}
