package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import javax.imageio.ImageIO;

/**
 * Reads an image's width and height from its header only, so a small file that decodes to a huge bitmap (a
 * decompression bomb) is refused before anything allocates the pixels.
 */
final class ImageHeader {

  private ImageHeader() {}

  /** Throws IMAGE_TOO_LARGE when the header declares more than {@code maxPixels}; unknown formats pass through. */
  static void checkPixels(byte[] bytes, long maxPixels, String what) throws ExplainException {
    long[] size = dimensions(bytes);
    if (size != null && size[0] * size[1] > maxPixels) {
      throw new ExplainException(Reason.IMAGE_TOO_LARGE,
          "image is " + size[0] + "x" + size[1] + " pixels, more than " + maxPixels + ": " + what);
    }
  }

  /** {width, height}, or null when no ImageIO reader knows the format (the engine's decoder then decides). */
  static long[] dimensions(byte[] bytes) {
    return io.camstream.render.ImageSize.fromHeader(bytes);
  }
}
