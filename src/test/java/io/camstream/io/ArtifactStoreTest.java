package io.camstream.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.io.ArtifactStore.Kind;
import io.camstream.io.ArtifactStore.Stored;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

  @TempDir Path dir;
  private static final Instant T = Instant.parse("2026-11-27T23:59:30Z");

  @Test
  void writesUnderDayAndModelAndReturnsUriAndHash() throws Exception {
    ArtifactStore store = ArtifactStore.local(dir, Duration.ofHours(24));
    byte[] bytes = {1, 2, 3, 4};
    Stored s = store.put(T, "ocr-textline-cls", "ev-1", Kind.HEATMAP, bytes);
    Path file = Path.of(URI.create(s.uri()));
    assertThat(file).isEqualTo(dir.resolve("2026-11-27/ocr-textline-cls-" + hash16("ocr-textline-cls") + "/ev-1-"
        + hash16("ev-1") + ".heatmap.png"));
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(s.sha256()).isEqualTo(expected);
  }

  @Test
  void rewritingTheSameEventIsIdempotentAndLeavesNoTempFiles() throws Exception {
    ArtifactStore store = ArtifactStore.local(dir, Duration.ofHours(24));
    Stored first = store.put(T, "m", "ev-1", Kind.OVERLAY, new byte[] {9, 9});
    Stored second = store.put(T, "m", "ev-1", Kind.OVERLAY, new byte[] {9, 9});
    assertThat(second).isEqualTo(first);
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).containsExactly(Path.of(URI.create(first.uri())));
    }
  }

  @Test
  void differentValidIdsNeverShareAFile() throws Exception {
    ArtifactStore store = ArtifactStore.local(dir, Duration.ofHours(24));
    String prefix = "e".repeat(70);
    // An id shaped like another id's cleaned-plus-hash form, ids equal up to case, ids equal in their first 60+
    // characters: each pair once mapped (or could map) to one file.
    String[][] pairs = {
        {"a/b", "a_b-" + hash16("a/b")}, {"Ev-1", "ev-1"}, {prefix + "-1", prefix + "-2"}};
    for (String[] pair : pairs) {
      Stored first = store.put(T, "m", pair[0], Kind.HEATMAP, new byte[] {1});
      Stored second = store.put(T, "m", pair[1], Kind.HEATMAP, new byte[] {2});
      assertThat(first.uri().toLowerCase()).as(pair[0] + " vs " + pair[1]).isNotEqualTo(second.uri().toLowerCase());
      assertThat(Files.readAllBytes(Path.of(URI.create(first.uri())))).containsExactly(1);
      assertThat(first.sha256()).isEqualTo(sha(new byte[] {1}));
    }
  }

  private static String hash16(String id) throws Exception {
    return sha(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16);
  }

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void untrustedIdsStayInsideTheStoreAndDoNotCollide() throws Exception {
    ArtifactStore store = ArtifactStore.local(dir, Duration.ofHours(24));
    Stored a = store.put(T, "../../m", "../../../etc/passwd", Kind.HEATMAP, new byte[] {1});
    Stored b = store.put(T, "m", "a/b", Kind.HEATMAP, new byte[] {2});
    Stored c = store.put(T, "m", "a_b", Kind.HEATMAP, new byte[] {3});
    for (Stored s : new Stored[] {a, b, c}) {
      assertThat(Path.of(URI.create(s.uri())).normalize()).startsWith(dir.resolve("2026-11-27"));
    }
    assertThat(b.uri()).isNotEqualTo(c.uri());
    assertThat(Files.readAllBytes(Path.of(URI.create(b.uri())))).containsExactly(2);
  }

  @Test
  void retentionDeletesOnlyOldUntouchedDayFolders() throws Exception {
    ArtifactStore store = ArtifactStore.local(dir, Duration.ofHours(48));
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    Stored old = store.put(Instant.parse("2026-11-25T10:00:00Z"), "m", "old", Kind.HEATMAP, new byte[] {1});
    Stored replayed = store.put(Instant.parse("2026-11-24T10:00:00Z"), "m", "replayed", Kind.HEATMAP, new byte[] {1});
    Stored recent = store.put(Instant.parse("2026-11-26T13:00:00Z"), "m", "recent", Kind.HEATMAP, new byte[] {1});
    // the "old" one was written long ago; the replayed one is an old day written just now
    Files.setLastModifiedTime(Path.of(URI.create(old.uri())), FileTime.from(Instant.parse("2026-11-25T10:00:01Z")));
    Files.setLastModifiedTime(Path.of(URI.create(replayed.uri())), FileTime.from(now.minusSeconds(60)));
    Files.setLastModifiedTime(Path.of(URI.create(recent.uri())), FileTime.from(Instant.parse("2026-11-26T13:00:01Z")));
    Files.createDirectories(dir.resolve("not-a-day"));

    assertThat(store.purgeExpired(now)).isEqualTo(1);
    assertThat(dir.resolve("2026-11-25")).doesNotExist();
    assertThat(dir.resolve("2026-11-24")).exists();
    assertThat(dir.resolve("2026-11-26")).exists(); // its day ends 2026-11-27T00:00, after the 48 h cutoff
    assertThat(dir.resolve("not-a-day")).exists();
    assertThat(store.purgeExpired(now)).isZero();
  }
}
