package io.camstream.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One message between the role and an engine worker: a JSON header and raw byte blobs (images one way, PNG
 * artifacts the other), so images are never base64-inflated. On the wire: {@code int headerLength, header UTF-8
 * JSON, int blobCount, (int length, bytes)*}. Lengths are checked against {@link #MAX_BYTES} before allocating.
 */
record Frame(ObjectNode header, List<byte[]> blobs) {

  static final ObjectMapper JSON = new ObjectMapper();
  /** Larger than any batch of images the role accepts; a bigger length means a broken stream. */
  static final int MAX_BYTES = 1 << 30;

  static Frame of(ObjectNode header) {
    return new Frame(header, List.of());
  }

  String type() {
    return header.path("type").asText();
  }

  void write(DataOutputStream out) throws IOException {
    byte[] h = JSON.writeValueAsBytes(header);
    out.writeInt(h.length);
    out.write(h);
    out.writeInt(blobs.size());
    for (byte[] b : blobs) {
      out.writeInt(b.length);
      out.write(b);
    }
    out.flush();
  }

  /** Reads one frame; {@link EOFException} when the other side has gone. */
  static Frame read(DataInputStream in) throws IOException {
    byte[] h = new byte[checked(in.readInt())];
    in.readFully(h);
    int n = checked(in.readInt());
    List<byte[]> blobs = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[checked(in.readInt())];
      in.readFully(b);
      blobs.add(b);
    }
    return new Frame((ObjectNode) JSON.readTree(h), blobs);
  }

  private static int checked(int len) throws IOException {
    if (len < 0 || len > MAX_BYTES) {
      throw new IOException("broken worker stream: length " + len);
    }
    return len;
  }
}
