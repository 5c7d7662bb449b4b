package io.camstream.render;

/** Loads the OpenCV native library once per JVM; class initialisation makes this thread-safe. */
final class OpenCvNatives {

  static {
    // loadShared() is unsupported on Java 12+; loadLocally() extracts the bundled library to a temp dir.
    nu.pattern.OpenCV.loadLocally();
  }

  private OpenCvNatives() {}

  /** Triggers the one-time load; a no-op afterwards. */
  static void load() {}
}
