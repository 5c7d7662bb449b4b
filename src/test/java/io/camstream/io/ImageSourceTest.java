package io.camstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.camstream.config.CamstreamConfig;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourceTest {

  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private byte[] png;
  private HttpServer server;
  private String base;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("images"));
    outside = Files.createDirectories(tmp.resolve("secret"));
    png = png(40, 20);
    Files.write(root.resolve("a.png"), png);
    Files.write(outside.resolve("b.png"), png);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/a.png", ex -> reply(ex, 200, png));
    server.createContext("/big.png", ex -> reply(ex, 200, new byte[4096]));
    server.createContext("/missing.png", ex -> reply(ex, 404, new byte[0]));
    server.createContext("/to-evil", ex -> {
      ex.getResponseHeaders().add("Location", "http://evil.example/a.png");
      reply(ex, 302, new byte[0]);
    });
    server.createContext("/to-self", ex -> {
      ex.getResponseHeaders().add("Location", "/a.png");
      reply(ex, 302, new byte[0]);
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private ImageSource source(long maxBytes, long maxPixels) {
    return ImageSource.allowList(List.of(root), List.of("127.0.0.1"), maxBytes, maxPixels);
  }

  private ImageSource source() {
    return source(1024 * 1024, 10_000_000);
  }

  @Test
  void readsFilesUnderARoot() throws Exception {
    assertThat(source().fetch(root.resolve("a.png").toUri().toString())).isEqualTo(png);
    assertThat(source().fetch("file://" + root.resolve("a.png"))).isEqualTo(png);
  }

  @Test
  void refusesTraversalAndOutsideFiles() {
    assertReason("file:" + root + "/../secret/b.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason("file:" + root + "/%2e%2e/secret/b.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason(outside.resolve("b.png").toUri().toString(), Reason.IMAGE_NOT_ALLOWED);
    assertReason("file:/etc/passwd", Reason.IMAGE_NOT_ALLOWED);
    assertReason("file://otherhost" + root.resolve("a.png"), Reason.IMAGE_NOT_ALLOWED);
    // a sibling whose name merely starts with the root's name is outside it
    assertReason("file:" + root + "-evil/a.png", Reason.IMAGE_NOT_ALLOWED);
  }

  @Test
  void refusesSymlinkEscape() throws IOException {
    Files.createSymbolicLink(root.resolve("link.png"), outside.resolve("b.png"));
    Files.createSymbolicLink(root.resolve("dir"), outside);
    assertReason(root.resolve("link.png").toUri().toString(), Reason.IMAGE_NOT_ALLOWED);
    assertReason("file:" + root + "/dir/b.png", Reason.IMAGE_NOT_ALLOWED);
  }

  /**
   * A fresh clone with {@code ../shared} a symbolic link: the root is configured through the link (as the demo
   * does) and events name files through the link or by their real path. Both are the same files and must be read,
   * by the router's allow-list and by the explainer's fetcher alike; escapes through the link stay refused.
   */
  @Test
  void aRootReachedThroughASymbolicLinkAllowsItsFilesByEitherName() throws Exception {
    Path realShared = Files.createDirectories(tmp.resolve("data/shared-real/images"));
    Files.write(realShared.resolve("c.png"), png);
    Path clone = Files.createDirectories(tmp.resolve("work/clone"));
    Files.createSymbolicLink(tmp.resolve("work/shared"), realShared.getParent());
    Path configured = clone.resolve("../shared/images");
    CamstreamConfig config = CamstreamConfig.defaults().with(Map.of("image.uri.schemes", "file",
        "image.file.roots", configured.toString()));
    ImageSource source = ImageSource.fromConfig(config);
    io.camstream.policy.ImageAllowList router = new io.camstream.policy.ImageAllowList(config);
    for (String uri : List.of("file://" + tmp.resolve("work/shared/images/c.png"),
        "file://" + clone + "/../shared/images/c.png", realShared.resolve("c.png").toUri().toString())) {
      assertThat(router.violation(uri)).as(uri).isEmpty();
      assertThat(source.fetch(uri)).as(uri).isEqualTo(png);
    }
    // The other way round: the root configured by its real path, events naming files through the link.
    CamstreamConfig real = config.with("image.file.roots", realShared.toString());
    for (String uri : List.of("file://" + tmp.resolve("work/shared/images/c.png"),
        "file://" + clone + "/../shared/images/c.png")) {
      assertThat(new io.camstream.policy.ImageAllowList(real).violation(uri)).as(uri).isEmpty();
      assertThat(ImageSource.fromConfig(real).fetch(uri)).as(uri).isEqualTo(png);
    }
    assertReason(ImageSource.fromConfig(real), "file://" + tmp.resolve("work/shared/nothing.png"),
        Reason.IMAGE_NOT_ALLOWED);
    Files.createSymbolicLink(realShared.resolve("escape.png"), outside.resolve("b.png"));
    assertReason(source, "file://" + tmp.resolve("work/shared/images/escape.png"), Reason.IMAGE_NOT_ALLOWED);
    assertThat(router.violation("file://" + tmp.resolve("work/shared/secret.png"))).isPresent();
  }

  @Test
  void missingFileIsUnreadable() {
    assertReason(root.resolve("nope.png").toUri().toString(), Reason.IMAGE_UNREADABLE);
  }

  @Test
  void capsFileSizeAndPixels() throws IOException {
    assertReason(ImageSource.allowList(List.of(root), List.of(), png.length - 1, 10_000_000),
        root.resolve("a.png").toUri().toString(), Reason.IMAGE_TOO_LARGE);
    // 40x20 = 800 pixels, decided from the header
    assertReason(source(1024 * 1024, 799), root.resolve("a.png").toUri().toString(), Reason.IMAGE_TOO_LARGE);
    assertThat(catchReason(source(1024 * 1024, 800), root.resolve("a.png").toUri().toString())).isNull();
  }

  @Test
  void fetchesFromAllowedHostsOnly() throws Exception {
    assertThat(source().fetch(base + "/a.png")).isEqualTo(png);
    assertReason(base.replace("127.0.0.1", "localhost") + "/a.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason("https://example.com/a.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason("http://user@127.0.0.1:" + server.getAddress().getPort() + "/a.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason(base + "/missing.png", Reason.IMAGE_UNREADABLE);
    assertReason(source(1000, 10_000_000), base + "/big.png", Reason.IMAGE_TOO_LARGE);
  }

  @Test
  void followsRedirectsOnlyToAllowedHosts() throws Exception {
    assertThat(source().fetch(base + "/to-self")).isEqualTo(png);
    assertReason(base + "/to-evil", Reason.IMAGE_NOT_ALLOWED);
  }

  @Test
  void decodesDataUrisUnderTheCap() throws Exception {
    String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    assertThat(source().fetch(uri)).isEqualTo(png);
    assertReason(source(png.length - 1, 10_000_000), uri, Reason.IMAGE_TOO_LARGE);
    assertReason("data:image/png," + "abc", Reason.IMAGE_UNREADABLE);
    assertReason("data:image/png;base64,@@@@", Reason.IMAGE_UNREADABLE);
  }

  @Test
  void refusesOtherSchemes() {
    assertThat(catchReason(source(), "s3://bucket/a.png")).isEqualTo(Reason.IMAGE_NOT_ALLOWED);
    assertThatThrownBy(() -> source().fetch("s3://bucket/a.png")).hasMessageContaining("not configured");
    assertReason("ftp://127.0.0.1/a.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason("jar:file:/x.jar!/a.png", Reason.IMAGE_NOT_ALLOWED);
    assertReason("", Reason.IMAGE_UNREADABLE);
  }

  @Test
  void fromConfigHonoursSchemesRootsAndCaps() throws Exception {
    ImageSource configured = ImageSource.fromConfig(io.camstream.config.CamstreamConfig.defaults().with(java.util.Map.of(
        "image.uri.schemes", "file", "image.file.roots", root.toString(), "image.data.max.bytes", 100_000)));
    assertThat(configured.fetch(root.resolve("a.png").toUri().toString())).isEqualTo(png);
    assertReason(configured, "data:image/png;base64," + Base64.getEncoder().encodeToString(png),
        Reason.IMAGE_NOT_ALLOWED);
    assertReason(configured, base + "/a.png", Reason.IMAGE_NOT_ALLOWED);
  }

  private void assertReason(String uri, Reason reason) {
    assertReason(source(), uri, reason);
  }

  private static void assertReason(ImageSource source, String uri, Reason reason) {
    assertThat(catchReason(source, uri)).as(uri).isEqualTo(reason);
  }

  private static Reason catchReason(ImageSource source, String uri) {
    try {
      source.fetch(uri);
      return null;
    } catch (ExplainException e) {
      return e.reason();
    }
  }

  private static byte[] png(int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(w / 2, h / 2, 0xff0000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
