package io.camstream.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImagesTest {

  private static final long LIMIT = 40_000_000L;

  /** Sizes and hashes as listed in shared/images/README.md. */
  @ParameterizedTest
  @CsvSource({
      "textline_en_0.png, 400, 64, 1b618a8bcbd7bcbf47fe739e7c891b8682f8b6307bd32f8288be3de72a84ef99",
      "textline_en_180.png, 400, 64, 8f40eff0d6f83fb072a159e0483d5a2400725ef29a00db7c02ebd5dec676a3de",
      "doc_synthetic_en.png, 640, 480, 26915161c199b1f23f5dafaf268d8fbbae6f0e0afa1f21a3d66c049d30bc18cf",
      "rapidocr_text_cls.jpg, 136, 48, 872200f57a1408e7aab2856d5f2c687b3a937805e0c4ff74bd7de21df1f742b9",
      "rapidocr_text_rec.jpg, 362, 78, 05921c624274eedbfc1208d12eba5b06acbdd1291d1b1a2129770199f430d6ae",
      "rapidocr_test_without_det.jpg, 445, 39, ebf597bd8f4af02042aacf425e2d846b9cd4af00939c1fd64142cb344dfea135"})
  void decodesTheSharedImages(String file, int width, int height, String sha256) throws Exception {
    DecodedImage img = Images.decode(Files.readAllBytes(SharedTestDir.image(file)), LIMIT);
    assertThat(img.width()).isEqualTo(width);
    assertThat(img.height()).isEqualTo(height);
    assertThat(img.bgr()).hasSize(width * height * 3);
    assertThat(img.sha256()).isEqualTo(sha256);
  }

  @Test
  void syntheticTextLineIsBlackOnWhite() throws Exception {
    DecodedImage img = Images.decode(Files.readAllBytes(SharedTestDir.image("textline_en_0.png")), LIMIT);
    // Top-left corner is white background; the darkest pixel is black text.
    assertThat(img.bgr()[0] & 0xff).isEqualTo(255);
    int darkest = 255;
    for (byte b : img.bgr()) {
      darkest = Math.min(darkest, b & 0xff);
    }
    assertThat(darkest).isLessThan(40);
  }

  @Test
  void colourChannelsComeBackInBgrOrderAndAlphaIsDropped() throws Exception {
    BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x80FF0000); // half-transparent red
    argb.setRGB(1, 0, 0xFF00FF00); // green
    argb.setRGB(2, 1, 0x000000FF); // fully transparent blue
    DecodedImage img = Images.decode(png(argb), LIMIT);
    assertThat(img.width()).isEqualTo(3);
    assertThat(pixel(img, 0, 0)).containsExactly(0, 0, 255);
    assertThat(pixel(img, 1, 0)).containsExactly(0, 255, 0);
    assertThat(pixel(img, 2, 1)).containsExactly(255, 0, 0);
  }

  @Test
  void greyGreyAlphaAndSixteenBitGreyBecomeThreeEqualChannels() throws Exception {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 7);
    grey.getRaster().setSample(1, 0, 0, 200);
    DecodedImage g = Images.decode(png(grey), LIMIT);
    assertThat(pixel(g, 0, 0)).containsExactly(7, 7, 7);
    assertThat(pixel(g, 1, 0)).containsExactly(200, 200, 200);

    // Grey + alpha (PNG colour type 4): the alpha is dropped, even where it is fully transparent.
    ComponentColorModel ga = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster gaRaster = ga.createCompatibleWritableRaster(2, 1);
    gaRaster.setPixel(0, 0, new int[] {90, 255});
    gaRaster.setPixel(1, 0, new int[] {30, 0});
    byte[] gaPng = png(new BufferedImage(ga, gaRaster, false, null));
    assertThat(gaPng[25]).as("PNG colour type grey+alpha").isEqualTo((byte) 4);
    DecodedImage a = Images.decode(gaPng, LIMIT);
    assertThat(pixel(a, 0, 0)).containsExactly(90, 90, 90);
    assertThat(pixel(a, 1, 0)).containsExactly(30, 30, 30);

    BufferedImage grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey16.getRaster().setSample(0, 0, 0, 65535);
    grey16.getRaster().setSample(1, 0, 0, 100 * 257);
    DecodedImage g16 = Images.decode(png(grey16), LIMIT);
    assertThat(pixel(g16, 0, 0)).containsExactly(255, 255, 255);
    assertThat(pixel(g16, 1, 0)).containsExactly(100, 100, 100);
  }

  @Test
  void sixteenBitColourIsScaledToEightBits() throws IOException, ExplainException {
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, 2, 1, 3, null);
    raster.setPixel(0, 0, new int[] {65535, 0, 128 * 257});
    raster.setPixel(1, 0, new int[] {257, 10 * 257, 0});
    DecodedImage img = Images.decode(png(new BufferedImage(model, raster, false, null)), LIMIT);
    assertThat(pixel(img, 0, 0)).containsExactly(128, 0, 255);
    assertThat(pixel(img, 1, 0)).containsExactly(0, 10, 1);
  }

  @Test
  void randomAndEmptyBytesAreUndecodable() {
    byte[] noise = new byte[512];
    new Random(1).nextBytes(noise);
    assertThatThrownBy(() -> Images.decode(noise, LIMIT))
        .isInstanceOfSatisfying(ExplainException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_UNDECODABLE));
    assertThatThrownBy(() -> Images.decode(new byte[0], LIMIT))
        .isInstanceOfSatisfying(ExplainException.class,
            e -> assertThat(e.line()).isEqualTo("IMAGE_UNDECODABLE: the image is empty (0 bytes)"));
  }

  /** The first 2,000 bytes (or 60) of real images: libjpeg/libpng would decode them with a warning. */
  @ParameterizedTest
  @CsvSource({"doc_synthetic_en.png, 60", "doc_synthetic_en.png, 2000", "textline_en_0.png, 2000",
      "rapidocr_text_rec.jpg, 2000", "rapidocr_test_without_det.jpg, 2000", "rapidocr_text_cls.jpg, 1000"})
  void truncatedImagesAreRefusedAsTruncated(String file, int keep) throws Exception {
    byte[] whole = Files.readAllBytes(SharedTestDir.image(file));
    assertThat(whole.length).isGreaterThan(keep);
    byte[] head = java.util.Arrays.copyOf(whole, keep);
    assertThatThrownBy(() -> Images.decode(head, LIMIT))
        .isInstanceOfSatisfying(ExplainException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.IMAGE_TRUNCATED);
          assertThat(e.getMessage()).contains("truncated after " + keep + " bytes");
        });
    // Whole, and whole with bytes appended after the end (as some cameras write), they decode.
    assertThat(Images.decode(whole, LIMIT).width()).isPositive();
    byte[] trailer = java.util.Arrays.copyOf(whole, whole.length + 100);
    assertThat(Images.decode(trailer, LIMIT).width()).isPositive();
  }

  @Test
  void moreThanMaxPixelsIsTooLarge() throws IOException {
    byte[] encoded = Files.readAllBytes(SharedTestDir.image("textline_en_0.png"));
    assertThatThrownBy(() -> Images.decode(encoded, 400 * 64 - 1))
        .isInstanceOfSatisfying(ExplainException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
          assertThat(e.getMessage()).contains("400x64 = 25600 pixels", "limit of 25599");
        });
  }

  @Test
  void hugeDimensionsInTheHeaderAreRefusedBeforeDecoding() throws IOException {
    // A valid PNG signature and IHDR claiming 100000 x 100000 pixels, with no image data at all.
    byte[] encoded = pngHeaderOnly(100_000, 100_000);
    assertThatThrownBy(() -> Images.decode(encoded, LIMIT))
        .isInstanceOfSatisfying(ExplainException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
          assertThat(e.getMessage()).contains("100000x100000");
        });
  }

  @Test
  void resizeMatchesAPlainBilinearReferenceWithinOneLevel() throws Exception {
    DecodedImage doc = Images.decode(Files.readAllBytes(SharedTestDir.image("rapidocr_text_rec.jpg")), LIMIT);
    int[][] sizes = {{100, 48}, {971, 130}, {362, 23}, {17, 300}};
    for (int[] size : sizes) {
      DecodedImage resized = Images.resize(doc, size[0], size[1]);
      byte[] expected = bilinear(doc, size[0], size[1]);
      assertThat(resized.width()).isEqualTo(size[0]);
      assertThat(resized.height()).isEqualTo(size[1]);
      assertThat(resized.sha256()).isEqualTo(doc.sha256());
      int worst = 0;
      for (int i = 0; i < expected.length; i++) {
        worst = Math.max(worst, Math.abs((resized.bgr()[i] & 0xff) - (expected[i] & 0xff)));
      }
      assertThat(worst).as("max difference at %dx%d", size[0], size[1]).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void pngRoundTripIsLossless() throws Exception {
    DecodedImage img = Images.decode(Files.readAllBytes(SharedTestDir.image("rapidocr_text_cls.jpg")), LIMIT);
    DecodedImage back = Images.decode(Images.encodePng(img), LIMIT);
    assertThat(back.bgr()).isEqualTo(img.bgr());
  }

  /** OpenCV's convention: source coordinate (d + 0.5) * scale - 0.5, clamped to the edge pixels. */
  static byte[] bilinear(DecodedImage src, int w, int h) {
    byte[] out = new byte[w * h * 3];
    double sx = (double) src.width() / w;
    double sy = (double) src.height() / h;
    for (int y = 0; y < h; y++) {
      double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), src.height() - 1);
      int y0 = (int) Math.floor(fy);
      int y1 = Math.min(y0 + 1, src.height() - 1);
      double wy = fy - y0;
      for (int x = 0; x < w; x++) {
        double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), src.width() - 1);
        int x0 = (int) Math.floor(fx);
        int x1 = Math.min(x0 + 1, src.width() - 1);
        double wx = fx - x0;
        for (int c = 0; c < 3; c++) {
          double v = (1 - wy) * ((1 - wx) * at(src, x0, y0, c) + wx * at(src, x1, y0, c))
              + wy * ((1 - wx) * at(src, x0, y1, c) + wx * at(src, x1, y1, c));
          out[(y * w + x) * 3 + c] = (byte) Math.round(v);
        }
      }
    }
    return out;
  }

  private static int at(DecodedImage img, int x, int y, int c) {
    return img.bgr()[(y * img.width() + x) * 3 + c] & 0xff;
  }

  private static int[] pixel(DecodedImage img, int x, int y) {
    return new int[] {at(img, x, y, 0), at(img, x, y, 1), at(img, x, y, 2)};
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(javax.imageio.ImageIO.write(image, "png", out)).isTrue();
    return out.toByteArray();
  }

  private static byte[] pngHeaderOnly(int width, int height) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    b.putInt(13).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 12, 17);
    b.putInt((int) crc.getValue());
    return b.array();
  }
}
