package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.cam.CamMath;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.model.ExplainProgram;
import io.camstream.model.ParamsIO;
import io.camstream.model.Tensor;
import io.camstream.testing.Shared;
import java.util.List;
import java.util.Map;
import nu.pattern.OpenCV;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * The shipped text-direction classifier: the right answer on the shipped images, the same probabilities as
 * PaddleOCR's own preprocessing (re-implemented here independently, step by step as predict_cls.py does it, fed
 * to the unmodified model), and a Grad-CAM map equal to its closed form at the last conv layer.
 */
class ClassifierIT {

  private static PaddleExplainer explainer;
  private static ModelRuntime rt;

  @BeforeAll
  static void open() throws Exception {
    explainer = new PaddleExplainer(List.of(EngineFixture.spec("ocr-textline-cls")), Shared.dir(),
        EngineFixture.options());
    rt = explainer.runtime("ocr-textline-cls");
    OpenCV.loadLocally();
  }

  @AfterAll
  static void close() {
    explainer.close();
  }

  @ParameterizedTest
  @CsvSource({"textline_en_0.png, 0", "rapidocr_text_rec.jpg, 0", "textline_en_180.png, 180",
      "rapidocr_text_cls.jpg, 180", "rapidocr_test_without_det.jpg, 0"})
  void predictsTheDirectionWithPaddleOcrProbabilities(String image, String label) throws Exception {
    Explanation e = explainer.explain(ExplainInput.of("ocr-textline-cls", Shared.imageBytes(image), image));
    assertThat(e.prediction().label()).isEqualTo(label);

    float[] reference = paddleOcrProbabilities(image);
    assertThat(e.prediction().probabilities())
        .containsExactly(reference, org.assertj.core.data.Offset.offset(1e-5f));
  }

  @ParameterizedTest
  @CsvSource({"textline_en_0.png", "textline_en_180.png", "rapidocr_text_cls.jpg", "rapidocr_text_rec.jpg",
      "rapidocr_test_without_det.jpg"})
  void gradCamAtTheLastConvEqualsTheClosedForm(String image) throws Exception {
    // head: max-pool 2x2 -> adaptive avg 1x1 -> linear, so dlogit_c/dA_k averages to W[k,c] / (h*w) for every k,
    // and Grad-CAM = ReLU(sum_k W[k,c] A_k) up to a positive factor
    Explanation e = explainer.explain(ExplainInput.of("ocr-textline-cls", Shared.imageBytes(image), image));
    assertThat(e.layer()).isEqualTo("hard_swish_17.tmp_0");
    int c = e.prediction().classIndex();
    Blob x = EngineFixture.input(rt, image);
    Blob a;
    try (Backend.Session s = rt.program(e.layer(), ModelRuntime.Kind.EXPLAIN).byDevice().get("cpu")
        .newSession()) {
      a = s.run(rt.defaultTargetFeeds(x)).get(e.layer());
    }
    Map<String, Tensor> params = ParamsIO.read(rt.modelDir().resolve("inference.pdiparams"),
        rt.graph().program());
    float[] w = params.get("fc_0.w_0").data(); // [200, 2]
    int ch = (int) a.shape()[1];
    int h = (int) a.shape()[2];
    int wd = (int) a.shape()[3];
    float[] closed = new float[e.grid().width() * e.grid().height()];
    for (int y = 0; y < e.grid().height(); y++) {
      for (int xx = 0; xx < e.grid().width(); xx++) {
        double s = 0;
        for (int k = 0; k < ch; k++) {
          s += (double) w[k * 2 + c] * a.data()[(k * h + y) * wd + xx];
        }
        closed[y * e.grid().width() + xx] = (float) Math.max(0, s);
      }
    }
    assertThat(CamMath.pearson(e.grid().values(), closed)).as(image).isGreaterThanOrEqualTo(0.99);
    assertThat(rt.program(e.layer(), ModelRuntime.Kind.EXPLAIN).program().fetches())
        .contains(ExplainProgram.grad(e.layer()));
  }

  /** Every method runs end to end on the real model; the gradient-free ones through the forward-only program. */
  @ParameterizedTest
  @CsvSource({"gradcam", "gradcampp", "xgradcam", "hirescam", "layercam", "eigencam", "scorecam"})
  void everyMethodGivesANormalisedMapOnTheRealModel(String method) throws Exception {
    byte[] img = Shared.imageBytes("textline_en_180.png");
    ExplainInput in = new ExplainInput("ocr-textline-cls", img, "t", null, method, null, null, null, true);
    Explanation e = explainer.explain(in);
    assertThat(e.method()).isEqualTo(method);
    assertThat(e.prediction().label()).isEqualTo("180");
    float max = 0;
    for (float v : e.grid().values()) {
      assertThat(v).isBetween(0f, 1f);
      max = Math.max(max, v);
    }
    assertThat(max).isEqualTo(1f);
    assertThat(e.heatmapPng()).isNotEmpty();
    // repeatable, batched forward passes included (Score-CAM)
    assertThat(explainer.explain(in).grid().values()).containsExactly(e.grid().values());
  }

  /** PaddleOCR predict_cls.py resize_norm_img, step by step, then the unmodified model. */
  private static float[] paddleOcrProbabilities(String image) throws Exception {
    Mat img = Imgcodecs.imdecode(new MatOfByte(Shared.imageBytes(image)), Imgcodecs.IMREAD_COLOR);
    int imgH = 48;
    int imgW = 192;
    double ratio = img.cols() / (double) img.rows();
    int resizedW = Math.ceil(imgH * ratio) > imgW ? imgW : (int) Math.ceil(imgH * ratio);
    Mat resized = new Mat();
    Imgproc.resize(img, resized, new Size(resizedW, imgH));
    byte[] px = new byte[resizedW * imgH * 3];
    resized.get(0, 0, px);
    float[] chw = new float[3 * imgH * imgW]; // padding_im = zeros
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < imgH; y++) {
        for (int xx = 0; xx < resizedW; xx++) {
          float v = (px[(y * resizedW + xx) * 3 + c] & 0xff) / 255f;
          v -= 0.5f;
          v /= 0.5f;
          chw[(c * imgH + y) * imgW + xx] = v;
        }
      }
    }
    try (Backend.Session s = rt.program(rt.defaultLayer(), ModelRuntime.Kind.ORIGINAL).byDevice().get("cpu")
        .newSession()) {
      return s.run(List.of(new Blob(new long[] {1, 3, imgH, imgW}, chw))).get(rt.spec().output()).data();
    }
  }
}
