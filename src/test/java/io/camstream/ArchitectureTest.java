package io.camstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Package boundaries, checked on the sources as text: native and generated-code libraries stay in the one package
 * that wraps them, so the rest of camstream can be tested and replaced without them.
 *
 * <p>Comments and string literals are blanked first, so that {@code "ai.djl.offline"} or a javadoc mention is not a
 * dependency, while imports and fully qualified names in code are.
 */
class ArchitectureTest {

  /** One boundary: sources outside {@code allowedIn} may not name any of {@code libraries}. */
  record Rule(String name, List<String> libraries, String allowedIn, String appliesTo, Set<String> exceptions) {}

  static final List<Rule> RULES = List.of(
      new Rule("DJL only in the engine", List.of("ai.djl"), "io.camstream.engine", "io.camstream", Set.of()),
      new Rule("OpenCV only in render", List.of("org.opencv", "nu.pattern"), "io.camstream.render", "io.camstream",
          Set.of()),
      new Rule("protobuf only in model", List.of("com.google.protobuf", "io.camstream.model.proto"),
          "io.camstream.model", "io.camstream", Set.of()),
      // the CAM math is plain Java on float arrays: no engine, broker or image library
      new Rule("cam is plain Java", List.of("ai.djl", "org.apache.kafka", "org.opencv"), null, "io.camstream.cam",
          Set.of()),
      new Rule("ONNX Runtime only in the engine", List.of("ai.onnxruntime"), "io.camstream.engine", "io.camstream",
          Set.of()));

  /** A reference to a library found in code. */
  record Violation(String file, int line, String reference) {
    @Override
    public String toString() {
      return file + ":" + line + " uses " + reference;
    }
  }

  static List<Source> sources;

  /** A source file with its comments and literals blanked. */
  record Source(String file, String pkg, String code) {
    static Source of(String file, String text) {
      String code = blankCommentsAndLiterals(text);
      Matcher m = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;").matcher(code);
      return new Source(file, m.find() ? m.group(1) : "", code);
    }
  }

  @BeforeAll
  static void scan() throws IOException {
    Path root = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(root)) {
      List<Source> list = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        list.add(Source.of(root.relativize(p).toString(), Files.readString(p)));
      }
      sources = list;
    }
  }

  @Test
  void scansTheRealSources() {
    assertThat(sources).extracting(Source::file).contains("io/camstream/cli/Main.java");
    assertThat(sources).filteredOn(s -> s.file().equals("io/camstream/cli/Main.java"))
        .allMatch(s -> s.pkg().equals("io.camstream.cli"));
  }

  @Test
  void everyBoundaryHolds() {
    List<String> failures = new ArrayList<>();
    for (Rule rule : RULES) {
      List<Violation> found = violations(rule, sources);
      if (!found.isEmpty()) {
        failures.add(rule.name() + ":\n  " + String.join("\n  ", found.stream().map(Violation::toString).toList()));
      }
    }
    assertThat(failures).as("package boundaries (see ArchitectureTest.RULES)\n" + String.join("\n", failures))
        .isEmpty();
  }

  @Test
  void theCheckerFindsImportsAndQualifiedNamesButNotCommentsOrStrings() {
    Source cam = Source.of("io/camstream/cam/Bad.java", """
        package io.camstream.cam;
        // ai.djl in a comment is fine
        import ai.djl.ndarray.NDArray;
        /* org.opencv.core.Mat in a block comment is fine */
        class Bad {
          String prop = "ai.djl.offline and org.opencv.core";
          String block = \"""
              org.apache.kafka in a text block
              \""";
          char q = '"';
          org.apache.kafka.clients.producer.Producer<String, String> p;
        }
        """);
    Source streams = Source.of("io/camstream/router/Ok.java", """
        package io.camstream.router;
        import org.apache.kafka.streams.KStream;
        class Ok { String s = "ai.djl.Model"; }
        """);
    Source lookalike = Source.of("io/camstream/engineering/Lookalike.java", """
        package io.camstream.engineering;
        import static ai.djl.Device.cpu;
        """);
    Source engine = Source.of("io/camstream/engine/internal/Pool.java", """
        package io.camstream.engine.internal;
        import ai.djl.inference.Predictor;
        """);
    List<Source> synthetic = List.of(cam, streams, lookalike, engine);

    assertThat(violations(RULES.get(0), synthetic)).extracting(Violation::toString).containsExactly(
        "io/camstream/cam/Bad.java:3 uses ai.djl.ndarray.NDArray",
        "io/camstream/engineering/Lookalike.java:2 uses ai.djl.Device.cpu");
    assertThat(violations(RULES.get(3), synthetic)).extracting(Violation::toString).containsExactly(
        "io/camstream/cam/Bad.java:3 uses ai.djl.ndarray.NDArray",
        "io/camstream/cam/Bad.java:11 uses org.apache.kafka.clients.producer.Producer");
    Rule withException = new Rule("x", List.of("ai.djl"), "io.camstream.engine", "io.camstream",
        Set.of("io/camstream/engineering/Lookalike.java"));
    assertThat(violations(withException, synthetic)).extracting(Violation::file)
        .containsExactly("io/camstream/cam/Bad.java");
  }

  static List<Violation> violations(Rule rule, List<Source> in) {
    List<Violation> out = new ArrayList<>();
    String alternatives = String.join("|", rule.libraries().stream().map(Pattern::quote).toList());
    Pattern ref = Pattern.compile("(?<![\\w.])(?:" + alternatives + ")(?:\\.[\\w$*]+)+");
    for (Source s : in) {
      boolean applies = within(s.pkg(), rule.appliesTo());
      boolean allowed = rule.allowedIn() != null && within(s.pkg(), rule.allowedIn());
      if (!applies || allowed || rule.exceptions().contains(s.file())) {
        continue;
      }
      Matcher m = ref.matcher(s.code());
      while (m.find()) {
        int line = 1 + (int) s.code().substring(0, m.start()).chars().filter(c -> c == '\n').count();
        out.add(new Violation(s.file(), line, m.group()));
      }
    }
    return out;
  }

  static boolean within(String pkg, String parent) {
    return pkg.equals(parent) || pkg.startsWith(parent + ".");
  }

  /** Replaces comments and string, text-block and char literals by spaces, keeping line breaks. */
  static String blankCommentsAndLiterals(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      String end;
      int skip;
      if (src.startsWith("//", i)) {
        end = "\n";
        skip = 2;
      } else if (src.startsWith("/*", i)) {
        end = "*/";
        skip = 2;
      } else if (src.startsWith("\"\"\"", i)) {
        end = "\"\"\"";
        skip = 3;
      } else if (src.charAt(i) == '"') {
        end = "\"";
        skip = 1;
      } else if (src.charAt(i) == '\'') {
        end = "'";
        skip = 1;
      } else {
        out.append(src.charAt(i++));
        continue;
      }
      int j = i + skip;
      while (j < n && !src.startsWith(end, j)) {
        j += src.charAt(j) == '\\' && !end.equals("\n") && !end.equals("*/") ? 2 : 1;
      }
      j = Math.min(n, end.equals("\n") ? j : j + end.length());
      for (int k = i; k < j; k++) {
        out.append(src.charAt(k) == '\n' ? '\n' : ' ');
      }
      i = j;
    }
    return out.toString();
  }
}
