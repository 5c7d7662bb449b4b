package io.camstream.review.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reviewer accounts from a file (a Kubernetes secret mounted as a file works the same): one account a line,
 * {@code name:role:pbkdf2-sha256:iterations:salt:hash} with base64 salt and hash, {@code #} comments. The secret
 * (a password or a generated token) is never stored, only its salted PBKDF2-HMAC-SHA256. The file is re-read when
 * its modification time changes, so a rotated secret takes effect without a restart.
 */
public final class Accounts {

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final String SCHEME = "pbkdf2-sha256";
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256 is 600k; verification results are cached, so the cost is paid once. */
  public static final int DEFAULT_ITERATIONS = 310_000;
  private static final int KEY_BITS = 256;

  /** One parsed line. */
  record Account(String name, Identity.Role role, int iterations, byte[] salt, byte[] hash) {}

  private final Path file;
  private FileTime loadedAt;
  private Map<String, Account> accounts = Map.of();

  private Accounts(Path file) {
    this.file = file;
    reloadIfChanged();
  }

  /**
   * Reads the file; throws IllegalArgumentException (with the line number) when a line is malformed, so a broken
   * accounts file stops the role at start instead of locking reviewers out later.
   */
  public static Accounts load(Path file) {
    return new Accounts(file);
  }

  /** The identity whose secret this is, verified in constant time per account; empty otherwise. */
  public Optional<Identity> verify(String name, String secret) {
    if (name == null || secret == null) {
      return Optional.empty();
    }
    Account a;
    synchronized (this) {
      reloadIfChanged();
      a = accounts.get(name);
    }
    if (a == null) {
      // spend the same time as for a real account, so the answer does not tell which names exist
      pbkdf2(secret, new byte[16], DEFAULT_ITERATIONS);
      return Optional.empty();
    }
    return MessageDigest.isEqual(pbkdf2(secret, a.salt(), a.iterations()), a.hash())
        ? Optional.of(new Identity(a.name(), a.role(), "account")) : Optional.empty();
  }

  /** The account's current identity (role as the file says now), or empty when it was removed. */
  public synchronized Optional<Identity> current(String name) {
    reloadIfChanged();
    Account a = accounts.get(name);
    return a == null ? Optional.empty() : Optional.of(new Identity(a.name(), a.role(), "account"));
  }

  /** An accounts-file line for a new account, with a fresh random salt. */
  public static String line(String name, Identity.Role role, String secret, int iterations) {
    new Identity(name, role, "account"); // validates the name
    if (secret == null || secret.length() < 8) {
      throw new IllegalArgumentException("the secret must have at least 8 characters");
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    return name + ":" + role.id() + ":" + SCHEME + ":" + iterations + ":" + b64.encodeToString(salt) + ":"
        + b64.encodeToString(pbkdf2(secret, salt, iterations));
  }

  private void reloadIfChanged() {
    try {
      FileTime t = Files.getLastModifiedTime(file);
      if (t.equals(loadedAt)) {
        return;
      }
      accounts = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
      loadedAt = t;
    } catch (IOException e) {
      if (loadedAt == null) {
        throw new UncheckedIOException("cannot read review accounts file " + file + ": " + e.getMessage(), e);
      }
      // keep the accounts already loaded while a mounted secret is being swapped
    }
  }

  private Map<String, Account> parse(List<String> lines) {
    Map<String, Account> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split(":", -1);
      try {
        if (f.length != 6 || !f[2].equals(SCHEME)) {
          throw new IllegalArgumentException("expected name:role:" + SCHEME + ":iterations:salt:hash");
        }
        Identity id = new Identity(f[0], Identity.Role.of(f[1]), "account");
        int iterations = Integer.parseInt(f[3]);
        if (iterations < 10_000) {
          throw new IllegalArgumentException("at least 10000 iterations");
        }
        Account a = new Account(id.name(), id.role(), iterations, Base64.getDecoder().decode(f[4]),
            Base64.getDecoder().decode(f[5]));
        if (out.put(a.name(), a) != null) {
          throw new IllegalArgumentException("account " + a.name() + " appears twice");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(out);
  }

  static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, KEY_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
