package io.camstream.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The {@code -cp} value for child JVMs (engine workers, trial runs): one small "pathing" jar whose manifest lists
 * this JVM's class path. DJL's ONNX Runtime engine crashes the process (SIGSEGV, no Java error) while loading when
 * the JVM was started with a class path longer than about 3 KB, as a Maven class path of ~140 jars is; a JVM started
 * from {@code camstream.jar} or from a pathing jar has a short one.
 */
public final class ChildClasspath {

  /** Class paths up to this length are passed as they are. */
  static final int DIRECT_MAX = 1024;

  private static String cached;

  private ChildClasspath() {}

  /** This JVM's class path, as a single pathing jar when it is long. */
  public static synchronized String get() {
    String cp = System.getProperty("java.class.path");
    if (cp.length() <= DIRECT_MAX) {
      return cp;
    }
    if (cached == null) {
      cached = pathingJar(cp).toString();
    }
    return cached;
  }

  static Path pathingJar(String classpath) {
    List<String> urls = new ArrayList<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        // toUri() ends a directory with '/', which the manifest needs to read it as a directory
        urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
      }
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try {
      Path jar = Files.createTempFile("camstream-classpath", ".jar");
      jar.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
        j.flush();
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the class-path jar for child processes", e);
    }
  }
}
