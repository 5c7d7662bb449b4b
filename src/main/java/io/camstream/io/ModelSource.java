package io.camstream.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a model's files come from: the publisher's archive, the folder inside it, and the sha256 of every file that
 * camstream needs. Read from the {@code source:} block of a model spec:
 *
 * <pre>
 * source:
 *   url: https://paddleocr.bj.bcebos.com/dygraph_v2.0/ch/ch_ppocr_mobile_v2.0_cls_infer.tar
 *   archiveDir: ch_ppocr_mobile_v2.0_cls_infer
 *   sha256:
 *     inference.pdmodel: 9fa2...
 *     inference.pdiparams: 4837...
 * </pre>
 *
 * @param url the archive (http, https or file)
 * @param archiveDir the folder inside the archive that holds the files, and the folder name they are extracted to
 * @param sha256 expected lowercase hex sha256 per file name, in spec order
 */
public record ModelSource(URI url, String archiveDir, Map<String, String> sha256) {

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Checks the fields, so that a bad spec fails before any download. */
  public ModelSource {
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https") || scheme.equals("file"))) {
      throw new IllegalArgumentException("source.url must be http, https or file: " + url);
    }
    requirePlainName(archiveDir, "source.archiveDir");
    if (sha256.isEmpty()) {
      throw new IllegalArgumentException("source.sha256 lists no files");
    }
    sha256.forEach((file, hash) -> {
      requirePlainName(file, "source.sha256 key");
      if (hash == null || !HEX64.matcher(hash).matches()) {
        throw new IllegalArgumentException("source.sha256." + file + " is not 64 lowercase hex digits: " + hash);
      }
    });
    sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
  }

  /** Reads the {@code source:} block of a model spec YAML file. */
  public static ModelSource fromSpec(Path spec) throws IOException {
    JsonNode source = YAML.readTree(spec.toFile()).path("source");
    if (!source.isObject()) {
      throw new IllegalArgumentException(spec + " has no source: block (url, archiveDir, sha256)");
    }
    try {
      return fromNode(source);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(spec + ": " + e.getMessage(), e);
    }
  }

  static ModelSource fromNode(JsonNode source) {
    String url = source.path("url").asText("");
    if (url.isBlank()) {
      throw new IllegalArgumentException("source.url is missing");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("source.url is not a URI: " + url, e);
    }
    String archiveDir = source.path("archiveDir").asText("");
    if (archiveDir.isBlank()) {
      // PaddleOCR archives hold one folder named like the archive
      String path = uri.getPath() == null ? "" : uri.getPath();
      archiveDir = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.(tar|tar\\.gz|tgz)$", "");
    }
    Map<String, String> hashes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : source.path("sha256").properties()) {
      hashes.put(e.getKey(), e.getValue().asText(null));
    }
    return new ModelSource(uri, archiveDir, hashes);
  }

  private static void requirePlainName(String name, String what) {
    if (name == null || !PLAIN_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(what + " must be a plain file name: " + name);
    }
  }
}
