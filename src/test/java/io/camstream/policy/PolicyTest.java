package io.camstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.event.Events;
import io.camstream.event.InferenceEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {

  @TempDir Path tmp;

  @Test
  void narrowerScopesWinFieldByFieldAndTopicBeatsFileWithinAScope() throws Exception {
    Path f = tmp.resolve("policy.yaml");
    Files.writeString(f, """
        defaults:
          confidenceBelow: 0.5
          method: gradcam
        policies:
          "model:cls": {method: gradcampp, targetLayer: conv5}
          "line:L1": {privacy: heatmap-only}
          "line:L1|model:cls": {auditSampleRate: 0.5}
        """);
    PolicyResolver r = new PolicyResolver(PolicyFile.load(f));
    Map<String, PolicyPatch> topic = new HashMap<>();
    Policy p = r.resolve("L1", "cls", topic::get);
    assertThat(p).isEqualTo(new Policy(true, 0.5, true, 0.5, false, "conv5", "gradcampp", Policy.Privacy.HEATMAP_ONLY,
        null));
    topic.put("model:cls", PolicyJson.patch("{\"targetLayer\": \"conv3\", \"auditSampleRate\": 0.9}"));
    topic.put("line:L1", PolicyJson.patch("{\"roi\": {\"x\": 0.1, \"y\": 0.2, \"w\": 0.5, \"h\": 0.5}}"));
    p = r.resolve("L1", "cls", topic::get);
    assertThat(p.targetLayer()).isEqualTo("conv3");
    assertThat(p.auditSampleRate()).isEqualTo(0.5); // the file's line+model scope is narrower than the topic's model
    assertThat(p.roi()).isEqualTo(new Policy.Roi(0.1, 0.2, 0.5, 0.5));
    assertThat(r.resolve("L9", "other", topic::get)).isEqualTo(Policy.BUILT_IN.apply(
        new PolicyPatch(null, 0.5, null, null, null, null, "gradcam", null, null)));
  }

  @Test
  void badPolicyFilesAndValuesAreRefusedWithTheEntryNamed() throws Exception {
    Path f = tmp.resolve("bad.yaml");
    Files.writeString(f, "policies:\n  \"line:L1\": {confidenceBelow: 1.5}\n");
    assertThatThrownBy(() -> PolicyFile.load(f)).hasMessageContaining("line:L1").hasMessageContaining("confidenceBelow");
    Files.writeString(f, "policies:\n  \"camera:C1\": {enableExplain: true}\n");
    assertThatThrownBy(() -> PolicyFile.load(f)).hasMessageContaining("camera:C1");
    assertThatThrownBy(() -> PolicyJson.patch("{\"enableExplian\": true}")).hasMessageContaining("enableExplian");
    assertThatThrownBy(() -> PolicyJson.patch("{\"privacy\": \"blurred\"}")).isInstanceOf(
        IllegalArgumentException.class);
  }

  @Test
  void evaluationGivesEveryApplicableReasonInOrderAndNothingWhenDisabled() {
    InferenceEvent e = InferenceEvent.of(Events.classificationNode("x", "L1", "cls", 0.2, true, "file:/a.png"));
    Policy all = new Policy(true, 0.5, true, 1.0, true, null, null, null, null);
    assertThat(PolicyEvaluator.evaluate(e, all).reasons())
        .containsExactly("low-confidence", "new-sample", "audit-sample", "always");
    Policy off = new Policy(false, 0.5, true, 1.0, true, null, null, null, null);
    assertThat(PolicyEvaluator.evaluate(e, off).selected()).isFalse();
    Policy strict = new Policy(true, 0.2, false, 0.0, false, null, null, null, null);
    assertThat(PolicyEvaluator.evaluate(e, strict).selected()).isFalse(); // 0.2 is not below 0.2
  }

  @Test
  void auditFractionsAreSpreadEvenly() {
    int below = 0;
    for (int i = 0; i < 10_000; i++) {
      double f = PolicyEvaluator.auditFraction("evt-" + i);
      assertThat(f).isBetween(0.0, 1.0);
      if (f < 0.1) {
        below++;
      }
    }
    assertThat(below).isBetween(880, 1120); // binomial(10000, 0.1): ± 4 sigma
  }
}
