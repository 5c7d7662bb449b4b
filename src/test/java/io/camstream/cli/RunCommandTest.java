package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

  @Test
  void anUnknownRoleIsAClearErrorListingTheKnownOnes() {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int rc = cli.execute("run", "--role", "router,nope");
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("unknown role 'nope'", "router", "all");
  }

  @Test
  void aBadConfigValueIsAClearError() {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int rc = cli.execute("run", "--role", "router", "--set", "topic.partitions=zero");
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("topic.partitions");
  }

  @Test
  void configPrintsEveryKeyWithItsEnvironmentVariable() {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("config", "--markdown")).isZero();
    assertThat(out.toString()).contains("| `topic.events` | `CAMSTREAM_TOPIC_EVENTS` |", "inspection.inference-events",
        "`explainer.devices`", "`streams.*`");
  }
}
