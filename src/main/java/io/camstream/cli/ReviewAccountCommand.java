package io.camstream.cli;

import io.camstream.review.auth.Accounts;
import io.camstream.review.auth.Identity;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code camstream review-account NAME}: writes one reviewer-accounts line (salted PBKDF2 hash) for
 * {@code review.accounts.file}. Without {@code --secret-stdin} it generates a token and prints it once.
 */
@Command(
    name = "review-account",
    mixinStandardHelpOptions = true,
    description = "Hash a reviewer's secret into a review.accounts.file line (printed, or appended with --file).")
public final class ReviewAccountCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "Reviewer name (letters, digits, . _ - @).")
  String name;

  @Option(names = "--role", defaultValue = "reviewer", description = "reviewer or admin (default ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--secret-stdin", description = "Read the password from standard input instead of generating a"
      + " token.")
  boolean secretStdin;

  @Option(names = "--file", paramLabel = "FILE", description = "Append the line to this accounts file.")
  Path file;

  @Option(names = "--iterations", defaultValue = "" + Accounts.DEFAULT_ITERATIONS,
      description = "PBKDF2 iterations (default ${DEFAULT-VALUE}).")
  int iterations;

  @Override
  public Integer call() throws IOException {
    String secret;
    boolean generated = !secretStdin;
    if (secretStdin) {
      Console console = System.console();
      secret = console != null ? new String(console.readPassword("secret for %s: ", name))
          : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } else {
      byte[] b = new byte[24];
      new SecureRandom().nextBytes(b);
      secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
    String line;
    try {
      line = Accounts.line(name, Identity.Role.of(role), secret, iterations);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    if (file != null) {
      Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      spec.commandLine().getOut().println("added " + name + " (" + role + ") to " + file);
    } else {
      spec.commandLine().getOut().println(line);
    }
    if (generated) {
      // shown once: only the hash is kept
      spec.commandLine().getErr().println("secret for " + name + " (give it to them; it is not stored): " + secret);
    }
    return 0;
  }
}
