package io.camstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.event.Json;
import org.junit.jupiter.api.Test;

class ReplayDifferencesTest {

  private static JsonNode review(String sha, String method, String layer, String device, String version)
      throws Exception {
    return Json.MAPPER.readTree("""
        {"model": {"sha256": "%s"}, "explanation": {"method": "%s", "layer": "%s"},
         "explainer": {"host": "h", "device": "%s", "version": "%s"}}
        """.formatted(sha, method, layer, device, version));
  }

  @Test
  void eachRecordedDifferenceIsAReasonAndTheHashAlwaysIs() throws Exception {
    JsonNode original = review("aa", "gradcam", "conv5", "cpu", "1.0");
    assertThat(Replayer.differences(original, review("aa", "gradcam", "conv5", "cpu", "1.0")))
        .containsExactly("heatmap-differs");
    assertThat(Replayer.differences(original, review("bb", "layercam", "conv4", "gpu:0", "1.1")))
        .containsExactly("model-sha256-changed", "method-changed", "layer-changed", "device-changed",
            "version-changed", "heatmap-differs");
  }
}
