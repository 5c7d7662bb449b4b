package io.camstream.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Files that several processes share (the program cache: every engine worker of a pool builds the same programs at
 * start): a write never shows a reader half a file and never collides with another writer's temporary file, and a
 * folder can be held by one builder at a time, across threads and processes.
 */
public final class AtomicFiles {

  /** What writes a file's content. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Work done while a folder is held. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws IOException;
  }

  private static final ConcurrentHashMap<Path, ReentrantLock> HELD = new ConcurrentHashMap<>();
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  /** Writes through a temporary file of its own beside the target, then renames it over the target. */
  public static void write(Path target, Body body) throws IOException {
    // a name no other writer uses (createTempFile would also make the file owner-only, unlike every other file)
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
        + Thread.currentThread().getId() + "-" + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.writeTo(out);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  public static void writeString(Path target, String text) throws IOException {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs {@code work} holding {@code dir} (created if missing) against other threads of this JVM and other
   * processes: an OS lock on {@code dir/.lock}, which the OS drops when a holder dies, so a killed builder never
   * leaves the folder locked.
   */
  public static <T> T holding(Path dir, Work<T> work) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.toAbsolutePath().normalize();
    // the OS lock belongs to the process, so threads of one JVM queue on their own lock first
    ReentrantLock local = HELD.computeIfAbsent(key, k -> new ReentrantLock());
    local.lock();
    try (FileChannel ch = FileChannel.open(key.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      return work.run();
    } finally {
      local.unlock();
    }
  }
}
