package io.camstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.camstream.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Fetches a real PaddleOCR-layout archive, built from the shared model files, over real HTTP on loopback (this
 * machine has no route to the publisher), and checks the sha256 handling against the hashes in the model README.
 */
class ModelFetcherIT {

  static final String CLS = "ch_ppocr_mobile_v2.0_cls_infer";
  /** Copied from ../shared/models/ch_ppocr_mobile_v2.0_cls_infer/README.md, the independent reference. */
  static final Map<String, String> README_SHA256 = orderedMap(
      "inference.pdmodel", "9fa20a45c21feb2bf68a08459feaee4008bcb9ac72aa86ed9d858e063a627a53",
      "inference.pdiparams", "4837832ace0e71df968caeb1fbd0dae3a4105a015712a139b110c9a5b99bd23a",
      "inference.pdiparams.info", "3b9a6de4da312115a7ad68b633e1ce8088800f7c6f53df5cf8b7562f64f8e837");

  @TempDir Path tmp;
  HttpServer server;
  final Map<String, byte[]> served = new ConcurrentHashMap<>();
  final ByteArrayOutputStream progress = new ByteArrayOutputStream();
  ModelFetcher fetcher;
  Path models;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/moved/")) {
        exchange.getResponseHeaders().add("Location", path.substring("/moved".length()));
        exchange.sendResponseHeaders(302, -1);
      } else if (served.containsKey(path)) {
        byte[] body = served.get(path);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
    fetcher = new ModelFetcher(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build(),
        ModelFetcher.Limits.DEFAULT, new PrintStream(progress, true, StandardCharsets.UTF_8));
    models = tmp.resolve("models");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void fetchesExtractsAndVerifiesTheRealClassifierArchiveThroughARedirect() throws IOException {
    Map<String, byte[]> entries = sharedFiles();
    entries.put(CLS + "/README.txt", "not listed, so not extracted".getBytes(StandardCharsets.UTF_8));
    served.put("/ch/" + CLS + ".tar", tar(entries));

    Path dir = fetcher.fetch(source("/moved/ch/" + CLS + ".tar"), models);

    assertThat(dir).isEqualTo(models.resolve(CLS));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(README_SHA256.keySet());
    }
    for (Map.Entry<String, String> e : README_SHA256.entrySet()) {
      assertThat(ModelFetcher.sha256(dir.resolve(e.getKey()))).isEqualTo(e.getValue());
      assertThat(Files.mismatch(dir.resolve(e.getKey()), sharedModel().resolve(e.getKey()))).isEqualTo(-1);
    }
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("downloading " + CLS + ".tar").contains("100%");
    assertThat(ModelFetcher.verify(source("/ch/" + CLS + ".tar"), dir)).allMatch(ModelFetcher.FileCheck::ok);
    assertNoLeftovers();
  }

  @Test
  void tamperedArchiveFailsNamingTheFileAndLeavesNothingBehind() throws IOException {
    Map<String, byte[]> entries = sharedFiles();
    byte[] params = entries.get(CLS + "/inference.pdiparams");
    params[params.length / 2] ^= 0x01; // one flipped bit in one weight
    served.put("/ch/" + CLS + ".tar", tar(entries));

    assertThatThrownBy(() -> fetcher.fetch(source("/ch/" + CLS + ".tar"), models))
        .isInstanceOf(ModelFetcher.ModelFetchException.class)
        .hasMessageContaining("sha256 mismatch for inference.pdiparams")
        .hasMessageContaining(README_SHA256.get("inference.pdiparams"))
        .hasMessageContaining("deleted")
        .message().doesNotContain("inference.pdmodel");
    assertThat(models.resolve(CLS)).doesNotExist();
    assertNoLeftovers();
  }

  @Test
  void traversalEntryIsRejectedAndNotWritten() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("../evil", "pwned".getBytes(StandardCharsets.UTF_8));
    entries.putAll(sharedFiles());
    served.put("/ch/" + CLS + ".tar", tar(entries));

    assertThatThrownBy(() -> fetcher.fetch(source("/ch/" + CLS + ".tar"), models))
        .isInstanceOf(ModelFetcher.ModelFetchException.class)
        .hasMessageContaining("unsafe archive entry '../evil'");
    assertThat(tmp.resolve("evil")).doesNotExist();
    assertThat(models.resolve(CLS)).doesNotExist();
    assertNoLeftovers();
  }

  @Test
  void entryNamesThatEscapeAreRejectedWhateverTheirShape() {
    for (String bad : List.of("../evil", CLS + "/../../evil", "/etc/passwd", "a\\..\\..\\evil", "C:/evil")) {
      assertThatThrownBy(() -> ModelFetcher.safeName(bad)).as(bad).hasMessageContaining("unsafe archive entry");
    }
  }

  @Test
  void oversizedFileAndMissingArchiveFailClearly() throws IOException {
    served.put("/ch/" + CLS + ".tar", tar(sharedFiles()));
    ModelFetcher small = new ModelFetcher(HttpClient.newHttpClient(), new ModelFetcher.Limits(1 << 30, 100_000, 100),
        new PrintStream(progress, true, StandardCharsets.UTF_8));
    assertThatThrownBy(() -> small.fetch(source("/ch/" + CLS + ".tar"), models))
        .hasMessageContaining("over the cap of 100000");
    assertThatThrownBy(() -> fetcher.fetch(source("/nowhere/" + CLS + ".tar"), models))
        .hasMessageContaining("HTTP 404");
    assertNoLeftovers();
  }

  @Test
  void cliFetchesThenVerifiesAndReportsATamperedFile() throws IOException {
    served.put("/ch/" + CLS + ".tar", tar(sharedFiles()));
    Path spec = tmp.resolve("cls.yaml");
    StringBuilder yaml = new StringBuilder("id: ocr-textline-cls\nsource:\n  url: " + url("/ch/" + CLS + ".tar")
        + "\n  archiveDir: " + CLS + "\n  sha256:\n");
    README_SHA256.forEach((f, h) -> yaml.append("    ").append(f).append(": ").append(h).append('\n'));
    Files.writeString(spec, yaml);

    assertThat(cli("models", "fetch", "--spec", spec.toString(), "--dir", models.toString())).isZero();
    StringWriter out = new StringWriter();
    assertThat(cli(out, "models", "verify", "--spec", spec.toString(), "--dir", models.toString())).isZero();
    assertThat(out.toString()).contains("OK       " + models.resolve(CLS).resolve("inference.pdmodel"));

    Files.write(models.resolve(CLS).resolve("inference.pdmodel"), new byte[] {1, 2, 3});
    StringWriter after = new StringWriter();
    assertThat(cli(after, "models", "verify", "--spec", spec.toString(), "--dir", models.toString())).isEqualTo(1);
    assertThat(after.toString()).contains("MISMATCH " + models.resolve(CLS).resolve("inference.pdmodel"));
  }

  @Test
  void cliTakesAMirrorOrLocalCopyInsteadOfTheSpecUrl() throws IOException {
    Path local = tmp.resolve(CLS + ".tar");
    Files.write(local, tar(sharedFiles()));
    Path spec = tmp.resolve("cls.yaml");
    StringBuilder yaml = new StringBuilder("source:\n  url: " + url("/unreachable/" + CLS + ".tar")
        + "\n  sha256:\n"); // archiveDir defaults to the archive's name
    README_SHA256.forEach((f, h) -> yaml.append("    ").append(f).append(": ").append(h).append('\n'));
    Files.writeString(spec, yaml);

    assertThat(cli("models", "fetch", "--spec", spec.toString(), "--dir", models.toString())).isEqualTo(1);
    assertThat(cli("models", "fetch", "--spec", spec.toString(), "--dir", models.toString(),
        "--url", local.toUri().toString())).isZero();
    assertThat(ModelFetcher.verify(ModelSource.fromSpec(spec), models.resolve(CLS)))
        .hasSize(3).allMatch(ModelFetcher.FileCheck::ok);
  }

  @Test
  void shippedSpecsListTheHashesOfTheSharedModelFiles() throws IOException {
    // the engine's specs in models/*.yaml carry the source: block that `models fetch` uses
    List<Path> specs;
    try (Stream<Path> s = Files.exists(Path.of("models")) ? Files.list(Path.of("models")) : Stream.empty()) {
      specs = s.filter(p -> p.toString().endsWith(".yaml")).toList();
    }
    org.junit.jupiter.api.Assumptions.assumeFalse(specs.isEmpty(), "no model specs in models/ yet");
    for (Path spec : specs) {
      ModelSource source = ModelSource.fromSpec(spec);
      Path dir = SharedDir.locate().resolve("models/" + source.archiveDir());
      assertThat(ModelFetcher.verify(source, dir)).as(spec.toString()).allMatch(ModelFetcher.FileCheck::ok);
      assertThat(source.sha256()).as(spec.toString()).containsKeys("inference.pdmodel", "inference.pdiparams");
    }
  }

  private int cli(String... args) {
    return cli(new StringWriter(), args);
  }

  private int cli(StringWriter out, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return code;
  }

  private ModelSource source(String path) {
    return new ModelSource(URI.create(url(path)), CLS, README_SHA256);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private void assertNoLeftovers() throws IOException {
    if (!Files.exists(models)) {
      return;
    }
    try (Stream<Path> files = Files.list(models)) {
      assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.equals(CLS));
    }
  }

  private static Path sharedModel() {
    return SharedDir.locate().resolve("models/" + CLS);
  }

  /** The official archive's layout: one folder named like the archive, holding the three files. */
  private static Map<String, byte[]> sharedFiles() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (String f : README_SHA256.keySet()) {
      entries.put(CLS + "/" + f, Files.readAllBytes(sharedModel().resolve(f)));
    }
    return entries;
  }

  private static byte[] tar(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.putArchiveEntry(new TarArchiveEntry(CLS + "/"));
      tar.closeArchiveEntry();
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true); // preserve names such as ../evil verbatim
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
