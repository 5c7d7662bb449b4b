package io.camstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.review.auth.Accounts;
import io.camstream.review.auth.Identity;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accounts line the command writes is read back by the review role's own loader. */
class ReviewAccountCommandTest {

  @TempDir Path tmp;

  @Test
  void writesAnAccountTheReviewRoleAccepts() throws Exception {
    Path file = tmp.resolve("accounts");
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream("correct horse battery\n".getBytes(StandardCharsets.UTF_8)));
      var cli = Main.commandLine();
      StringWriter out = new StringWriter();
      cli.setOut(new PrintWriter(out));
      int rc = cli.execute("review-account", "dana", "--role", "admin", "--secret-stdin", "--iterations", "20000",
          "--file", file.toString());
      assertThat(rc).isZero();
    } finally {
      System.setIn(stdin);
    }
    assertThat(Files.readString(file)).startsWith("dana:admin:pbkdf2-sha256:20000:").doesNotContain("horse");
    Accounts accounts = Accounts.load(file);
    assertThat(accounts.verify("dana", "correct horse battery")).hasValueSatisfying(i -> {
      assertThat(i.name()).isEqualTo("dana");
      assertThat(i.role()).isEqualTo(Identity.Role.ADMIN);
    });
    assertThat(accounts.verify("dana", "correct horse battery ")).isEmpty();
    assertThat(accounts.verify("eve", "correct horse battery")).isEmpty();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("review-account", "bad name")).isEqualTo(2);
    assertThat(err.toString()).contains("reviewer name");
  }
}
