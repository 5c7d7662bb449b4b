package io.camstream.policy;

import java.util.List;

/**
 * Keys of policy scopes, as used in the policy file and as record keys on the compacted policies topic. Narrower
 * scopes win: {@code model:<id>} &lt; {@code line:<lineId>} &lt; {@code line:<lineId>|model:<id>}. The model scope
 * names the model id only (all versions).
 */
public final class PolicyKeys {

  private PolicyKeys() {}

  public static String model(String modelId) {
    return "model:" + modelId;
  }

  public static String line(String lineId) {
    return "line:" + lineId;
  }

  public static String lineModel(String lineId, String modelId) {
    return line(lineId) + "|" + model(modelId);
  }

  /** The scopes that apply to an event, widest first. */
  public static List<String> scopes(String lineId, String modelId) {
    return List.of(model(modelId), line(lineId), lineModel(lineId, modelId));
  }

  /** True for a well-formed scope key. */
  public static boolean valid(String key) {
    return key != null && key.matches("model:[^|]+|line:[^|]+|line:[^|]+\\|model:[^|]+");
  }
}
