package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.util.Base64;

/** Decodes {@code data:[mediatype];base64,...} URIs under a size cap; other encodings are refused. */
final class DataUriDecoder {

  private final long maxBytes;

  DataUriDecoder(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  byte[] decode(String uri) throws ExplainException {
    int comma = uri.indexOf(',');
    if (comma < 0) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "data: URI without a ',' separator");
    }
    String meta = uri.substring(5, comma);
    if (!meta.endsWith(";base64")) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "data: URI must be base64-encoded (';base64,')");
    }
    int payload = uri.length() - comma - 1;
    // Checked before decoding: base64 yields 3 bytes per 4 characters.
    if ((long) payload / 4 * 3 > maxBytes + 2) {
      throw new ExplainException(Reason.IMAGE_TOO_LARGE, "data: URI image exceeds " + maxBytes + " bytes");
    }
    byte[] bytes;
    try {
      // Strict alphabet; only line breaks (as some encoders emit) are tolerated.
      bytes = Base64.getDecoder().decode(uri.substring(comma + 1).replaceAll("[\\r\\n]", ""));
    } catch (IllegalArgumentException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "data: URI is not valid base64: " + e.getMessage());
    }
    if (bytes.length > maxBytes) {
      throw new ExplainException(Reason.IMAGE_TOO_LARGE, "data: URI image exceeds " + maxBytes + " bytes");
    }
    if (bytes.length == 0) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "data: URI is empty");
    }
    return bytes;
  }
}
