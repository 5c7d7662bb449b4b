package io.camstream.engine;

import io.camstream.model.ModelSpec;
import io.camstream.render.DecodedImage;
import io.camstream.render.Images;

/**
 * Turns a decoded BGR image into the model input exactly as the model's own pipeline does (resize rule, channel
 * order, scale/mean/std, padding), and records which part of the input the image occupies so the map can be
 * cropped back to it.
 */
public final class Preprocessor {

  private final ModelSpec.Input spec;

  public Preprocessor(ModelSpec.Input spec) {
    this.spec = spec;
  }

  /**
   * A prepared input: {@code [3, height, width]} CHW values, and the fraction of width and height that holds the
   * image (the rest is padding). {@code view} is the part of the original image, {x, y, w, h} in original
   * pixels, that the content shows: the whole image except for {@code short-side-crop}, whose centre crop sees
   * only the middle of it; the map must be drawn over that part only.
   */
  public record Prepared(float[] chw, int height, int width, int contentWidth, int contentHeight, double[] view) {
    /** Content showing the whole image (every rule but short-side-crop); view filled in by {@link #prepare}. */
    public Prepared(float[] chw, int height, int width, int contentWidth, int contentHeight) {
      this(chw, height, width, contentWidth, contentHeight, null);
    }

    /** The view, or the whole {@code w x h} image when none was recorded. */
    public double[] viewOr(int w, int h) {
      return view != null ? view : new double[] {0, 0, w, h};
    }

    public double contentFracX() {
      return contentWidth / (double) width;
    }

    public double contentFracY() {
      return contentHeight / (double) height;
    }
  }

  public Prepared prepare(DecodedImage image) {
    if (spec.resize().equals("short-side-crop")) {
      // PaddleClas ResizeImage(resize_short) then CropImage(size): the centre crop is the whole input
      int[] size = resizedSize(image.width(), image.height());
      DecodedImage resized = Images.resize(image, size[0], size[1]);
      DecodedImage crop = centreCrop(resized, spec.width(), spec.height());
      return new Prepared(normalise(crop, spec.width(), spec.height()), spec.height(), spec.width(), crop.width(),
          crop.height(), cropView(image.width(), image.height(), size[0], size[1], crop.width(), crop.height()));
    }
    int[] size = resizedSize(image.width(), image.height());
    int rw = size[0];
    int rh = size[1];
    int inW = spec.resize().equals("keep-ratio-pad") ? spec.width() : rw;
    int inH = spec.resize().equals("keep-ratio-pad") ? spec.height() : rh;
    DecodedImage resized = rw == image.width() && rh == image.height() ? image : Images.resize(image, rw, rh);
    return new Prepared(normalise(resized, inW, inH), inH, inW, rw, rh,
        new double[] {0, 0, image.width(), image.height()});
  }

  /**
   * The original-image rectangle {x, y, w, h} that a centre crop of {@code cw x ch} out of the image resized to
   * {@code rw x rh} shows: the crop's offsets and size scaled back by the resize factors.
   */
  static double[] cropView(int w, int h, int rw, int rh, int cw, int ch) {
    double fx = w / (double) rw;
    double fy = h / (double) rh;
    int x0 = Math.max(0, (rw - cw) / 2);
    int y0 = Math.max(0, (rh - ch) / 2);
    return new double[] {x0 * fx, y0 * fy, cw * fx, ch * fy};
  }

  /** The size the image is resized to before padding, per the spec's rule. */
  int[] resizedSize(int w, int h) {
    switch (spec.resize()) {
      case "fixed":
        return new int[] {spec.width(), spec.height()};
      case "keep-ratio-pad": {
        // PaddleOCR predict_cls: resized_w = min(W, ceil(H * w / h))
        double ratio = w / (double) h;
        int rw = (int) Math.min(spec.width(), Math.ceil(spec.height() * ratio));
        return new int[] {Math.max(1, rw), spec.height()};
      }
      case "longest-side": {
        // PaddleOCR DetResizeForTest, limit_type 'max': Python's round() is round-half-even, hence Math.rint
        int limit = spec.limitSideLen() == null ? 960 : spec.limitSideLen();
        int multiple = spec.multiple() == null ? 32 : spec.multiple();
        double ratio = Math.max(w, h) > limit ? limit / (double) Math.max(w, h) : 1.0;
        int rh = (int) (h * ratio);
        int rw = (int) (w * ratio);
        rh = Math.max((int) Math.rint(rh / (double) multiple) * multiple, multiple);
        rw = Math.max((int) Math.rint(rw / (double) multiple) * multiple, multiple);
        return new int[] {rw, rh};
      }
      case "short-side-crop": {
        // PaddleClas ResizeImage resize_short: the short side becomes limitSideLen, w and h rounded
        int target = spec.limitSideLen() == null ? Math.max(spec.width(), spec.height()) : spec.limitSideLen();
        double ratio = target / (double) Math.min(w, h);
        return new int[] {(int) Math.round(w * ratio), (int) Math.round(h * ratio)};
      }
      default:
        throw new IllegalStateException("resize rule " + spec.resize());
    }
  }

  /** The centre {@code w x h} of an image at least that large (PaddleClas CropImage: offsets floor((W-w)/2)). */
  static DecodedImage centreCrop(DecodedImage img, int w, int h) {
    int x0 = Math.max(0, (img.width() - w) / 2);
    int y0 = Math.max(0, (img.height() - h) / 2);
    int cw = Math.min(w, img.width());
    int ch = Math.min(h, img.height());
    byte[] out = new byte[cw * ch * 3];
    for (int y = 0; y < ch; y++) {
      System.arraycopy(img.bgr(), ((y0 + y) * img.width() + x0) * 3, out, y * cw * 3, cw * 3);
    }
    return new DecodedImage(cw, ch, out, img.sha256());
  }

  private float[] normalise(DecodedImage img, int inW, int inH) {
    float[] out = new float[3 * inH * inW];
    java.util.Arrays.fill(out, spec.padValue());
    float scale = (float) spec.scale();
    boolean rgb = spec.channelOrder().equals("RGB");
    byte[] bgr = img.bgr();
    for (int c = 0; c < 3; c++) {
      int src = rgb ? 2 - c : c;
      float mean = spec.mean().get(c).floatValue();
      float std = spec.std().get(c).floatValue();
      int plane = c * inH * inW;
      for (int y = 0; y < img.height(); y++) {
        for (int x = 0; x < img.width(); x++) {
          float v = (bgr[(y * img.width() + x) * 3 + src] & 0xff) * scale;
          out[plane + y * inW + x] = (v - mean) / std;
        }
      }
    }
    return out;
  }
}
