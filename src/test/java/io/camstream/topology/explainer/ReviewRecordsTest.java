package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.event.ReviewRecord;
import io.camstream.explain.Explanation;
import org.junit.jupiter.api.Test;

class ReviewRecordsTest {

  @Test
  void largeMapsAreAreaAveragedDownToTheGridLimit() {
    // 64 x 2 map: left half 0, right half 1, with one hot cell at (1, 0)
    float[] v = new float[64 * 2];
    for (int y = 0; y < 2; y++) {
      for (int x = 32; x < 64; x++) {
        v[y * 64 + x] = 1f;
      }
    }
    v[1] = 0.8f;
    ReviewRecord.Grid g = ReviewRecords.grid(new Explanation.Grid(64, 2, v));
    assertThat(g.width()).isEqualTo(ReviewRecords.MAX_GRID_SIDE);
    assertThat(g.height()).isEqualTo(2);
    // cell (0,0) averages source columns 0 and 1: (0 + 0.8) / 2
    assertThat(g.values()[0]).isEqualTo(0.4f);
    assertThat(g.values()[15]).isEqualTo(0f);
    assertThat(g.values()[16]).isEqualTo(1f);
    assertThat(g.values()[32]).isEqualTo(0f); // second row, first cell
  }

  @Test
  void smallMapsPassThroughRoundedTo3Decimals() {
    ReviewRecord.Grid g = ReviewRecords.grid(new Explanation.Grid(2, 1, new float[] {0.12345f, 1f}));
    assertThat(g.width()).isEqualTo(2);
    assertThat(g.values()).containsExactly(0.123f, 1f);
  }

  @Test
  void bufferedRequestsSurviveTheChangelogEncoding() {
    Buffered b = new Buffered(5L, 7L, "camstream.explain-requests.t-1-0-42", "line-1".getBytes(), new byte[] {1, 2});
    Buffered back = Buffered.decode(b.encode());
    assertThat(back.bufferedAtMs()).isEqualTo(5L);
    assertThat(back.timestamp()).isEqualTo(7L);
    assertThat(back.key()).isEqualTo("line-1".getBytes());
    assertThat(back.value()).containsExactly(1, 2);
    assertThat(back.sourceMetadata().topic()).isEqualTo("camstream.explain-requests.t-1");
    assertThat(back.sourceMetadata().partition()).isZero();
    assertThat(back.sourceMetadata().offset()).isEqualTo(42L);
    assertThat(Buffered.decode(new Buffered(1, 2, "unknown", null, new byte[0]).encode()).key()).isNull();
  }
}
