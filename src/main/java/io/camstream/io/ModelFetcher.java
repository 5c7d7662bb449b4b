package io.camstream.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Downloads a model's official archive, extracts the files its {@link ModelSource} lists, and accepts them only when
 * every sha256 matches. Files land in {@code DIR/<archiveDir>/} all at once (staged, verified, then moved), so a
 * failed or tampered download never leaves half a model behind.
 *
 * <p>Extraction is defensive: entry names that are absolute or climb out with {@code ..} fail the whole fetch, only
 * regular files are written, only the listed files are kept, and archive and file sizes are capped.
 */
public final class ModelFetcher {

  /** Caps that bound what a hostile or broken archive can cost. */
  public record Limits(long maxArchiveBytes, long maxFileBytes, int maxEntries) {
    /** Far above PaddleOCR's models (a few MB), far below a disk-filling archive. */
    public static final Limits DEFAULT = new Limits(2L << 30, 1L << 30, 10_000);
  }

  /** One file's check: expected and actual sha256 ({@code null} when the file is missing). */
  public record FileCheck(String file, String expected, String actual) {
    public boolean ok() {
      return expected.equals(actual);
    }
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);

  private final HttpClient http;
  private final Limits limits;
  private final PrintStream log;

  /** A fetcher with default limits that reports progress on {@code log} (stderr for the CLI). */
  public ModelFetcher(PrintStream log) {
    this(HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build(),
        Limits.DEFAULT, log);
  }

  /** A fetcher with its own client and limits. */
  public ModelFetcher(HttpClient http, Limits limits, PrintStream log) {
    this.http = http;
    this.limits = limits;
    this.log = log;
  }

  /**
   * Makes sure {@code dir/<archiveDir>/} holds every listed file with the listed sha256, downloading when needed.
   *
   * @return the model folder
   * @throws ModelFetchException on a download, archive or checksum problem; nothing new is left on disk then
   */
  public Path fetch(ModelSource source, Path dir) throws IOException {
    Path target = dir.resolve(source.archiveDir());
    if (verify(source, target).stream().allMatch(FileCheck::ok)) {
      log.println("model files already present and verified: " + target);
      return target;
    }
    Files.createDirectories(dir);
    Path archive = Files.createTempFile(dir, "." + source.archiveDir() + ".", ".download");
    Path staging = Files.createTempDirectory(dir, "." + source.archiveDir() + ".partial-");
    try {
      download(source, archive);
      Map<String, String> actual = extract(source, archive, staging);
      List<String> problems = new ArrayList<>();
      source.sha256().forEach((file, expected) -> {
        String got = actual.get(file);
        if (got == null) {
          problems.add(file + " is not in the archive under " + source.archiveDir() + "/");
        } else if (!got.equals(expected)) {
          problems.add("sha256 mismatch for " + file + ": expected " + expected + ", got " + got);
        }
      });
      if (!problems.isEmpty()) {
        throw new ModelFetchException(String.join("; ", problems) + " (archive " + source.url()
            + "); the downloaded files were deleted");
      }
      Files.createDirectories(target);
      for (String file : source.sha256().keySet()) {
        Files.move(staging.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      log.println("model files verified and installed: " + target);
      return target;
    } finally {
      Files.deleteIfExists(archive);
      deleteTree(staging);
    }
  }

  /** Checks the files in {@code modelDir} against the listed sha256; reads only, never deletes. */
  public static List<FileCheck> verify(ModelSource source, Path modelDir) throws IOException {
    List<FileCheck> checks = new ArrayList<>();
    for (Map.Entry<String, String> e : source.sha256().entrySet()) {
      Path file = modelDir.resolve(e.getKey());
      checks.add(new FileCheck(e.getKey(), e.getValue(), Files.isRegularFile(file) ? sha256(file) : null));
    }
    return checks;
  }

  /** Hex sha256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private void download(ModelSource source, Path archive) throws IOException {
    String name = source.url().getPath().substring(source.url().getPath().lastIndexOf('/') + 1);
    if ("file".equals(source.url().getScheme())) {
      // air-gapped sites mirror the archive on a file share
      try (InputStream in = Files.newInputStream(Path.of(source.url()));
          OutputStream out = Files.newOutputStream(archive)) {
        copyCapped(in, out, Files.size(Path.of(source.url())), name);
      }
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(source.url()).timeout(RESPONSE_TIMEOUT).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelFetchException("download of " + source.url() + " was interrupted");
    } catch (IOException e) {
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      throw new ModelFetchException("cannot download " + source.url() + ": " + why
          + " (offline? fetch the archive elsewhere and pass --url file:/path/to/archive.tar)", e);
    }
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new ModelFetchException("HTTP " + response.statusCode() + " from " + response.uri());
      }
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (length > limits.maxArchiveBytes()) {
        throw new ModelFetchException(source.url() + " is " + length + " bytes, over the cap of "
            + limits.maxArchiveBytes());
      }
      try (OutputStream out = Files.newOutputStream(archive)) {
        copyCapped(in, out, length, name);
      }
    }
  }

  private void copyCapped(InputStream in, OutputStream out, long length, String name) throws IOException {
    Progress progress = new Progress(log, "downloading " + name, length);
    byte[] buf = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
      if (total > limits.maxArchiveBytes()) {
        throw new ModelFetchException(name + " exceeds the archive cap of " + limits.maxArchiveBytes() + " bytes");
      }
      out.write(buf, 0, n);
      progress.update(total);
    }
    progress.done(total);
  }

  /** Extracts the listed files into {@code staging}; returns the sha256 of each file written. */
  private Map<String, String> extract(ModelSource source, Path archive, Path staging) throws IOException {
    Map<String, String> written = new LinkedHashMap<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(maybeGunzip(raw))) {
      int entries = 0;
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        if (++entries > limits.maxEntries()) {
          throw new ModelFetchException("archive has more than " + limits.maxEntries() + " entries");
        }
        String name = safeName(entry.getName());
        if (!entry.isFile()) {
          continue; // directories, links, devices: never materialised
        }
        String prefix = source.archiveDir() + "/";
        if (!name.startsWith(prefix) || name.indexOf('/', prefix.length()) >= 0) {
          continue;
        }
        String file = name.substring(prefix.length());
        if (!source.sha256().containsKey(file) || written.containsKey(file)) {
          continue;
        }
        if (entry.getSize() > limits.maxFileBytes()) {
          throw new ModelFetchException(name + " is " + entry.getSize() + " bytes, over the cap of "
              + limits.maxFileBytes());
        }
        written.put(file, writeCapped(tar, staging.resolve(file), name));
      }
    } catch (ModelFetchException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelFetchException("cannot read the archive from " + source.url() + ": " + e.getMessage(), e);
    }
    return written;
  }

