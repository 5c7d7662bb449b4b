package io.camstream.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.engine.ChildClasspath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @Test
  void concurrentWritersOfOneFileNeverCollideAndReadersSeeWholeContent(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("inference.pdmodel");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      byte[] content = new byte[200_000];
      Arrays.fill(content, (byte) ('a' + w));
      writers.add(pool.submit(() -> {
        for (int i = 0; i < 50; i++) {
          AtomicFiles.write(target, content);
        }
        return null;
      }));
    }
    Future<Integer> reader = pool.submit(() -> {
      int reads = 0;
      while (writers.stream().anyMatch(f -> !f.isDone())) {
        if (Files.exists(target)) {
          byte[] seen = Files.readAllBytes(target);
          assertThat(seen).hasSize(200_000);
          for (byte b : seen) {
            assertThat(b).isEqualTo(seen[0]);
          }
          reads++;
        }
      }
      return reads;
    });
    for (Future<?> f : writers) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
    pool.shutdown();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("inference.pdmodel");
    }
    // as any file this process creates: readable by the other users a shared cache may have
    Path plain = Files.write(dir.resolve("plain"), new byte[1]);
    assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void threadsHoldingAFolderTakeTurns(@TempDir Path dir) throws Exception {
    Path counter = dir.resolve("n");
    AtomicFiles.writeString(counter, "0");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> all = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      all.add(pool.submit(() -> {
        for (int i = 0; i < 100; i++) {
          AtomicFiles.holding(dir, () -> {
            int n = Integer.parseInt(Files.readString(counter));
            Thread.yield();
            AtomicFiles.writeString(counter, Integer.toString(n + 1));
            return null;
          });
        }
        return null;
      }));
    }
    for (Future<?> f : all) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(Files.readString(counter)).isEqualTo("400");
  }

  @Test
  void anotherProcessHoldingTheFolderMakesThisOneWait(@TempDir Path dir) throws Exception {
    Path done = dir.resolve("done");
    Process child = holder(dir, 1500);
    String seen = AtomicFiles.holding(dir, () -> Files.exists(done) ? Files.readString(done) : "not yet");
    assertThat(seen).as("the child's work was finished before this process got the folder").isEqualTo("done");
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isZero();
  }

  @Test
  void aKilledHolderLeavesTheFolderFree(@TempDir Path dir) throws Exception {
    Process child = holder(dir, 600_000);
    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(AtomicFiles.holding(dir, () -> "free")).isEqualTo("free");
  }

  /** A child JVM that holds {@code dir} for {@code ms}, returned once it has it. */
  private static Process holder(Path dir, long ms) throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        ChildClasspath.get(), Holder.class.getName(), dir.toString(), Long.toString(ms)).inheritIO().start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(dir.resolve("held")) && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(dir.resolve("held")).as("child holds the folder").exists();
    return child;
  }

  /** Holds the folder for a while, marking when it has it and when its work is done. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      AtomicFiles.holding(dir, () -> {
        AtomicFiles.writeString(dir.resolve("held"), "held");
        try {
          Thread.sleep(Long.parseLong(args[1]));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Files.write(dir.resolve("done"), "done".getBytes(StandardCharsets.UTF_8));
        return null;
      });
    }
  }
}
