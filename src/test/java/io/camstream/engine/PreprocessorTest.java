package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.ModelSpec;
import io.camstream.render.DecodedImage;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The three resize rules and the normalisation, on images small enough to check by hand. */
class PreprocessorTest {

  static ModelSpec.Input input(String resize, int h, int w, String order) {
    return new ModelSpec.Input(resize, h, w, 960, 32, order, 1 / 255.0, List.of(0.1, 0.2, 0.3),
        List.of(0.5, 0.25, 0.125), 0f, null);
  }

  @Test
  void keepRatioPadResizesToTheHeightAndPadsTheRight() {
    Preprocessor p = new Preprocessor(input("keep-ratio-pad", 48, 192, "BGR"));
    assertThat(p.resizedSize(100, 50)).containsExactly(96, 48);   // ceil(48 * 2) = 96
    assertThat(p.resizedSize(101, 50)).containsExactly(97, 48);   // ceil(96.96) = 97
    assertThat(p.resizedSize(400, 64)).containsExactly(192, 48);  // capped at the width
  }

  @Test
  void longestSideRoundsHalfToEvenLikePython() {
    Preprocessor p = new Preprocessor(input("longest-side", 640, 640, "BGR"));
    assertThat(p.resizedSize(640, 480)).containsExactly(640, 480);
    assertThat(p.resizedSize(362, 78)).containsExactly(352, 64);  // 11.31 -> 11, 2.44 -> 2
    assertThat(p.resizedSize(80, 16)).containsExactly(64, 32);    // round(2.5) = 2 (half to even), round(0.5) = 0 -> 32
    assertThat(p.resizedSize(2000, 1000)).containsExactly(960, 480); // limited to 960 on the long side
  }

  @Test
  void normalisesEachChannelInTheModelsOrderAndPadsWithThePadValue() {
    // 2x1 image: pixel 0 = (B,G,R) = (255, 0, 51), pixel 1 = (0, 255, 102)
    DecodedImage img = new DecodedImage(2, 1, new byte[] {(byte) 255, 0, 51, 0, (byte) 255, 102}, "x");
    Preprocessor.Prepared bgr = new Preprocessor(input("keep-ratio-pad", 1, 4, "BGR")).prepare(img);
    assertThat(bgr.width()).isEqualTo(4);
    assertThat(bgr.contentWidth()).isEqualTo(2);
    // channel 0 = B: (1 - 0.1) / 0.5 = 1.8, (0 - 0.1) / 0.5 = -0.2, then padding 0
    assertThat(bgr.chw()).containsExactly(new float[] {1.8f, -0.2f, 0f, 0f, -0.8f, 3.2f, 0f, 0f,
        -0.8f, 0.8f, 0f, 0f}, Offset.offset(1e-5f));
    Preprocessor.Prepared rgb = new Preprocessor(input("keep-ratio-pad", 1, 4, "RGB")).prepare(img);
    // channel 0 = R: (0.2 - 0.1) / 0.5 = 0.2, (0.4 - 0.1) / 0.5 = 0.6
    assertThat(rgb.chw()[0]).isCloseTo(0.2f, Offset.offset(1e-5f));
    assertThat(rgb.chw()[1]).isCloseTo(0.6f, Offset.offset(1e-5f));
  }

  @Test
  void shortSideCropResizesTheShortSideThenTakesTheCentre() {
    Preprocessor p = new Preprocessor(new ModelSpec.Input("short-side-crop", 2, 2, 4, null, "BGR", 1.0,
        null, null, null, null));
    assertThat(p.resizedSize(8, 4)).containsExactly(8, 4);   // short side 4 already
    assertThat(p.resizedSize(3, 6)).containsExactly(4, 8);
    // 4x4 image (already short side 4), pixel value = 10*y + x in every channel: the centre 2x2 is (1..2, 1..2)
    byte[] bgr = new byte[4 * 4 * 3];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        java.util.Arrays.fill(bgr, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3, (byte) (10 * y + x));
      }
    }
    Preprocessor.Prepared out = p.prepare(new DecodedImage(4, 4, bgr, "x"));
    assertThat(out.width()).isEqualTo(2);
    assertThat(out.height()).isEqualTo(2);
    assertThat(java.util.Arrays.copyOf(out.chw(), 4)).containsExactly(11f, 12f, 21f, 22f);
  }
}
