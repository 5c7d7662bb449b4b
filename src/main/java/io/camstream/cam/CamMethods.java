package io.camstream.cam;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The registry of CAM methods by name. Methods are stateless, so one shared instance each serves every thread. */
public final class CamMethods {

  /** The method used when a request names none. */
  public static final String DEFAULT = "gradcam";

  private static final Map<String, CamMethod> METHODS = register(
      new GradCam(),
      new GradCamPlusPlus(),
      new XGradCam(),
      new HiResCam(),
      new LayerCam(),
      new EigenCam(),
      new ScoreCam());

  private CamMethods() {}

  /**
   * The method registered under {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static CamMethod byName(String name) {
    CamMethod method = name == null ? null : METHODS.get(name.trim().toLowerCase(Locale.ROOT));
    if (method == null) {
      throw new IllegalArgumentException("unknown CAM method '" + name + "'; known methods: " + names());
    }
    return method;
  }

  /** Known names in registry order, the default first. */
  public static Set<String> names() {
    return METHODS.keySet();
  }

  private static Map<String, CamMethod> register(CamMethod... methods) {
    Map<String, CamMethod> map = new LinkedHashMap<>();
    for (CamMethod m : methods) {
      if (map.put(m.name(), m) != null) {
        throw new IllegalStateException("duplicate CAM method name " + m.name());
      }
    }
    return Collections.unmodifiableMap(map);
  }
}
