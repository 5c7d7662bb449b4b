package io.camstream.engine;

import io.camstream.io.AtomicFiles;
import io.camstream.model.ExplainProgram;
import io.camstream.model.ProgramIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generated programs on disk, keyed by model sha256 + a readable key (layer, target) + the program's own hash, so a
 * change in the builder never reuses a stale program. A program is used in-process only after it ran once in a
 * child JVM: any Paddle error aborts the process that hits it, and that must not be the service.
 */
public final class ProgramCache {

  private static final Logger LOG = LoggerFactory.getLogger(ProgramCache.class);
  private static final String VERIFIED = "verified";

  private final Path root;
  private final Duration trialTimeout;

  public ProgramCache(Path root) {
    this(root, Duration.ofMinutes(3));
  }

  public ProgramCache(Path root, Duration trialTimeout) {
    this.root = root;
    this.trialTimeout = trialTimeout;
  }

  /** Default location: {@code camstream.cache} property, {@code CAMSTREAM_CACHE}, else ~/.cache/camstream. */
  public static Path defaultRoot() {
    String p = System.getProperty("camstream.cache", System.getenv("CAMSTREAM_CACHE"));
    return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "camstream");
  }

  /** Result of a trial run: the fetched outputs' shapes. */
  public record Trial(Map<String, long[]> fetchShapes) {}

  /**
   * Writes the program (if new) beside a link to the model's params and proves it in a child JVM.
   *
   * @param trialFeeds trial input per feed, as {@code dims[:fill]} (see {@link TrialRun})
   * @return the folder to load
   */
  public Path materialise(String modelSha, String key, ExplainProgram program, Path params,
      Map<String, String> trialFeeds) throws IOException {
    byte[] bytes = program.program().toByteArray();
    // the params file is part of the key: a copy of a model with other weights shares its program, not its folder
    String paramsSha = sha256(params);
    Path dir = root.resolve("programs").resolve(modelSha.substring(0, 16) + "-" + paramsSha.substring(0, 8))
        .resolve(sanitize(key) + "-" + sha256(bytes).substring(0, 12));
    Path link = dir.resolve("inference.pdiparams");
    // Every worker of a pool builds the same programs at start: one writes and proves each, the others wait for it
    // and load what it proved.
    return AtomicFiles.holding(dir, () -> {
      if (Files.exists(dir.resolve("inference.pdmodel"))
          && verified(dir).fetchShapes().keySet().containsAll(program.fetches())) {
        linkParams(link, params);
        return dir;
      }
      ProgramIO.write(program.program(), dir.resolve("inference.pdmodel"));
      linkParams(link, params);
      Trial t = trial(dir, program.fetches(), trialFeeds);
      // the child's own "fetch NAME DIMS" lines, so the record reads back with the same parser
      AtomicFiles.writeString(dir.resolve(VERIFIED), t.fetchShapes().entrySet().stream()
          .map(e -> "fetch " + e.getKey() + " " + Arrays.toString(e.getValue()) + "\n").reduce("", String::concat));
      LOG.info("generated program {} verified in a child process", dir);
      return dir;
    });
  }

  /**
   * Where a program's compiled ONNX graph and its verdict live: keyed like the Paddle program (model and params
   * hashes, readable key, program hash), under {@code onnx/}.
   */
  public Path onnxDir(String modelSha, String key, ExplainProgram program, Path params) throws IOException {
    return root.resolve("onnx").resolve(modelSha.substring(0, 16) + "-" + sha256(params).substring(0, 8))
        .resolve(sanitize(key) + "-" + sha256(program.program().toByteArray()).substring(0, 12));
  }

  /** The fetch shapes a program folder's trial run recorded; empty when it has not passed one. */
  public Trial verified(Path dir) throws IOException {
    Path record = dir.resolve(VERIFIED);
    return new Trial(Files.exists(record) ? fetchShapes(Files.readString(record)) : Map.of());
  }

  /** Points the folder's params at the model's own file (the same bytes, wherever the model now lives). */
  private static void linkParams(Path link, Path params) throws IOException {
    Path target = params.toAbsolutePath();
    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target) && Files.exists(link)) {
      return;
    }
    Path tmp = link.resolveSibling("inference.pdiparams." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createSymbolicLink(tmp, target);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(params, tmp);
    }
    // the folder is held (materialise), so this process's name for the temporary link is its own
    Files.move(tmp, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Runs a program directory once in a child JVM and returns the fetched shapes, or throws with Paddle's error. */
  public Trial trial(Path dir, List<String> fetches, Map<String, String> feeds) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g"); // a layers probe fetches every activation of a full-size input
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-cp");
    cmd.add(ChildClasspath.get());
    cmd.add(TrialRun.class.getName());
    cmd.add(dir.toString());
    cmd.add(String.join(",", fetches));
    feeds.forEach((k, v) -> cmd.add(k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("DJL_OFFLINE", "true");
    Path err = Files.createTempFile("camstream-trial", ".err");
    // stdout goes to a file too: reading a pipe to its end would wait for a hung child forever, and the timeout
    // below could never fire
    Path stdout = Files.createTempFile("camstream-trial", ".out");
    pb.redirectError(err.toFile());
    pb.redirectOutput(stdout.toFile());
    Process p = pb.start();
    String out;
    try {
      if (!p.waitFor(trialTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IOException("trial run of " + dir + " did not finish in " + trialTimeout + " (killed)");
      }
      out = Files.readString(stdout, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during trial run", e);
    } finally {
      Files.deleteIfExists(stdout);
    }
    String stderr = Files.readString(err);
    Files.deleteIfExists(err);
    if (p.exitValue() != 0) {
      throw new IOException("generated program failed its trial run in a child process (exit " + p.exitValue()
          + "): " + paddleError(stderr));
    }
    return new Trial(fetchShapes(out));
  }

  /** {@code fetch NAME [d0, d1, ...]} lines, as {@link TrialRun} prints them. */
  private static Map<String, long[]> fetchShapes(String text) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("fetch ")) {
        String[] parts = line.split(" ", 3);
        shapes.put(parts[1], Arrays.stream(parts[2].replaceAll("[\\[\\] ]", "").split(","))
            .mapToLong(Long::parseLong).toArray());
      }
    }
    return shapes;
  }

  /** The most telling line of a Paddle abort (the EnforceNotMet summary), else the last lines. */
  static String paddleError(String stderr) {
    for (String line : stderr.split("\n")) {
      if (line.matches(".*(Error|error): .*") && !line.contains("WARN")) {
        return line.trim();
      }
    }
    String[] lines = stderr.strip().split("\n");
    return String.join(" | ", Arrays.copyOfRange(lines, Math.max(0, lines.length - 3), lines.length));
  }

  static String sanitize(String key) {
    return key.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
