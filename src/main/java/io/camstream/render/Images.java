package io.camstream.render;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Decoding, resizing and encoding of colour images with OpenCV. All methods are thread-safe. */
public final class Images {

  static {
    OpenCvNatives.load();
  }

  private Images() {}

  /**
   * Decodes an encoded image (PNG, JPEG, BMP, TIFF, WebP, ... whatever OpenCV reads) into 8-bit BGR.
   *
   * <p>The real channel count decides: 3 channels are kept as they are; 4 channels (BGRA) lose their alpha channel
   * (it is dropped, not composited, like {@code cv2.imread}'s default); 1 channel (grey) is copied into B, G and R;
   * 2 channels (grey + alpha) drop the alpha and are then grey. 16-bit samples (any channel count) are scaled to 8
   * bits. Only other channel counts (WRONG_CHANNELS) and non-integer samples (IMAGE_UNDECODABLE) are refused. The
   * model's own channel order (BGR or RGB) is applied later by the engine's pre-processing. EXIF orientation is not applied. The size
   * limit is checked on the header before decoding where Java's ImageIO can read the header (PNG, JPEG, BMP, GIF,
   * TIFF), so a small file that claims a huge image never reaches the decoder; for other formats it is checked
   * right after decoding.
   *
   * @param encoded the encoded bytes
   * @param maxPixels largest accepted {@code width * height}
   * @throws ExplainException IMAGE_TRUNCATED for a JPEG, PNG or BMP that ends early (see {@link Truncation}),
   *     IMAGE_UNDECODABLE for empty, corrupt or unsupported data, IMAGE_TOO_LARGE above
   *     {@code maxPixels}, WRONG_CHANNELS for channel counts other than 1 to 4
   */
  public static DecodedImage decode(byte[] encoded, long maxPixels) throws ExplainException {
    if (encoded == null || encoded.length == 0) {
      throw new ExplainException(Reason.IMAGE_UNDECODABLE, "the image is empty (0 bytes)");
    }
    long[] header = ImageSize.fromHeader(encoded);
    if (header != null) {
      checkSize(header[0], header[1], maxPixels);
    }
    String truncated = Truncation.problem(encoded);
    if (truncated != null) {
      // Checked before decoding: the decoders would fill the missing part in and only warn on stderr.
      throw new ExplainException(Reason.IMAGE_TRUNCATED, truncated);
    }
    try (MatScope scope = new MatScope()) {
      Mat raw = scope.add(Imgcodecs.imdecode(scope.add(new MatOfByte(encoded)), Imgcodecs.IMREAD_UNCHANGED));
      if (raw.empty()) {
        throw new ExplainException(Reason.IMAGE_UNDECODABLE,
            "OpenCV cannot decode these " + encoded.length + " bytes (corrupt or not an image format it reads)");
      }
      checkSize(raw.cols(), raw.rows(), maxPixels);
      Mat bgr = toBgr8(raw, scope);
      byte[] pixels = new byte[raw.cols() * raw.rows() * 3];
      bgr.get(0, 0, pixels);
      return new DecodedImage(raw.cols(), raw.rows(), pixels, sha256(encoded));
    }
  }

  /**
   * Resizes with bilinear interpolation ({@code INTER_LINEAR}, half-pixel centres), bit-identical to Python's
   * {@code cv2.resize(img, (width, height))} on the same OpenCV version, which model pre-processing relies on.
   */
  public static DecodedImage resize(DecodedImage image, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
    }
    try (MatScope scope = new MatScope()) {
      Mat dst = scope.add(new Mat());
      Imgproc.resize(toMat(image, scope), dst, new Size(width, height), 0, 0, Imgproc.INTER_LINEAR);
      byte[] pixels = new byte[width * height * 3];
      dst.get(0, 0, pixels);
      return new DecodedImage(width, height, pixels, image.sha256());
    }
  }

  /** Encodes as a colour PNG with OpenCV's default settings. */
  public static byte[] encodePng(DecodedImage image) {
    try (MatScope scope = new MatScope()) {
      return encodePng(toMat(image, scope));
    }
  }

  /** The image as a CV_8UC3 matrix owned by {@code scope}. */
  static Mat toMat(DecodedImage image, MatScope scope) {
    Mat m = scope.add(new Mat(image.height(), image.width(), CvType.CV_8UC3));
    m.put(0, 0, image.bgr());
    return m;
  }

  static byte[] encodePng(Mat mat) {
    MatOfByte out = new MatOfByte();
    try {
      if (!Imgcodecs.imencode(".png", mat, out)) {
        throw new IllegalStateException("OpenCV failed to encode a " + mat + " as PNG");
      }
      return out.toArray();
    } finally {
      out.release();
    }
  }

  private static Mat toBgr8(Mat raw, MatScope scope) throws ExplainException {
    int channels = raw.channels();
    if (channels < 1 || channels > 4) {
      throw new ExplainException(Reason.WRONG_CHANNELS, "the image has " + channels
          + " channels; 1 (grey), 2 (grey + alpha), 3 (colour) or 4 (colour + alpha) can be converted");
    }
    Mat m = raw;
    int depth = raw.depth();
    if (depth == CvType.CV_16U) {
      // 65535 / 257 = 255: the full 16-bit range maps onto the full 8-bit range.
      m = scope.add(new Mat());
      raw.convertTo(m, CvType.CV_8U, 1.0 / 257);
    } else if (depth != CvType.CV_8U) {
      throw new ExplainException(Reason.IMAGE_UNDECODABLE,
          "unsupported sample type " + CvType.typeToString(raw.type()) + "; expected 8- or 16-bit integers");
    }
    // Alpha is dropped, not composited (cv2.imread's default); grey is copied into all three channels, which is
    // what cv2.imread(path, IMREAD_COLOR) gives a colour model for a monochrome camera's image.
    int code = switch (channels) {
      case 1 -> Imgproc.COLOR_GRAY2BGR;
      case 2 -> -1;
      case 4 -> Imgproc.COLOR_BGRA2BGR;
      default -> 0;
    };
    if (channels == 2) {
      // Grey + alpha: keep the grey plane, then as grey.
      Mat grey = scope.add(new Mat());
      org.opencv.core.Core.extractChannel(m, grey, 0);
      code = Imgproc.COLOR_GRAY2BGR;
      m = grey;
    }
    if (code != 0) {
      Mat bgr = scope.add(new Mat());
      Imgproc.cvtColor(m, bgr, code);
      m = bgr;
    }
    return m;
  }

  private static void checkSize(long width, long height, long maxPixels) throws ExplainException {
    if (width * height > maxPixels) {
      throw new ExplainException(Reason.IMAGE_TOO_LARGE, "the image is " + width + "x" + height + " = "
          + (width * height) + " pixels, more than the limit of " + maxPixels);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
