package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a stream fully but never more than a cap, so a huge file or response cannot exhaust the heap. */
final class Bounded {

  private Bounded() {}

  static byte[] readAll(InputStream in, long maxBytes, String what) throws IOException, ExplainException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > maxBytes) {
        throw new ExplainException(Reason.IMAGE_TOO_LARGE, "image exceeds " + maxBytes + " bytes: " + what);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