  private String writeCapped(InputStream in, Path file, String name) throws IOException {
    MessageDigest md = newDigest();
    byte[] buf = new byte[1 << 16];
    long total = 0;
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > limits.maxFileBytes()) {
          throw new ModelFetchException(name + " exceeds the file cap of " + limits.maxFileBytes() + " bytes");
        }
        out.write(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Rejects names that could land outside the extraction folder, whatever the entry type. */
  static String safeName(String entryName) throws ModelFetchException {
    String name = entryName.replace('\\', '/');
    while (name.startsWith("./")) {
      name = name.substring(2);
    }
    boolean climbs = Stream.of(name.split("/")).anyMatch(".."::equals);
    if (name.startsWith("/") || climbs || name.contains(":") || name.indexOf('\0') >= 0) {
      throw new ModelFetchException("unsafe archive entry '" + entryName + "': paths must stay inside the archive");
    }
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  private static InputStream maybeGunzip(InputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == 0x1f && b2 == 0x8b ? new GzipCompressorInputStream(in) : in;
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A download, archive or checksum problem, with a message meant for the person running the command. */
  public static final class ModelFetchException extends IOException {
    private static final long serialVersionUID = 1L;

    ModelFetchException(String message) {
      super(message);
    }

    ModelFetchException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A one-line progress report: redrawn in place on a terminal, a few plain lines otherwise. */
  private static final class Progress {
    private final PrintStream out;
    private final String label;
    private final long length;
    private final boolean terminal = System.console() != null;
    private long lastStep = -1;

    Progress(PrintStream out, String label, long length) {
      this.out = out;
      this.label = label;
      this.length = length;
    }

    void update(long bytes) {
      long step = length > 0 ? bytes * (terminal ? 100 : 4) / length : bytes >> (terminal ? 20 : 24);
      if (step != lastStep && (length <= 0 || bytes < length)) {
        lastStep = step;
        out.print((terminal ? "\r" : "") + line(bytes) + (terminal ? "" : System.lineSeparator()));
        out.flush();
      }
    }

    void done(long bytes) {
      out.print((terminal ? "\r" : "") + line(bytes) + System.lineSeparator());
      out.flush();
    }

    private String line(long bytes) {
      String mib = String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
      return length > 0
          ? String.format(Locale.ROOT, "%s: %s / %.1f MiB (%d%%)", label, mib, length / 1048576.0, bytes * 100 / length)
          : label + ": " + mib + " MiB";
    }
  }
}
