package io.camstream.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The content hash of an event: sha256 of its canonical JSON (object keys sorted at every level, no whitespace,
 * numbers and strings as Jackson writes them). Two sends of the same event hash the same whatever the field order
 * or spacing of the bytes; any change of a value changes the hash. This is what tells an idempotent resend of an
 * event id from a reuse of the id for another event.
 */
public final class EventDigest {

  private EventDigest() {}

  /** sha256 (lower-case hex) of the canonical form. */
  public static String sha256(JsonNode event) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(canonical(event).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The canonical JSON text. */
  public static String canonical(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode n, StringBuilder out) {
    if (n instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      out.append('{');
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(Json.MAPPER.getNodeFactory().textNode(names.get(i)).toString()).append(':');
        write(o.get(names.get(i)), out);
      }
      out.append('}');
    } else if (n.isArray()) {
      out.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(n.get(i), out);
      }
      out.append(']');
    } else {
      out.append(n.toString());
    }
  }
}
