package io.camstream.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SimilarityTest {

  @Test
  void identicalMapsCorrelatePerfectlyAndOverlapFully() {
    int[] a = {0, 10, 20, 255, 128, 3, 9, 200, 1, 0};
    assertThat(Similarity.pearson(a, a)).isCloseTo(1.0, Offset.offset(1e-12));
    assertThat(Similarity.topIou(a, a)).isEqualTo(1.0);
  }

  @Test
  void invertedMapsAnticorrelateAndShareNoHotPixels() {
    int[] a = {0, 50, 100, 150, 200, 250, 10, 20, 30, 40};
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = 255 - a[i];
    }
    assertThat(Similarity.pearson(a, b)).isCloseTo(-1.0, Offset.offset(1e-12));
    // hottest 20 %: a -> {250, 200}, b -> {0, 10} at other positions
    assertThat(Similarity.topIou(a, b)).isEqualTo(0.0);
  }

  @Test
  void partialOverlapIsCountedExactly() {
    int[] a = {255, 255, 0, 0, 0, 0, 0, 0, 0, 0};
    int[] b = {255, 0, 255, 0, 0, 0, 0, 0, 0, 0};
    assertThat(Similarity.topIou(a, b)).isCloseTo(1 / 3.0, Offset.offset(1e-12)); // {0} of {0,1,2}
    // plain-Java reference for the correlation: means 0.2*255, cov = (255-51)^2*1 + ... computed by hand
    double m = 51;
    double cov = (255 - m) * (255 - m) + 2 * (255 - m) * (0 - m) + 7 * m * m;
    double var = 2 * (255 - m) * (255 - m) + 8 * m * m;
    assertThat(Similarity.pearson(a, b)).isCloseTo(cov / var, Offset.offset(1e-12));
  }

  @Test
  void sizesMustMatch() {
    assertThatThrownBy(() -> Similarity.pearson(new int[3], new int[4])).hasMessageContaining("same");
  }
}
