package io.camstream.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class AttentionSamplerTest {

  private final AttentionSampler sampler = new AttentionSampler(4, 4);

  @Test
  void readsKeyGridRoiAndEventTime() throws Exception {
    ObjectNode r = Reviews.review("e1").line("L9").model("m", "2").prediction(3, "dent", 0.2)
        .roi(0.25, 0, 0.75, 1).grid(2, 2, 1, 0, 0, 0).node();
    assertThat(AttentionSampler.key(r)).isEqualTo(new AttentionKey("m", "L9", "dent"));
    AttentionSample s = sampler.sample(r, 42).orElseThrow();
    assertThat(s.grid().values()).containsExactly(1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(s.roi()).isEqualTo(new Roi(0.25, 0, 0.75, 1));
    assertThat(s.timestamp()).isEqualTo(42);
    assertThat(AttentionSampler.eventTime(r)).hasValue(java.time.Instant.parse("2026-11-28T10:00:00Z").toEpochMilli());
    r.put("timestamp", "2026-11-28T11:00:00+01:00");
    assertThat(AttentionSampler.eventTime(r)).hasValue(java.time.Instant.parse("2026-11-28T10:00:00Z").toEpochMilli());
    r.put("timestamp", 1234L);
    assertThat(AttentionSampler.eventTime(r)).hasValue(1234L);
    r.put("timestamp", "yesterday");
    assertThat(AttentionSampler.eventTime(r)).isEmpty();
  }

  @Test
  void classFallsBackToTheExplainedPredictionForDetections() throws Exception {
    ObjectNode r = Reviews.review("e1").node();
    r.putNull("prediction");
    ((ObjectNode) r.get("explanation")).putObject("modelPrediction").put("classIndex", 1).put("label", "crack")
        .put("score", 0.9);
    assertThat(AttentionSampler.classLabel(r)).isEqualTo("crack");
    ((ObjectNode) r.get("explanation")).remove("modelPrediction");
    assertThat(AttentionSampler.classLabel(r)).isEqualTo("0");
  }

  @Test
  void acceptsRoiShapesAndRejectsBadOnes() throws Exception {
    assertThat(AttentionSampler.roi(Reviews.MAPPER.readTree("[0.1, 0.2, 0.3, 0.4]")))
        .isEqualTo(new Roi(0.1, 0.2, 0.3, 0.4));
    assertThat(AttentionSampler.roi(Reviews.MAPPER.readTree("{\"x\":0,\"y\":0,\"width\":0.5,\"height\":1}")))
        .isEqualTo(new Roi(0, 0, 0.5, 1));
    assertThat(AttentionSampler.roi(Reviews.MAPPER.readTree("null"))).isEqualTo(Roi.WHOLE);
    assertThatThrownBy(() -> AttentionSampler.roi(Reviews.MAPPER.readTree("{\"x\":0.8,\"y\":0,\"w\":0.5,\"h\":1}")))
        .hasMessageContaining("x+w<=1");
    assertThatThrownBy(() -> AttentionSampler.roi(Reviews.MAPPER.readTree("\"left\"")))
        .hasMessageContaining("must be {x,y,w,h}");
    ObjectNode r = Reviews.review("e1").grid(2, 2, 1, 0, 0).node();
    assertThatThrownBy(() -> sampler.sample(r, 0)).hasMessageContaining("needs 4 values, got 3");
    assertThat(sampler.sample(Reviews.review("e2").noGrid().node(), 0)).isEmpty();
  }

  @Test
  void heatmapColoursRunFromDarkToBright() {
    assertThat(HeatmapPng.colour(0)).isEqualTo(0x000004);
    assertThat(HeatmapPng.colour(1)).isEqualTo(0xfcffa4);
    assertThat(HeatmapPng.colour(0.5)).isEqualTo(0xbc3754);
    assertThat(HeatmapPng.colour(2)).isEqualTo(HeatmapPng.colour(1));
  }
}
