package io.camstream.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.camstream.explain.ExplainException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreCamTest {

  private static final int H = 4;
  private static final int W = 5;

  /** Channel k is a single blob at its own position; the scorer rewards masks that cover the target place. */
  @Test
  void peakLandsWhereTheScorerFindsEvidence() throws ExplainException {
    int[] blobAt = {0, 7, 13, 19, 4, 10};
    FeatureMaps f = blobs(blobAt, new float[] {1, 1, 1, 1, 1, 1});
    float[] target = new float[H * W];
    target[13] = 1;

    float[] map = new ScoreCam().compute(f, CamFixtures.patternScorer(target));

    assertThat(CamMath.argmax(map)).isEqualTo(13);
    // softmax([0,0,1,0,0,0]) puts e/(e+5) on the blob at 13 and 1/(e+5) on each other blob.
    assertThat((double) map[13]).isCloseTo(Math.E / (Math.E + 5), offset(1e-6));
    assertThat((double) map[7]).isCloseTo(1 / (Math.E + 5), offset(1e-6));
  }

  @Test
  void scoresOnlyTheStrongestChannelsLowerIndexFirstOnTies() throws ExplainException {
    int[] blobAt = {0, 7, 13, 19};
    FeatureMaps f = blobs(blobAt, new float[] {2, 3, 2, 1});
    List<float[]> seen = new ArrayList<>();
    MaskedScorer recording = (masks, h, w) -> {
      assertThat(h).isEqualTo(H);
      assertThat(w).isEqualTo(W);
      seen.addAll(masks);
      return new float[masks.size()];
    };

    float[] map = new ScoreCam(2).compute(f, recording);

    assertThat(seen).hasSize(2);
    // Channel 1 (max 3) first, then channel 0 wins the tie with channel 2 (both max 2); all scaled to [0,1].
    assertThat(seen.get(0)[7]).isEqualTo(1f);
    assertThat(seen.get(1)[0]).isEqualTo(1f);
    assertThat(map[13]).as("unscored channel contributes nothing").isEqualTo(0f);
    assertThat(map[7]).isEqualTo(1.5f);
    assertThat(map[0]).isEqualTo(1f);
  }

  @Test
  void badScorerAnswersAreEngineFailures() {
    FeatureMaps f = blobs(new int[] {0, 1}, new float[] {1, 1});
    assertThatThrownBy(() -> new ScoreCam().compute(f, (m, h, w) -> new float[1]))
        .isInstanceOf(ExplainException.class).hasMessageContaining("asked for 2 scores, got 1");
    assertThatThrownBy(() -> new ScoreCam().compute(f, (m, h, w) -> new float[] {1, Float.NaN}))
        .isInstanceOf(ExplainException.class).hasMessageContaining("non-finite");
    assertThatThrownBy(() -> new ScoreCam().compute(f, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ScoreCam(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static FeatureMaps blobs(int[] position, float[] height) {
    float[] a = new float[position.length * H * W];
    for (int k = 0; k < position.length; k++) {
      a[k * H * W + position[k]] = height[k];
    }
    return FeatureMaps.of(a, position.length, H, W);
  }
}
