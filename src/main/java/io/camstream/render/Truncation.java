package io.camstream.render;

/**
 * Whether an encoded JPEG, PNG or BMP is complete, judged from its structure rather than from the decoder: libjpeg
 * and libpng fill a cut-off image with grey or repeated rows and only print a warning, so a truncated upload would
 * otherwise be explained as if whole. A JPEG must reach its end-of-image marker (EOI), walking the segments so an
 * embedded thumbnail's EOI does not count; a PNG must reach its IEND chunk; a BMP must be as long as its header
 * says. Bytes after the end (some cameras append data) are allowed. Other formats are left to the decoder.
 */
final class Truncation {

  private Truncation() {}

  /** Why the image is incomplete, or null when it is complete (or of a format not checked here). */
  static String problem(byte[] b) {
    if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
      return jpegComplete(b) ? null : "the JPEG ends before its end-of-image marker (EOI): truncated after "
          + b.length + " bytes";
    }
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == '\r'
        && b[5] == '\n' && b[6] == 0x1a && b[7] == '\n') {
      return pngComplete(b) ? null : "the PNG ends before its IEND chunk: truncated after " + b.length + " bytes";
    }
    if (b.length >= 6 && b[0] == 'B' && b[1] == 'M') {
      long declared = u32le(b, 2);
      return declared > b.length ? "the BMP header declares " + declared + " bytes but there are " + b.length
          : null;
    }
    return null;
  }

  private static boolean jpegComplete(byte[] b) {
    int i = 2;
    while (i + 1 < b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        return false; // not at a marker: corrupt; the decoder will say more, but it is not whole
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xD9) {
        return true;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // markers without a length
        continue;
      }
      if (i + 3 >= b.length) {
        return false;
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      i += 2 + length;
      if (marker == 0xDA) {
        // Entropy-coded data follows the scan header: it runs to the next marker that is not a stuffed 0xFF00
        // or a restart marker.
        while (i + 1 < b.length) {
          if ((b[i] & 0xff) == 0xFF) {
            int next = b[i + 1] & 0xff;
            if (next != 0x00 && !(next >= 0xD0 && next <= 0xD7) && next != 0xFF) {
              break;
            }
          }
          i++;
        }
      }
    }
    return false;
  }

  private static boolean pngComplete(byte[] b) {
    long i = 8;
    while (i + 8 <= b.length) {
      long length = u32be(b, (int) i);
      int t = (int) i + 4;
      boolean iend = b[t] == 'I' && b[t + 1] == 'E' && b[t + 2] == 'N' && b[t + 3] == 'D';
      long end = i + 12 + length;
      if (end > b.length) {
        return false;
      }
      if (iend) {
        return true;
      }
      i = end;
    }
    return false;
  }

  private static long u32be(byte[] b, int i) {
    return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  private static long u32le(byte[] b, int i) {
    return ((long) (b[i + 3] & 0xff) << 24) | ((b[i + 2] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i] & 0xff);
  }
}
