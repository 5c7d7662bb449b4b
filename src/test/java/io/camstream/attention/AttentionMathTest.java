package io.camstream.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AttentionMathTest {

  private static final double EPS = 1e-12;

  private static HeatGrid grid(int w, int h, double... v) {
    return new HeatGrid(w, h, v);
  }

  @Test
  void centroidOfOneHotCellIsItsCentre() {
    Centroid c = AttentionMath.centroid(grid(2, 2, 1, 0, 0, 0));
    assertThat(c.x()).isCloseTo(0.25, within(EPS));
    assertThat(c.y()).isCloseTo(0.25, within(EPS));
    assertThat(AttentionMath.spread(grid(2, 2, 1, 0, 0, 0))).isCloseTo(0, within(EPS));
  }

  @Test
  void centroidAndSpreadAreMassWeighted() {
    // mass 1 at (1/8, 1/2) and 3 at (7/8, 1/2) on a 4x1 strip
    HeatGrid g = grid(4, 1, 1, 0, 0, 3);
    Centroid c = AttentionMath.centroid(g);
    assertThat(c.x()).isCloseTo((1 * 0.125 + 3 * 0.875) / 4, within(EPS)); // 0.6875
    assertThat(c.y()).isCloseTo(0.5, within(EPS));
    // distances 0.5625 and 0.1875: variance = (1*0.31640625 + 3*0.03515625) / 4 = 0.10546875
    assertThat(AttentionMath.spread(g)).isCloseTo(Math.sqrt(0.10546875), within(EPS));
  }

  @Test
  void emptyGridHasCentreAndNoShare() {
    HeatGrid g = HeatGrid.zeros(3, 3);
    assertThat(AttentionMath.centroid(g)).isEqualTo(new Centroid(0.5, 0.5));
    assertThat(AttentionMath.spread(g)).isZero();
    assertThat(AttentionMath.outsideShare(g, new Roi(0, 0, 0.5, 0.5))).isZero();
  }

  @Test
  void outsideShareSplitsCellsByArea() {
    HeatGrid g = grid(2, 2, 1, 0, 0, 0);
    assertThat(AttentionMath.outsideShare(g, new Roi(0.5, 0, 0.5, 1))).isCloseTo(1, within(EPS));
    assertThat(AttentionMath.outsideShare(g, new Roi(0, 0, 0.5, 0.5))).isCloseTo(0, within(EPS));
    // the box covers the right half of the hot cell
    assertThat(AttentionMath.outsideShare(g, new Roi(0.25, 0, 0.75, 1))).isCloseTo(0.5, within(EPS));
    // the box covers a quarter of the hot cell (half its width, half its height)
    assertThat(AttentionMath.outsideShare(g, new Roi(0.25, 0.25, 0.75, 0.75))).isCloseTo(0.75, within(EPS));
    assertThat(AttentionMath.outsideShare(g, Roi.WHOLE)).isCloseTo(0, within(EPS));
  }

  @Test
  void outsideShareMixesCells() {
    // left column mass 2+2, right column 1+3; ROI = left column
    HeatGrid g = grid(2, 2, 2, 1, 2, 3);
    assertThat(AttentionMath.outsideMass(g, new Roi(0, 0, 0.5, 1))).isCloseTo(4, within(EPS));
    assertThat(AttentionMath.outsideShare(g, new Roi(0, 0, 0.5, 1))).isCloseTo(0.5, within(EPS));
  }

  @Test
  void resampleUpKeepsBlocks() {
    HeatGrid up = grid(2, 2, 1, 0, 0, 0).resample(4, 4);
    assertThat(up.values()).containsExactly(
        1, 1, 0, 0,
        1, 1, 0, 0,
        0, 0, 0, 0,
        0, 0, 0, 0);
    assertThat(AttentionMath.centroid(up)).isEqualTo(new Centroid(0.25, 0.25));
    // four cells at distance sqrt(2)/8 from the centroid
    assertThat(AttentionMath.spread(up)).isCloseTo(Math.sqrt(2) / 8, within(EPS));
  }

  @Test
  void resampleNonIntegerRatioIsAreaWeighted() {
    // 3 -> 2: target 0 covers [0, .5] = all of cell a (1/3) and half of cell b (1/6)
    HeatGrid r = grid(3, 1, 3, 6, 9).resample(2, 1);
    assertThat(r.values()[0]).isCloseTo(2.0 / 3 * 3 + 1.0 / 3 * 6, within(EPS)); // 4
    assertThat(r.values()[1]).isCloseTo(1.0 / 3 * 6 + 2.0 / 3 * 9, within(EPS)); // 8
    assertThat(r.height()).isEqualTo(1);
  }

  @Test
  void resampleKeepsRegionSharesOnAlignedBoxes() {
    HeatGrid g = grid(7, 7, randomish(49));
    Roi roi = new Roi(0, 0, 3.0 / 7, 1); // aligned with the source columns only
    Roi half = new Roi(0, 0, 0.5, 0.5); // aligned with the 16x16 target cells only
    HeatGrid r = g.resample(14, 14); // every source edge is a target edge
    assertThat(AttentionMath.outsideShare(r, roi)).isCloseTo(AttentionMath.outsideShare(g, roi), within(1e-12));
    assertThat(r.mass() / (14 * 14)).isCloseTo(g.mass() / 49, within(1e-12));
    HeatGrid s = g.resample(16, 16);
    assertThat(s.mass() / 256).isCloseTo(g.mass() / 49, within(1e-12));
    // the mean over the top-left quarter equals the area-weighted mean of the source over that quarter
    assertThat(AttentionMath.outsideShare(s, half)).isCloseTo(AttentionMath.outsideShare(g, half), within(1e-12));
  }

  @Test
  void rejectsBadGrids() {
    assertThatThrownBy(() -> grid(2, 2, 1, 2, 3)).hasMessageContaining("needs 4 values, got 3");
    assertThatThrownBy(() -> grid(1, 1, -1)).hasMessageContaining("not a finite non-negative");
    assertThatThrownBy(() -> grid(1, 1, Double.NaN)).hasMessageContaining("not a finite non-negative");
    assertThatThrownBy(() -> new Roi(0.6, 0, 0.5, 1)).hasMessageContaining("x+w<=1");
  }

  private static double[] randomish(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * 37 + 11) % 17) / 16.0;
    }
    return v;
  }
}
