package io.camstream.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class CamMathTest {

  @Test
  void normalizeScalesMinToZeroAndMaxToExactlyOne() {
    assertThat(CamMath.normalize(new float[] {2, 4, 3, 6})).containsExactly(0f, 0.5f, 0.25f, 1f);
    assertThat(CamMath.normalize(new float[] {-3, -1})).containsExactly(0f, 1f);
  }

  @Test
  void constantMapsNormaliseToZeroNotNaN() {
    assertThat(CamMath.normalize(new float[] {0, 0, 0})).containsExactly(0f, 0f, 0f);
    assertThat(CamMath.normalize(new float[] {5, 5})).containsExactly(0f, 0f);
    assertThatThrownBy(() -> CamMath.normalize(new float[] {1, Float.NaN}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1");
  }

  @Test
  void cropCopiesTheRectangle() {
    float[] map = new float[4 * 3];
    for (int i = 0; i < map.length; i++) {
      map[i] = i;
    }
    // 4 wide, 3 tall; the 2x2 block at (1,1) holds 5,6 / 9,10.
    assertThat(CamMath.crop(map, 4, 3, 1, 1, 2, 2)).containsExactly(5f, 6f, 9f, 10f);
    assertThat(CamMath.crop(map, 4, 3, 0, 0, 4, 3)).containsExactly(map);
    assertThatThrownBy(() -> CamMath.crop(map, 4, 3, 3, 0, 2, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pearsonOfLinearRelations() {
    float[] a = {1, 2, 4, 8};
    float[] up = {3, 5, 9, 17};
    float[] down = {-1, -3, -7, -15};
    assertThat(CamMath.pearson(a, up)).isCloseTo(1.0, offset(1e-12));
    assertThat(CamMath.pearson(a, down)).isCloseTo(-1.0, offset(1e-12));
    assertThat(CamMath.pearson(a, new float[] {2, 2, 2, 2})).isZero();
    // Independent value: x = 1..4, y = 2,1,4,3 -> r = 0.6.
    assertThat(CamMath.pearson(new float[] {1, 2, 3, 4}, new float[] {2, 1, 4, 3})).isCloseTo(0.6, offset(1e-12));
  }

  @Test
  void argmaxTakesTheFirstOnTies() {
    assertThat(CamMath.argmax(new float[] {1, 3, 2, 3})).isEqualTo(1);
    assertThat(CamMath.argmax(new float[] {-5})).isZero();
  }
}
