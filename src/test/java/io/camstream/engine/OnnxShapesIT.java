package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.cam.CamMath;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.testing.Shared;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The detector's graph is compiled with free H and W and verified on one sample size; its shortcuts (closed-form
 * means over border rows and columns, SpaceToDepth adjoints, interpolation matrices built from runtime sizes) must
 * hold at every size the preprocessor makes. Strips, a small square and odd sizes tiled with a text photo, each
 * explained on both engines: the same map (r &ge; 0.9999), and a map with heat in it.
 */
class OnnxShapesIT {

  private static final List<String> METHODS = List.of("gradcam", "layercam", "hirescam", "xgradcam");

  private static PaddleExplainer paddle;
  private static PaddleExplainer onnx;
  private static BufferedImage photo;

  @BeforeAll
  static void open() throws Exception {
    paddle = EngineFixture.explainer("paddle", "ocr-db-det");
    onnx = EngineFixture.explainer("onnxruntime", "ocr-db-det");
    photo = ImageIO.read(new ByteArrayInputStream(Shared.imageBytes("rapidocr_text_rec.jpg")));
  }

  @AfterAll
  static void close() {
    paddle.close();
    onnx.close();
  }

  @ParameterizedTest
  @CsvSource({
      "1400, 48, concat_0.tmp_0",
      "100, 1300, concat_0.tmp_0",
      "40, 40, concat_0.tmp_0",
      "517, 333, concat_0.tmp_0",
      "517, 333, nearest_interp_v2_3.tmp_0"})
  void theDetectorsGraphAgreesWithPaddleAtSizesItWasNotVerifiedAt(int width, int height, String layer)
      throws Exception {
    byte[] image = tiled(width, height);
    for (String method : METHODS) {
      ExplainInput in = new ExplainInput("ocr-db-det", image, width + "x" + height, layer, method, null, null, null,
          false);
      Explanation p = paddle.explain(in);
      Explanation o = onnx.explain(in);
      assertThat(o.engine().name()).isEqualTo("onnxruntime");
      assertThat(o.grid().width()).isEqualTo(p.grid().width());
      assertThat(o.grid().height()).isEqualTo(p.grid().height());
      float[] a = p.grid().values();
      float[] b = o.grid().values();
      assertThat(a[CamMath.argmax(a)]).as("%s has heat at %dx%d", method, width, height).isGreaterThan(0f);
      double r = CamMath.pearson(a, b);
      System.out.printf("shapes %dx%d %s %-9s grid %dx%d r = %.7f%n", width, height, layer, method,
          p.grid().width(), p.grid().height(), r);
      assertThat(r).as("%s %dx%d %s", method, width, height, layer).isGreaterThanOrEqualTo(0.9999);
    }
  }

  @org.junit.jupiter.api.Test
  void aBatchOfTwoImagesInOneCallAgreesImageByImage() throws Exception {
    // one group (same model, layer, method and input size) is one native call of batch 2
    List<ExplainInput> batch = List.of(
        new ExplainInput("ocr-db-det", tiled(517, 333), "a", "concat_0.tmp_0", "layercam", null, null, null, false),
        new ExplainInput("ocr-db-det", tiled(520, 330), "b", "concat_0.tmp_0", "layercam", null, null, null, false));
    List<Object> p = paddle.explainAll(batch);
    List<Object> o = onnx.explainAll(batch);
    for (int i = 0; i < batch.size(); i++) {
      float[] a = ((Explanation) p.get(i)).grid().values();
      float[] b = ((Explanation) o.get(i)).grid().values();
      assertThat(a[CamMath.argmax(a)]).isGreaterThan(0f);
      double r = CamMath.pearson(a, b);
      System.out.printf("shapes batch image %d r = %.7f%n", i, r);
      assertThat(r).as("image %d of the batch", i).isGreaterThanOrEqualTo(0.9999);
    }
    float[] first = ((Explanation) o.get(0)).grid().values();
    float[] second = ((Explanation) o.get(1)).grid().values();
    assertThat(CamMath.pearson(first, second)).as("two different images, two different maps").isLessThan(0.999);
  }

  /** A {@code width x height} canvas tiled with the text photo at its own scale, so the text stays legible. */
  private static byte[] tiled(int width, int height) throws Exception {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    for (int y = 0; y < height; y += photo.getHeight()) {
      for (int x = 0; x < width; x += photo.getWidth()) {
        g.drawImage(photo, x, y, null);
      }
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
