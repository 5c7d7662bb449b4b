package io.camstream.io.internal;

import io.camstream.io.ArtifactStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts as files: {@code <dir>/<yyyy-MM-dd>/<modelId>-<hash>/<eventId>-<hash>.<kind>.png}, where each hash is the
 * first 16 hex digits of the sha256 of the full id (see {@link #safeName}), so two ids never share a file. The day is the event's UTC date,
 * not the wall clock, so a re-run after a crash (or a restart past midnight) rewrites the same file. Each write goes
 * to a temp file in the same folder and is moved into place, so readers never see half a PNG.
 */
public final class LocalArtifactStore implements ArtifactStore {

  private static final Logger LOG = LoggerFactory.getLogger(LocalArtifactStore.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

  private final Path dir;
  private final Duration retention;

  public LocalArtifactStore(Path dir, Duration retention) {
    this.dir = dir.toAbsolutePath().normalize();
    this.retention = retention;
  }

  @Override
  public Stored put(Instant eventTime, String modelId, String eventId, Kind kind, byte[] png) throws IOException {
    String day = DAY.format(eventTime.atZone(ZoneOffset.UTC).toLocalDate());
    Path folder = dir.resolve(day).resolve(safeName(modelId));
    Files.createDirectories(folder);
    Path target = folder.resolve(safeName(eventId) + "." + kind.suffix() + ".png");
    Path temp = Files.createTempFile(folder, ".tmp-", ".png");
    try {
      Files.write(temp, png);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return new Stored(target.toUri().toString(), sha256(png));
  }

  @Override
  public int purgeExpired(Instant now) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Instant cutoff = now.minus(retention);
    int purged = 0;
    try (DirectoryStream<Path> days = Files.newDirectoryStream(dir)) {
      for (Path day : days) {
        if (expired(day, cutoff)) {
          deleteTree(day);
          purged++;
        }
      }
    }
    if (purged > 0) {
      LOG.info("artifact retention: deleted {} day folder(s) older than {} under {}", purged, retention, dir);
    }
    return purged;
  }

  /**
   * A day folder expires when its whole day ends before the cutoff and nothing was written into it since. The
   * second condition protects a replay of old events, whose artifacts land in old day folders but are fresh.
   */
  private static boolean expired(Path day, Instant cutoff) throws IOException {
    if (!Files.isDirectory(day)) {
      return false;
    }
    LocalDate date;
    try {
      date = LocalDate.parse(day.getFileName().toString(), DAY);
    } catch (DateTimeParseException e) {
      return false;
    }
    Instant dayEnd = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return !dayEnd.isAfter(cutoff) && !newestWrite(day).isAfter(cutoff);
  }

  private static Instant newestWrite(Path tree) throws IOException {
    Instant[] newest = {Instant.EPOCH};
    Files.walkFileTree(tree, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        Instant t = attrs.lastModifiedTime().toInstant();
        if (t.isAfter(newest[0])) {
          newest[0] = t;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return newest[0];
  }

  private static void deleteTree(Path tree) throws IOException {
    Files.walkFileTree(tree, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /**
   * Ids come from the events, so they are untrusted: anything but plain characters is replaced, the result is cut to
   * 60 characters, and a hash of the whole original id is always appended. Always, because a readable part alone
   * collides: "a/b" and "a_b" clean to the same text, an id may itself look like another id's cleaned-plus-hash
   * form, ids that differ after 60 characters share a prefix, and "Ev-1" and "ev-1" are one file on a
   * case-insensitive disk.
   */
  static String safeName(String id) {
    String raw = id == null ? "" : id;
    String cleaned = raw.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    if (cleaned.length() > 60) {
      cleaned = cleaned.substring(0, 60);
    }
    return cleaned + "-" + sha256(raw.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  /** Lower-case hex sha256. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
