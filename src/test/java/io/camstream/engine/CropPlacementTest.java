package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.ModelSpec;
import io.camstream.render.DecodedImage;
import io.camstream.render.Images;
import io.camstream.render.RenderOptions;
import io.camstream.render.Rendered;
import io.camstream.render.Renderer;
import org.junit.jupiter.api.Test;

/**
 * short-side-crop (PaddleClas): the model sees only the centre crop of the resized image, so its map belongs over
 * that part of the original. The "map" here is the preprocessed input itself, so wherever the planted object shows
 * in the input is where the heat must land on the original.
 */
class CropPlacementTest {

  private static final ModelSpec.Input CROP = new ModelSpec.Input("short-side-crop", 50, 50, 50, null, "BGR",
      1 / 255.0, null, null, null, null);

  /** 200x100 black image with a white square at x 120..139, y 40..59: right of centre, inside the crop. */
  private static DecodedImage offCentre() {
    byte[] bgr = new byte[200 * 100 * 3];
    for (int y = 40; y < 60; y++) {
      for (int x = 120; x < 140; x++) {
        java.util.Arrays.fill(bgr, (y * 200 + x) * 3, (y * 200 + x) * 3 + 3, (byte) 255);
      }
    }
    return new DecodedImage(200, 100, bgr, "off-centre");
  }

  @Test
  void theViewIsTheCentreCropInOriginalPixels() {
    // 200x100 -> short side 50 -> 100x50; the centre 50x50 starts at x 25 = 50 original pixels, and is 100 wide
    Preprocessor.Prepared p = new Preprocessor(CROP).prepare(offCentre());
    assertThat(p.view()).containsExactly(50.0, 0.0, 100.0, 100.0);
    assertThat(p.contentFracX()).isEqualTo(1.0);
  }

  @Test
  void theHeatmapLiesOverTheCropAndPeaksOnTheObject() throws Exception {
    DecodedImage img = offCentre();
    Preprocessor.Prepared p = new Preprocessor(CROP).prepare(img);
    float[] map = java.util.Arrays.copyOf(p.chw(), 50 * 50); // channel 0: the object is bright, the rest 0
    Rendered r = Renderer.render(img, map, 50, 50, p.contentFracX(), p.contentFracY(), p.view(),
        RenderOptions.defaults());
    // in the input the square is at x (120 - 50) / 2 = 35..44: stretched over the whole image (the old drawing)
    // it would peak at x 140..179; drawn over the crop it peaks where it was planted
    assertThat(r.peak().x()).isBetween(120, 139);
    assertThat(r.peak().y()).isBetween(40, 59);
    DecodedImage heat = Images.decode(r.heatmapPng(), 1L << 20);
    // the model saw nothing left (x < 50) or right (x >= 150) of the crop: no heat there
    for (int y = 0; y < 100; y++) {
      for (int x : new int[] {0, 25, 49, 150, 175, 199}) {
        assertThat(heat.bgr()[(y * 200 + x) * 3]).as("heat at %d,%d", x, y).isEqualTo((byte) 0);
      }
    }
    // the overlay tints only the crop (heat 0 there is the colour map's lowest colour); outside it the black
    // original shows through untinted
    DecodedImage overlay = Images.decode(r.overlayPng(), 1L << 20);
    assertThat(overlay.bgr()[(10 * 200 + 10) * 3]).isEqualTo((byte) 0);
    assertThat(overlay.bgr()[(10 * 200 + 190) * 3]).isEqualTo((byte) 0);
    assertThat(overlay.bgr()[(10 * 200 + 60) * 3]).isNotEqualTo((byte) 0);
  }
}
