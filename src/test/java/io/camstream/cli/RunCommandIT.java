package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.kafka.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code camstream run --role router} as a user runs it: a child JVM with no bootstrap servers starts the embedded
 * broker, creates the topics, reports healthy, and stops cleanly on SIGTERM; a second start on the same data
 * directory finds the broker's data again.
 */
class RunCommandIT {

  private static final Pattern RUNNING = Pattern.compile("camstream running \\[router] on (\\S+), metrics on :(\\d+)");

  @Test
  void runsTheRouterOnAnEmbeddedBrokerAndStopsCleanlyOnSigterm() throws Exception {
    Path data = KafkaFixture.tempDir("camstream-run-");
    Path log = data.resolve("run.log");
    Process p = start(data, log);
    try {
      String[] where = awaitRunning(p, log);
      String health = "http://127.0.0.1:" + where[1] + "/health";
      HttpClient http = HttpClient.newHttpClient();
      int status = 0;
      for (int i = 0; i < 600 && status != 200; i++) {
        status = http.send(HttpRequest.newBuilder(URI.create(health)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
        if (status != 200) {
          Thread.sleep(100);
        }
      }
      assertThat(status).isEqualTo(200);
      try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers", where[0]))) {
        assertThat(admin.listTopics().names().get()).contains("inspection.inference-events",
            "camstream.explain-requests", "camstream.policies", "camstream.dlq");
      }
    } finally {
      p.destroy(); // SIGTERM
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(output).as("exit %d, output:%n%s", p.exitValue(), output).contains("embedded Kafka broker at 127.0.0.1:", "role router stopped");
    assertThat(data.resolve("kafka/log/meta.properties")).exists();
  }

  private static Process start(Path data, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    // The launcher's logging (camstream at INFO), not the tests' (warnings only): the test reads those lines.
    cmd.add("-Dlogback.configurationFile=logback.xml");
    cmd.add("-cp");
    cmd.add(io.camstream.engine.ChildClasspath.get());
    cmd.add(Main.class.getName());
    cmd.addAll(List.of("run", "--role", "router", "--set", "data.dir=" + data, "--set", "metrics.port=0",
        "--set", "models.dir=" + data.resolve("models")));
    // Straight to a file: Process.destroy() closes the parent's pipes, which would lose the shutdown lines.
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CAMSTREAM_"));
    Process p = pb.start();
    return p;
  }

  private static String[] awaitRunning(Process p, Path log) throws Exception {
    for (int i = 0; i < 1200; i++) {
      if (Files.exists(log)) {
        Matcher m = RUNNING.matcher(Files.readString(log));
        if (m.find()) {
          return new String[] {m.group(1), m.group(2)};
        }
      }
      if (!p.isAlive()) {
        throw new AssertionError("camstream run exited early with " + p.exitValue() + ":\n"
            + (Files.exists(log) ? Files.readString(log) : ""));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("camstream run did not report running within 120 s");
  }
}
