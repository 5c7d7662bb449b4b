package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.model.ProgramWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Model and spec errors on the CLI: one line naming the file and key, exit code 1, no stack trace. */
class ModelErrorsTest {

  @TempDir Path dir;

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new String[] {Integer.toString(exit), err.toString()};
  }

  private Path spec(String extra) throws Exception {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, 4, 4).param("k", new long[] {2, 3, 1, 1}, new float[6]);
    w.var("A", -1, 2, 4, 4).var("y", -1, 2, 4, 4);
    w.op("conv2d").in("Input", "x").in("Filter", "k").out("Output", "A").add();
    w.op("sigmoid").in("X", "A").out("Out", "y").add();
    w.fetch("y").write(dir);
    Path yaml = dir.resolve("m.yaml");
    Files.writeString(yaml, "id: m\nversion: \"1\"\nfiles: {dir: .}\ninput: {height: 4, width: 4}\n" + extra);
    return yaml;
  }

  @Test
  void aSpecNamingAMissingVariableFailsInOneLine() throws Exception {
    Path yaml = spec("output: nope\n");
    String[] r = run("layers", "--model", yaml.toString(), "--shared", dir.toString(), "--cache",
        dir.resolve("cache").toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1].strip()).doesNotContain("\n").doesNotContain("Exception").contains(yaml.toString())
        .contains("output 'nope' is not a variable of the program");
  }

  @Test
  void aCorruptModelFileFailsInOneLine() throws Exception {
    Path yaml = spec("");
    Files.write(dir.resolve("inference.pdmodel"), new byte[] {1, 2, 3, 4, 5});
    String[] r = run("layers", "--model", yaml.toString(), "--shared", dir.toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1].strip()).doesNotContain("\n").contains("inference.pdmodel").contains("not a Paddle program");
  }

  @Test
  void anInvalidSpecFailsInOneLine() throws Exception {
    Path yaml = spec("task: regression\n");
    String[] r = run("layers", "--model", yaml.toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1].strip()).doesNotContain("\n").contains(yaml.toString()).contains("regression");
  }
}
