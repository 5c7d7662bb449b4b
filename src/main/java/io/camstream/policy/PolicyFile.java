package io.camstream.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The policy file ({@code policy.file}): defaults plus policies per scope, YAML.
 *
 * <pre>
 * defaults:                 # over the built-in defaults
 *   confidenceBelow: 0.5
 *   auditSampleRate: 0.02
 * policies:                 # keys as in {@link PolicyKeys}
 *   "model:ppocr-cls":      {method: gradcampp}
 *   "line:L7":              {enableExplain: false}
 *   "line:L2|model:ppocr-cls": {explainAll: true, privacy: heatmap-only}
 * </pre>
 *
 * @param defaults the file's defaults
 * @param scoped partial policies by scope key
 */
public record PolicyFile(PolicyPatch defaults, Map<String, PolicyPatch> scoped) {

  /** No file: built-in defaults only. */
  public static final PolicyFile NONE = new PolicyFile(PolicyPatch.EMPTY, Map.of());

  public PolicyFile {
    scoped = Map.copyOf(scoped);
  }

  /** Loads a policy file, or {@link #NONE} for null; {@link IllegalArgumentException} naming the bad entry. */
  public static PolicyFile load(Path file) {
    if (file == null) {
      return NONE;
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read policy file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return NONE;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("policy file " + file + " must be a mapping with defaults and policies");
    }
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("defaults") && !n.equals("policies")) {
        throw new IllegalArgumentException("policy file " + file + ": unknown top-level key '" + n
            + "' (expected defaults, policies)");
      }
    }
    PolicyPatch defaults;
    try {
      defaults = PolicyJson.patch(root.get("defaults"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("policy file " + file + ", defaults: " + e.getMessage(), e);
    }
    Map<String, PolicyPatch> scoped = new LinkedHashMap<>();
    JsonNode policies = root.path("policies");
    Iterator<Map.Entry<String, JsonNode>> it = policies.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!PolicyKeys.valid(e.getKey())) {
        throw new IllegalArgumentException("policy file " + file + ": bad scope key '" + e.getKey()
            + "' (model:<id>, line:<lineId> or line:<lineId>|model:<id>)");
      }
      try {
        scoped.put(e.getKey(), PolicyJson.patch(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("policy file " + file + ", " + e.getKey() + ": " + ex.getMessage(), ex);
      }
    }
    // Apply once now so an out-of-range combination fails at startup, not on the first event.
    Policy.BUILT_IN.apply(defaults);
    return new PolicyFile(defaults, scoped);
  }
}
