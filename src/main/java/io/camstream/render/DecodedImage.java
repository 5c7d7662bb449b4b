package io.camstream.render;

import java.util.Objects;

/**
 * A decoded 8-bit colour image: {@code height * width * 3} bytes in HWC order with channels in OpenCV's BGR order.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param bgr pixel bytes, row-major, B, G, R per pixel
 * @param sha256 lower-case hex SHA-256 of the encoded bytes this image was decoded from, for audit; a resized copy
 *     keeps its source's hash
 */
public record DecodedImage(int width, int height, byte[] bgr, String sha256) {

  public DecodedImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    }
    Objects.requireNonNull(bgr, "bgr");
    if (bgr.length != (long) width * height * 3) {
      throw new IllegalArgumentException(
          "bgr has " + bgr.length + " bytes, expected " + width + "x" + height + "x3 = " + ((long) width * height * 3));
    }
  }

  /** Number of pixels. */
  public long pixels() {
    return (long) width * height;
  }

  @Override
  public String toString() {
    return "DecodedImage[" + width + "x" + height + ", sha256=" + sha256 + "]";
  }
}
