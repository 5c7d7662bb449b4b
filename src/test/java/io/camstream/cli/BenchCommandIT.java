package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code camstream bench --kernel-profile}: ONNX Runtime's own profile of the timed runs, read back and compared. */
class BenchCommandIT {

  private static final Pattern MEDIAN = Pattern.compile("median +([0-9.]+) ms");

  @Test
  void kernelTimesComeFromTheProfilerForEveryTimedRunAndStayUnderWallTime() throws Exception {
    List<Path> before = profileDirs();
    ExplainCommandIT.Run r = ExplainCommandIT.run("bench", "--model", "ocr-textline-cls", "--engine", "onnxruntime",
        "--kernel-profile", "--iterations", "6", "--warmup", "2", "--threads", "2");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    double wallForward = median(lines, "engine  onnxruntime forward-only");
    double wallExplain = median(lines, "engine  onnxruntime explain");
    double kernelForward = median(lines, "kernels onnxruntime forward-only");
    double kernelExplain = median(lines, "kernels onnxruntime explain");
    // 6 rounds over the classifier's 4 default images: the 2 warm-up rounds are left out of the profile too
    assertThat(line(lines, "kernels onnxruntime forward-only")).contains("24 runs");
    // kernels run one after another inside a run, so their time is part of the run's wall time
    assertThat(kernelForward).isPositive().isLessThanOrEqualTo(wallForward);
    assertThat(kernelExplain).isPositive().isLessThanOrEqualTo(wallExplain);
    assertThat(line(lines, "ratio   onnxruntime kernel time explain / forward-only")).containsPattern("[0-9]\\.[0-9]{3}");
    // the explain graph runs the adjoint, so it adds kernels the forward graph does not have
    assertThat(line(lines, "kernels explain - forward by op type")).containsPattern("[A-Za-z]+ \\+[0-9]");
    assertThat(r.out()).doesNotContain("pipeline (");
    assertThat(profileDirs()).as("the profiler's files are removed").isEqualTo(before);
  }

  private static String line(List<String> lines, String start) {
    return lines.stream().filter(l -> l.startsWith(start)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting '" + start + "' in " + lines));
  }

  private static double median(List<String> lines, String start) {
    Matcher m = MEDIAN.matcher(line(lines, start));
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static List<Path> profileDirs() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("camstream-ort-profile")).sorted().toList();
    }
  }
}
