package io.camstream.render;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An image's width and height read from its header alone (JDK ImageIO, no pixel decoding, no OpenCV), so an
 * oversized image is refused before anything allocates its pixels.
 */
public final class ImageSize {

  private ImageSize() {}

  /** {width, height}, or null when ImageIO does not know the format or cannot read its header. */
  public static long[] fromHeader(byte[] encoded) {
    // In-memory stream: ImageIO.createImageInputStream would spill to a temp file when its cache is on.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new long[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // A header ImageIO cannot parse is left to the decoder, which decides whether the data is an image at all.
      return null;
    }
  }
}
