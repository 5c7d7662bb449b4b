package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.kafka.KafkaFixture;
import io.camstream.topology.explainer.SharedImages;
import io.camstream.topology.explainer.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code camstream demo --exit-after-results} as a user runs it: its own embedded broker, every role, sample
 * events in, a table of review records out, and the overlay files it names exist.
 * Runs the real engine on the shipped models.
 */
class DemoCommandIT {

  @Test
  void demoShowsReviewRecordsAndWritesOverlays() {
    Path data = KafkaFixture.tempDir("camstream-demo-");
    // shared/ reached through a symbolic link, as in a fresh clone with ../shared a link: every image must still be
    // allowed (once, every one was refused as IMAGE_NOT_ALLOWED by the explainer).
    Path linked = KafkaFixture.tempDir("camstream-demo-link-").resolve("shared");
    try {
      Files.createSymbolicLink(linked, SharedImages.dir().getParent().toRealPath());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    System.setProperty("camstream.shared", linked.toString());
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("demo", "--exit-after-results", "--timeout", "PT5M",
        "--set", "data.dir=" + data,
        "--set", "models.dir=" + TestModels.dir(),
        "--set", "metrics.port=-1",
        "--set", "review.port=0");
    String text = out.toString();
    assertThat(code).as(text + err).isZero();
    assertThat(text).contains("eventId", "overlay", "artifacts (overlay and heatmap PNGs): " + data.resolve("artifacts"));
    // low-confidence (line-a), new-sample (line-a) and the detection event (line-b) are in the table
    assertThat(text).contains("low-confidence", "new-sample").containsPattern("review UI: http://localhost:\\d+/  \\(token \\S+\\)");
    // the demo's run id makes audit sampling pick some events as well, so a reason may carry ",audit-sample"
    assertThat(text).containsPattern("line-b\\s+low-confidence(,audit-sample)?\\s+1 detection");
    assertThat(text).doesNotContain("were refused");
    assertThat(text).contains("3 dead letters").contains("router:BAD_JSON", "router:SCHEMA_VIOLATION",
        "router:IMAGE_NOT_ALLOWED");
    Matcher overlays = Pattern.compile("(file:\\S+\\.overlay\\.png)").matcher(text);
    List<String> found = overlays.results().map(m -> m.group(1)).toList();
    assertThat(found).hasSizeGreaterThanOrEqualTo(4);
    for (String uri : found) {
      assertThat(Path.of(java.net.URI.create(uri))).exists().satisfies(p -> assertThat(Files.size(p)).isPositive());
    }
    assertThat(Arrays.stream(text.split("\n")).filter(l -> l.contains(".overlay.png")).count())
        .isEqualTo(found.size());
  }

  /** When every image the demo expected a review for is refused, the demo says so, and why, at once. */
  @Test
  void demoSaysWhyWhenEveryImageIsRefused() throws Exception {
    Path data = KafkaFixture.tempDir("camstream-demo-refused-");
    Path elsewhere = KafkaFixture.tempDir("camstream-demo-elsewhere-");
    System.setProperty("camstream.shared", SharedImages.dir().getParent().toString());
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("demo", "--exit-after-results", "--timeout", "PT2M",
        "--set", "data.dir=" + data,
        "--set", "models.dir=" + TestModels.dir(),
        "--set", "image.file.roots=" + elsewhere,
        "--set", "metrics.port=-1",
        "--set", "review.port=0");
    String text = out.toString();
    assertThat(code).as(text + err).isEqualTo(1);
    assertThat(text).containsPattern("\\d+ of \\d+ events expected to give a review were refused")
        .contains("router:IMAGE_NOT_ALLOWED", "every image was refused as IMAGE_NOT_ALLOWED",
            "image.file.roots=[" + elsewhere + "]");
  }
}
