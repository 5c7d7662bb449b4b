package io.camstream.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AttentionWindowTest {

  @Test
  void summaryOfTwoSamplesIsTheMeanMap() {
    Roi right = new Roi(0.5, 0, 0.5, 1);
    AttentionWindow w = AttentionWindow.empty(2, 1)
        .plus(new AttentionSample(new HeatGrid(2, 1, new double[] {1, 0}), right, 10))
        .plus(new AttentionSample(new HeatGrid(2, 1, new double[] {1, 1}), right, 20));
    AttentionSummary s = w.summary();
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.mean().values()).containsExactly(1.0, 0.5);
    // mean map (1, .5): centroid x = (.25*1 + .75*.5)/1.5
    assertThat(s.centroid().x()).isCloseTo(0.625 / 1.5, within(1e-12));
    // outside the right half: 1 of the mean's 1.5
    assertThat(s.outsideShare()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(s.outsideShare())
        .isCloseTo(AttentionMath.outsideShare(s.mean(), right), within(1e-12));
    assertThat(s.roi()).isEqualTo(right);
  }

  @Test
  void eachSampleUsesItsOwnRoiAndLatestRoiIsReported() {
    Roi left = new Roi(0, 0, 0.5, 1);
    Roi right = new Roi(0.5, 0, 0.5, 1);
    HeatGrid hotLeft = new HeatGrid(2, 1, new double[] {1, 0});
    AttentionWindow w = AttentionWindow.empty(2, 1)
        .plus(new AttentionSample(hotLeft, right, 30)) // all outside
        .plus(new AttentionSample(hotLeft, left, 5)); // all inside, but older
    assertThat(w.summary().outsideShare()).isCloseTo(0.5, within(1e-12));
    assertThat(w.roi()).isEqualTo(right);
    assertThat(w.lastTimestamp()).isEqualTo(30);
  }

  @Test
  void emptyWindowHasNoHeat() {
    AttentionSummary s = AttentionWindow.empty(4, 4).summary();
    assertThat(s.noHeat()).isTrue();
    assertThat(s.outsideShare()).isZero();
    assertThat(s.count()).isZero();
  }
}
