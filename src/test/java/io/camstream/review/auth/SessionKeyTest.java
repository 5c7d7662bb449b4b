package io.camstream.review.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which logins one review process accepts from another: the session key's sources. */
class SessionKeyTest {

  @TempDir Path tmp;

  private Authenticator accounts(Path secret) throws Exception {
    Path file = tmp.resolve("accounts");
    if (!Files.exists(file)) {
      Files.writeString(file, Accounts.line("ana", Identity.Role.REVIEWER, "ana-secret-1", 10_000) + "\n");
    }
    return new Authenticator(new Authenticator.Settings(null, file, "", List.of(), Duration.ofHours(1), secret),
        Clock.systemUTC());
  }

  @Test
  void replicasWithTheSameSecretFileAcceptEachOthersLogins() throws Exception {
    Path secret = Files.writeString(tmp.resolve("session-secret"), "k8s-mounted-secret-0123456789\n");
    Authenticator first = accounts(secret);
    Identity ana = first.login("ana", "ana-secret-1").orElseThrow();
    String cookie = first.session(ana);
    // another replica, or this one after a restart
    assertThat(accounts(secret).fromSession(cookie)).map(Identity::name).contains("ana");
    // a tampered cookie is still refused
    assertThat(accounts(secret).fromSession(cookie.substring(0, cookie.length() - 2) + "xx")).isEmpty();
    // another secret, another key
    Path other = Files.writeString(tmp.resolve("other-secret"), "another-secret-abcdefghijkl");
    assertThat(accounts(other).fromSession(cookie)).isEmpty();
  }

  @Test
  void withoutASecretFileEachProcessHasItsOwnKey() throws Exception {
    Authenticator first = accounts(null);
    String cookie = first.session(first.login("ana", "ana-secret-1").orElseThrow());
    assertThat(first.fromSession(cookie)).isPresent();
    assertThat(accounts(null).fromSession(cookie)).isEmpty();
  }

  @Test
  void aShortOrMissingSecretFileStopsTheRoleAtStart() throws Exception {
    Path shortSecret = Files.writeString(tmp.resolve("short"), "abc\n");
    assertThatThrownBy(() -> accounts(shortSecret)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fewer than 16 characters");
    assertThatThrownBy(() -> accounts(tmp.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read review.session.secret.file");
  }
}
