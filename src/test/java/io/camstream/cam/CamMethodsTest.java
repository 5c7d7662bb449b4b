package io.camstream.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.camstream.explain.ExplainException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every registered method on the same seeded features and checks it against {@link ReferenceCams}. */
class CamMethodsTest {

  // 40 channels so that Score-CAM's top-32 selection is exercised; H != W to catch transposed indexing.
  private static final int C = 40;
  private static final int H = 5;
  private static final int W = 7;
  private static final FeatureMaps FEATURES = CamFixtures.random(42, C, H, W);
  private static final float[] PATTERN = CamFixtures.randomPattern(7, H * W);

  static Set<String> methods() {
    return CamMethods.names();
  }

  @ParameterizedTest
  @MethodSource("methods")
  void mapHasFeatureShapeIsNonNegativeAndDeterministic(String name) throws ExplainException {
    CamMethod method = CamMethods.byName(name);
    float[] first = method.compute(FEATURES, CamFixtures.patternScorer(PATTERN));
    float[] second = method.compute(copy(FEATURES), CamFixtures.patternScorer(PATTERN));

    assertThat(first).hasSize(H * W);
    for (float v : first) {
      assertThat(v).isFinite().isGreaterThanOrEqualTo(0f);
    }
    assertThat(max(first)).as("a random layer gives a non-trivial map").isGreaterThan(0f);
    assertThat(second).as("bit-identical on a second run").containsExactly(first);
  }

  @ParameterizedTest
  @MethodSource("methods")
  void matchesIndependentDoublePrecisionReference(String name) throws ExplainException {
    float[] actual = CamMethods.byName(name).compute(FEATURES, CamFixtures.patternScorer(PATTERN));
    double[] expected = ReferenceCams.compute(name, FEATURES, PATTERN);

    double scale = 1;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("%s at %d", name, i).isCloseTo(expected[i], offset(1e-5 * scale));
    }
  }

  @ParameterizedTest
  @MethodSource("methods")
  void gradientMethodsRefuseMissingGradients(String name) throws ExplainException {
    CamMethod method = CamMethods.byName(name);
    FeatureMaps noGradient = FeatureMaps.of(FEATURES.activation(), C, H, W);
    if (method.requiresGradients()) {
      assertThatThrownBy(() -> method.compute(noGradient, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs gradients");
    } else {
      assertThat(method.compute(noGradient, CamFixtures.patternScorer(PATTERN)))
          .containsExactly(method.compute(FEATURES, CamFixtures.patternScorer(PATTERN)));
    }
  }

  @ParameterizedTest
  @MethodSource("methods")
  void nonFiniteActivationIsAnEngineFailure(String name) {
    float[] a = FEATURES.activation().clone();
    a[17] = Float.NaN;
    FeatureMaps bad = new FeatureMaps(a, FEATURES.gradient(), C, H, W);
    assertThatThrownBy(() -> CamMethods.byName(name).compute(bad, CamFixtures.patternScorer(PATTERN)))
        .isInstanceOf(ExplainException.class)
        .hasMessageContaining("NaN")
        .satisfies(e -> assertThat(((ExplainException) e).reason()).isEqualTo(ExplainException.Reason.ENGINE_FAILED));
  }

  @Test
  void registryHoldsTheSevenMethodsWithGradcamFirst() {
    assertThat(CamMethods.names())
        .containsExactly("gradcam", "gradcampp", "xgradcam", "hirescam", "layercam", "eigencam", "scorecam");
    assertThat(CamMethods.byName(CamMethods.DEFAULT).name()).isEqualTo("gradcam");
    assertThat(CamMethods.byName(" GradCAMpp ").name()).isEqualTo("gradcampp");
    for (String name : CamMethods.names()) {
      assertThat(CamMethods.byName(name).name()).isEqualTo(name);
    }
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> CamMethods.byName("gradcam2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'gradcam2'")
        .hasMessageContaining("gradcam, gradcampp, xgradcam, hirescam, layercam, eigencam, scorecam");
    assertThatThrownBy(() -> CamMethods.byName(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void featureMapsValidateLengths() {
    assertThatThrownBy(() -> new FeatureMaps(new float[10], null, 2, 2, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected C*H*W = 2*2*3 = 12");
    assertThatThrownBy(() -> new FeatureMaps(new float[12], new float[11], 2, 2, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradient has 11 values");
    assertThatThrownBy(() -> FeatureMaps.of(new float[0], 0, 2, 3)).isInstanceOf(IllegalArgumentException.class);
  }

  private static FeatureMaps copy(FeatureMaps f) {
    return new FeatureMaps(f.activation().clone(), f.gradient().clone(), f.channels(), f.height(), f.width());
  }

  private static float max(float[] v) {
    float m = v[0];
    for (float x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
