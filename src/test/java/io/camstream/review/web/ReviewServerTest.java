package io.camstream.review.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.AttentionSettings;
import io.camstream.attention.AttentionWindow;
import io.camstream.attention.Reviews;
import io.camstream.event.Schemas;
import io.camstream.review.DecisionService;
import io.camstream.review.ReviewFeed;
import io.camstream.review.ReviewQueries;
import io.camstream.review.ReviewSettings;
import io.camstream.review.ReviewStores;
import io.camstream.review.ReviewTopology;
import io.camstream.review.WebSettings;
import io.camstream.review.auth.Accounts;
import io.camstream.review.auth.Identity;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.imageio.ImageIO;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web server on the real review topology (TopologyTestDriver stores) over real HTTP. */
class ReviewServerTest {

  private static final String TOKEN = "s3cret-token";

  @TempDir Path tmp;
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> reviews;
  private TestInputTopic<String, String> decisionsIn;
  private final List<String> published = new ArrayList<>();
  private ReviewServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private Path artifacts;
  private Path images;
  private Path accountsFile;
  private ReviewSettings settings;
  private ReviewQueries queries;
  private DecisionService decisions;
  private ReviewFeed feed;
  private AttentionSettings attention;

  @BeforeEach
  void start() throws Exception {
    artifacts = Files.createDirectories(tmp.resolve("artifacts"));
    images = Files.createDirectories(tmp.resolve("images"));
    accountsFile = tmp.resolve("accounts");
    Files.writeString(accountsFile, "# test accounts\n"
        + Accounts.line("ana", Identity.Role.REVIEWER, "ana-secret-1", 10_000) + "\n"
        + Accounts.line("bo", Identity.Role.ADMIN, "bo-secret-22", 10_000) + "\n");
    WebSettings web = WebSettings.defaults();
    // the first server is in token mode, with a failure limit the refusal checks below stay under
    web = new WebSettings(web.maxConnections(), web.idleTimeout(), java.time.Duration.ofMillis(100),
        web.maxLiveStreams(), null, "", List.of(), web.sessionTtl(), null, 30, null, "");
    settings = new ReviewSettings("reviews", "decisions", artifacts, List.of(images), 0, TOKEN, web);
    AttentionSettings attention = AttentionSettings.defaults("alerts");
    ReviewFeed feed = new ReviewFeed();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "review-server-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString());
    driver = new TopologyTestDriver(ReviewTopology.build(settings, attention, feed), p);
    reviews = driver.createInputTopic("reviews", new StringSerializer(), new StringSerializer());
    decisionsIn = driver.createInputTopic("decisions", new StringSerializer(), new StringSerializer());
    ReviewStores stores = new ReviewStores() {
      @Override
      public ReadOnlyKeyValueStore<String, String> reviews() {
        return driver.getKeyValueStore(ReviewTopology.REVIEWS_STORE);
      }

      @Override
      public ReadOnlyKeyValueStore<String, String> decisions() {
        return driver.getKeyValueStore(ReviewTopology.DECISIONS_STORE);
      }

      @Override
      public List<ReadOnlyKeyValueStore<String, String>> openIndex() {
        return List.of(driver.getKeyValueStore(ReviewTopology.OPEN_STORE));
      }

      @Override
      public ReadOnlyKeyValueStore<String, String> facets() {
        return driver.getKeyValueStore(ReviewTopology.FACETS_STORE);
      }

      @Override
      public ReadOnlyWindowStore<String, AttentionWindow> attention(String windowName) {
        return driver.getWindowStore("attention-" + windowName);
      }
    };
    ReviewQueries queries = new ReviewQueries(stores);
    DecisionService decisions = new DecisionService(queries, (id, json) -> {
      synchronized (published) {
        published.add(json);
      }
    }, Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC), meters);
    server = new ReviewServer(settings, attention, queries, decisions, feed);
    this.queries = queries;
    this.decisions = decisions;
    this.feed = feed;
    this.attention = attention;
  }

  @AfterEach
  void stop() {
    server.close();
    driver.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> getBytes(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> authed(String path) throws Exception {
    return get(path, "Authorization", "Bearer " + TOKEN);
  }

  private HttpResponse<String> decide(String eventId, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/api/reviews/" + eventId + "/decision"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Reviews.MAPPER.readTree(r.body());
  }

  private Path png(Path dir, String name, int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 1, 0xff0000);
    Path f = dir.resolve(name);
    ImageIO.write(img, "png", f.toFile());
    return f;
  }

  @Test
  void everyRouteRefusesRequestsWithoutTheToken() throws Exception {
    png(artifacts, "h.png", 4, 4);
    for (String path : List.of("/", "/atlas", "/review/e1", "/static/app.css", "/api/reviews", "/api/reviews/e1",
        "/api/events", "/api/atlas", "/artifacts/h.png", "/images/e1")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(401);
      assertThat(get(path, "Authorization", "Bearer wrong").statusCode()).as(path).isEqualTo(401);
    }
    assertThat(get("/api/reviews").headers().firstValue("WWW-Authenticate")).hasValue(
        "Bearer realm=\"camstream-review\"");
    // a browser asking for a page gets the login form (still 401)
    HttpResponse<String> page = get("/atlas", "Accept", "text/html");
    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.body()).contains("name=\"token\"", "value=\"/atlas\"");
    assertThat(authed("/static/app.css").statusCode()).isEqualTo(200);
    String basic = Base64.getEncoder().encodeToString(("anyone:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(get("/api/reviews", "Authorization", "Basic " + basic).statusCode()).isEqualTo(200);
  }

  @Test
  void eventStreamAnnouncesEveryStoredReview() throws Exception {
    HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/api/events"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(
        "text/event-stream"));
    java.util.Iterator<String> lines = r.body().iterator();
    assertThat(lines.next()).isEqualTo("retry: 2000");
    assertThat(lines.next()).isEqualTo("event: change");
    assertThat(lines.next()).isEqualTo("data: 0");
    assertThat(lines.next()).isEmpty();
    reviews.pipeInput("e1", Reviews.review("e1").json());
    assertThat(lines.next()).isEqualTo("event: change");
    assertThat(lines.next()).isEqualTo("data: 1");
    r.body().close();
  }

  @Test
  void loginSetsAnHttpOnlyCookieThatIsNotTheToken() throws Exception {
    HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    HttpResponse<String> bad = http.send(post.POST(HttpRequest.BodyPublishers.ofString("token=nope&next=/atlas"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
    HttpResponse<String> ok = http.send(post.POST(HttpRequest.BodyPublishers.ofString(
        "token=" + TOKEN + "&next=//evil.example/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).hasValue("/");
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Max-Age=43200").doesNotContain(TOKEN)
        .doesNotContain("Secure");
    String pair = cookie.substring(0, cookie.indexOf(';'));
    assertThat(get("/api/reviews", "Cookie", pair).statusCode()).isEqualTo(200);
    assertThat(get("/api/reviews", "Cookie", pair + "x").statusCode()).isEqualTo(401);
  }

  @Test
  void queueIsNewestFirstFilterableAndLosesDecidedReviews() throws Exception {
    reviews.pipeInput("e1", Reviews.review("e1").at(Instant.parse("2026-11-28T10:00:00Z")).line("L1").json());
    reviews.pipeInput("e2", Reviews.review("e2").at(Instant.parse("2026-11-28T11:00:00Z")).line("L2")
        .prediction(1, "scratch", 0.3).reasons("audit").json());
    reviews.pipeInput("e3", Reviews.review("e3").at(Instant.parse("2026-11-28T09:00:00Z")).line("L1").json());
    reviews.pipeInput("bad", "{not json");

    JsonNode all = json(authed("/api/reviews"));
    assertThat(all.get("items")).extracting(n -> n.get("eventId").asText()).containsExactly("e2", "e1", "e3");
    assertThat(all.get("facets").get("lines")).extracting(JsonNode::asText).containsExactly("L1", "L2");
    assertThat(all.get("facets").get("classes")).extracting(JsonNode::asText).containsExactly("ok", "scratch");
    assertThat(json(authed("/api/reviews?line=L1")).get("items")).extracting(n -> n.get("eventId").asText())
        .containsExactly("e1", "e3");
    assertThat(json(authed("/api/reviews?class=scratch&reason=audit")).get("items"))
        .extracting(n -> n.get("eventId").asText()).containsExactly("e2");
    assertThat(json(authed("/api/reviews?reason=audit&line=L1")).get("items")).isEmpty();

    decisionsIn.pipeInput("e1", "{\"eventId\":\"e1\",\"decision\":\"confirm\",\"reviewer\":\"ana\"}");
    assertThat(json(authed("/api/reviews")).get("items")).extracting(n -> n.get("eventId").asText())
        .containsExactly("e2", "e3");
    JsonNode one = json(authed("/api/reviews/e1"));
    assertThat(one.get("decision").get("reviewer").asText()).isEqualTo("ana");
    assertThat(authed("/api/reviews/nope").statusCode()).isEqualTo(404);

    // event ids are opaque: a slash or plus survives the round trip
    reviews.pipeInput("x", Reviews.review("cam/7+a b").json());
    String encoded = java.net.URLEncoder.encode("cam/7+a b", StandardCharsets.UTF_8).replace("+", "%20");
    assertThat(json(authed("/api/reviews/" + encoded)).get("review").get("eventId").asText()).isEqualTo("cam/7+a b");
    assertThat(decide(encoded, "{\"decision\":\"confirm\"}").statusCode()).isEqualTo(201);
  }

  @Test
  void decisionsAreIdempotentFirstWins() throws Exception {
    assertThat(Schemas.violations(Schemas.REVIEW_RECORD, Reviews.review("e1").node())).isEmpty();
    reviews.pipeInput("e1", Reviews.review("e1").json());
    String relabel = "{\"decision\":\"relabel\",\"label\":\"scratch\",\"comment\":\"stain\",\"reviewer\":\"ana\"}";

    assertThat(decide("e1", "{\"decision\":\"relabel\"}").statusCode()).isEqualTo(400);
    assertThat(decide("e1", "{\"decision\":\"maybe\"}").statusCode()).isEqualTo(400);
    assertThat(decide("e1", "not json").statusCode()).isEqualTo(400);
    assertThat(decide("zz", relabel).statusCode()).isEqualTo(404);
    HttpResponse<String> first = decide("e1", relabel);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(published).hasSize(1);
    JsonNode d = Reviews.MAPPER.readTree(published.get(0));
    assertThat(Schemas.violations(Schemas.REVIEW_DECISION, d)).isEmpty();
    assertThat(d.get("eventId").asText()).isEqualTo("e1");
    assertThat(d.get("decision").asText()).isEqualTo("relabel");
    assertThat(d.get("label").asText()).isEqualTo("scratch");
    assertThat(d.get("comment").asText()).isEqualTo("stain");
    assertThat(d.get("decidedAt").asText()).isEqualTo("2026-11-28T12:00:00Z");

    // before the decision is back from the topic, and after
    HttpResponse<String> again = decide("e1", relabel);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("status").asText()).isEqualTo("already-decided");
    decisionsIn.pipeInput("e1", published.get(0));
    assertThat(decide("e1", relabel).statusCode()).isEqualTo(200);
    HttpResponse<String> other = decide("e1", "{\"decision\":\"reject\",\"reviewer\":\"bo\"}");
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(json(other).get("decision").get("decision").asText()).isEqualTo("relabel");
    assertThat(published).hasSize(1);

    // a cross-site form post is refused
    HttpResponse<String> form = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/api/reviews/e1/decision"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("decision=reject")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(meters.counter("camstream.review.decisions", "outcome", "published", "status", "201").count())
        .isEqualTo(1);
    assertThat(meters.counter("camstream.review.decisions", "outcome", "conflict", "status", "409").count())
        .isEqualTo(1);
  }

  @Test
  void filesAreServedOnlyFromTheirRootsAndNeverForHeatmapOnlyReviews() throws Exception {
    Path overlay = png(Files.createDirectories(artifacts.resolve("line 1")), "e1-overlay.png", 8, 6);
    Path heat = png(artifacts, "e1-heat.png", 8, 6);
    Path image = png(images, "e1.png", 8, 6);
    Path outside = png(tmp, "secret.png", 2, 2);
    reviews.pipeInput("e1", Reviews.review("e1")
        .files(image.toUri().toString(), overlay.toUri().toString(), heat.toUri().toString()).json());
    reviews.pipeInput("e2", Reviews.review("e2").privacy("heatmap-only")
        .files(image.toUri().toString(), null, heat.toUri().toString()).json());
    reviews.pipeInput("e3", Reviews.review("e3").files(outside.toUri().toString(), null, null).json());

    JsonNode links = json(authed("/api/reviews/e1")).get("links");
    assertThat(links.get("overlay").asText()).isEqualTo("/artifacts/line%201/e1-overlay.png");
    assertThat(links.get("heatmap").asText()).isEqualTo("/artifacts/e1-heat.png");
    assertThat(links.get("image").asText()).isEqualTo("/images/e1");
    HttpResponse<byte[]> o = getBytes(links.get("overlay").asText());
    assertThat(o.statusCode()).isEqualTo(200);
    assertThat(o.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(ImageIO.read(new ByteArrayInputStream(o.body())).getWidth()).isEqualTo(8);
    assertThat(getBytes("/images/e1").body()).isEqualTo(Files.readAllBytes(image));

    JsonNode privacy = json(authed("/api/reviews/e2")).get("links");
    assertThat(privacy.get("heatmapOnly").asBoolean()).isTrue();
    assertThat(privacy.get("image").isNull()).isTrue();
    assertThat(privacy.get("overlay").isNull()).isTrue();
    assertThat(authed("/images/e2").statusCode()).isEqualTo(404);
    assertThat(authed("/images/e3").statusCode()).isEqualTo(404);
    assertThat(authed("/images/unknown").statusCode()).isEqualTo(404);
    assertThat(authed("/artifacts/../secret.png").statusCode()).isEqualTo(404);
    // Jetty refuses an encoded dot segment as ambiguous before any handler sees it
    assertThat(authed("/artifacts/%2e%2e/secret.png").statusCode()).isIn(400, 404);
    assertThat(authed("/artifacts/" + outside.toAbsolutePath()).statusCode()).isIn(400, 404);
    Files.createSymbolicLink(artifacts.resolve("link.png"), outside);
    assertThat(authed("/artifacts/link.png").statusCode()).isEqualTo(404);
  }

  @Test
  void atlasListsWindowsAndRendersTheirMeanHeatmap() throws Exception {
    for (int i = 0; i < 3; i++) {
      reviews.pipeInput("e" + i, Reviews.review("e" + i).at(Instant.parse("2026-11-28T10:0" + i + ":00Z"))
          .roi(0.5, 0, 0.5, 1).grid(2, 2, 1, 0, 0, 0).json());
    }
    JsonNode atlas = json(authed("/api/atlas?size=hourly"));
    assertThat(atlas.get("windows")).hasSize(1);
    JsonNode w = atlas.get("windows").get(0);
    assertThat(w.get("count").asInt()).isEqualTo(3);
    assertThat(w.get("outsideShare").asDouble()).isEqualTo(1.0);
    assertThat(w.get("centroid").get("x").asDouble()).isEqualTo(0.25);
    assertThat(w.get("start").asText()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(w.get("key").get("classLabel").asText()).isEqualTo("ok");
    HttpResponse<byte[]> png = getBytes(w.get("image").asText());
    assertThat(png.statusCode()).isEqualTo(200);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
    assertThat(img.getWidth()).isEqualTo(256);
    // hottest colour in the top-left quarter, coldest in the bottom-right
    assertThat(img.getRGB(20, 20) & 0xffffff).isEqualTo(0xfcffa4);
    assertThat(img.getRGB(230, 230) & 0xffffff).isEqualTo(0x000004);
    assertThat(json(authed("/api/atlas?size=daily")).get("windows")).hasSize(1);
    assertThat(json(authed("/api/atlas?size=daily&line=other")).get("windows")).isEmpty();
    assertThat(authed("/api/atlas?size=weekly").statusCode()).isEqualTo(400);
  }

  /** One raw HTTP/1.1 exchange, so the test controls every byte the client sends. */
  private String raw(int port, String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void badPathsAnswer400AndEveryRouteChecksItsMethod() throws Exception {
    for (String path : List.of("/artifacts/a%00b.png", "/review/x%00", "/images/%0d%0aSet-Cookie:x", "/api/reviews/%ff")) {
      String answer = raw(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
          + "\r\nConnection: close\r\n\r\n");
      assertThat(answer).as(path).startsWith("HTTP/1.1 400");
    }
    HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/api/reviews")).header("Authorization", "Bearer " + TOKEN).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/api/events")).header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(events.statusCode()).isEqualTo(405);
    HttpResponse<String> decisionGet = authed("/api/reviews/e1/decision");
    assertThat(decisionGet.statusCode()).isEqualTo(405);
    assertThat(decisionGet.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> logoutGet = get("/logout");
    assertThat(logoutGet.statusCode()).isEqualTo(405);
    assertThat(logoutGet.headers().firstValue("Set-Cookie")).isEmpty();
    HttpResponse<String> logout = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/logout")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(logout.statusCode()).isEqualTo(303);
    assertThat(logout.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
  }

  @Test
  void nextIsOnlyEverAPrintableAsciiPathOnThisServer() throws Exception {
    for (String next : List.of("/x%C4%8D%C4%8ASet-Cookie:%20evil=1", "/%C4%AF/evil.example", "//evil.example/",
        "/\\evil.example", "https://evil.example/", "/a%0d%0aX:1", "/a%00b", "javascript:alert(1)")) {
      String answer = raw(server.port(), "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
          + "application/x-www-form-urlencoded\r\nConnection: close\r\nContent-Length: "
          + ("token=" + TOKEN + "&next=" + next).length() + "\r\n\r\ntoken=" + TOKEN + "&next=" + next);
      assertThat(answer).as(next).startsWith("HTTP/1.1 303").contains("\r\nLocation: /\r\n");
      assertThat(answer.split("\r\n\r\n")[0].lines().filter(l -> l.regionMatches(true, 0, "Set-Cookie", 0, 10)))
          .as(next).hasSize(1);
    }
    assertThat(LoginHandler.safeNext("/review/e1?x=1")).isEqualTo("/review/e1?x=1");
    assertThat(LoginHandler.safeNext("/review/\u010d")).isEqualTo("/");
  }

  @Test
  void failedCredentialsAreRateLimitedPerAddress() throws Exception {
    int refused = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 40 && (last == null || last.statusCode() != 429); i++) {
      last = get("/api/reviews", "Authorization", "Bearer wrong-" + i);
      refused++;
    }
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(refused).isEqualTo(31);
    assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v))
        .isBetween(1L, 60L));
    // while limited, even the right token is not checked; a session cookie is not a guessable secret and still works
    assertThat(authed("/api/reviews").statusCode()).isEqualTo(429);
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(429);
  }

  @Test
  void accountsDecideUnderTheirOwnNamesWhateverTheBodySays() throws Exception {
    server.close();
    server = new ReviewServer(settings.withWeb(settings.web().withAccounts(accountsFile)), attention, queries,
        decisions, feed);
    reviews.pipeInput("e1", Reviews.review("e1").json());
    reviews.pipeInput("e2", Reviews.review("e2").json());
    String ana = "Basic " + Base64.getEncoder().encodeToString("ana:ana-secret-1".getBytes(StandardCharsets.UTF_8));
    String bo = "Basic " + Base64.getEncoder().encodeToString("bo:bo-secret-22".getBytes(StandardCharsets.UTF_8));
    // the shared token is not accepted once accounts exist, nor a wrong secret
    assertThat(authed("/api/reviews").statusCode()).isEqualTo(401);
    assertThat(get("/api/reviews", "Authorization", "Basic " + Base64.getEncoder().encodeToString(
        "ana:wrong-secret".getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(401);
    assertThat(json(get("/api/whoami", "Authorization", bo)).get("role").asText()).isEqualTo("admin");
    for (String[] who : List.of(new String[] {"e1", ana}, new String[] {"e2", bo})) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
              + "/api/reviews/" + who[0] + "/decision")).header("Authorization", who[1])
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"confirm\",\"reviewer\":\"mallory\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(201);
    }
    assertThat(published).hasSize(2);
    JsonNode first = Reviews.MAPPER.readTree(published.get(0));
    JsonNode second = Reviews.MAPPER.readTree(published.get(1));
    assertThat(Schemas.violations(Schemas.REVIEW_DECISION, first)).isEmpty();
    assertThat(first.get("reviewer").asText()).isEqualTo("ana");
    assertThat(first.get("reviewerRole").asText()).isEqualTo("reviewer");
    assertThat(first.get("authenticatedBy").asText()).isEqualTo("account");
    assertThat(second.get("reviewer").asText()).isEqualTo("bo");
    assertThat(second.get("reviewerRole").asText()).isEqualTo("admin");
    // the audit trail is for admins
    for (String d : published) {
      decisionsIn.pipeInput(Reviews.MAPPER.readTree(d).get("eventId").asText(), d);
    }
    assertThat(get("/api/audit", "Authorization", ana).statusCode()).isEqualTo(403);
    JsonNode audit = json(get("/api/audit", "Authorization", bo));
    assertThat(audit.get("items")).extracting(n -> n.get("reviewer").asText()).containsExactlyInAnyOrder("ana", "bo");
    // the login form takes name and secret; the cookie then carries the account
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("name=ana&token=ana-secret-1&next=/atlas")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(303);
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(json(get("/api/whoami", "Cookie", cookie.substring(0, cookie.indexOf(';')))).get("name").asText())
        .isEqualTo("ana");
  }

  @Test
  void proxyIdentityIsTrustedOnlyWhenEnabledAndOnlyFromTheProxy() throws Exception {
    WebSettings w = settings.web();
    server.close();
    server = new ReviewServer(settings.withWeb(new WebSettings(w.maxConnections(), w.idleTimeout(),
        w.liveDebounce(), w.maxLiveStreams(), accountsFile, "X-Forwarded-User", List.of("10.9.9.9"),
        w.sessionTtl(), null, w.authFailuresPerMinute(), null, "")), attention, queries, decisions, feed);
    // this client (127.0.0.1) is not the proxy: its header is ignored
    assertThat(get("/api/whoami", "X-Forwarded-User", "ana").statusCode()).isEqualTo(401);
    server.close();
    server = new ReviewServer(settings.withWeb(new WebSettings(w.maxConnections(), w.idleTimeout(),
        w.liveDebounce(), w.maxLiveStreams(), accountsFile, "X-Forwarded-User", List.of("127.0.0.1"),
        w.sessionTtl(), null, w.authFailuresPerMinute(), null, "")), attention, queries, decisions, feed);
    JsonNode who = json(get("/api/whoami", "X-Forwarded-User", "carol"));
    assertThat(who.get("name").asText()).isEqualTo("carol");
    assertThat(who.get("source").asText()).isEqualTo("proxy");
  }

  @Test
  void queuePagesWithACursorOverTheOpenIndex() throws Exception {
    for (int i = 0; i < 25; i++) {
      reviews.pipeInput("p" + i, Reviews.review("p" + i).at(Instant.parse("2026-11-28T10:00:00Z").plusSeconds(i))
          .line(i % 2 == 0 ? "even" : "odd").json());
    }
    decisionsIn.pipeInput("p24", "{\"eventId\":\"p24\",\"decision\":\"confirm\",\"reviewer\":\"ana\"}");
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = json(authed("/api/reviews?limit=10" + (cursor == null ? "" : "&cursor="
          + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8))));
      assertThat(page.get("open").asInt()).isEqualTo(24);
      page.get("items").forEach(n -> seen.add(n.get("eventId").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    List<String> expected = new ArrayList<>();
    for (int i = 23; i >= 0; i--) {
      expected.add("p" + i);
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo(3);
    assertThat(json(authed("/api/reviews?line=odd&limit=5")).get("items")).extracting(n -> n.get("eventId").asText())
        .containsExactly("p23", "p21", "p19", "p17", "p15");
    assertThat(json(authed("/api/reviews")).get("facets").get("lines")).extracting(JsonNode::asText)
        .containsExactly("even", "odd");
    assertThat(authed("/api/reviews?cursor=nope").statusCode()).isEqualTo(400);
    // a replayed record with a new time moves in the index instead of appearing twice
    reviews.pipeInput("p0", Reviews.review("p0").at(Instant.parse("2026-11-28T12:00:00Z")).line("even").json());
    JsonNode again = json(authed("/api/reviews?limit=2"));
    assertThat(again.get("items")).extracting(n -> n.get("eventId").asText()).containsExactly("p0", "p23");
    assertThat(again.get("open").asInt()).isEqualTo(24);
    assertThat(json(authed("/api/reviews/p24")).get("state").asText()).isEqualTo("decided");
    assertThat(json(authed("/api/reviews/p1")).get("state").asText()).isEqualTo("open");
  }

  @Test
  void reviewsWhoseArtifactsAreGoneSaySo() throws Exception {
    Path heat = png(artifacts, "g-heat.png", 4, 4);
    reviews.pipeInput("g1", Reviews.review("g1").files(null, null, heat.toUri().toString()).json());
    assertThat(json(authed("/api/reviews/g1")).get("state").asText()).isEqualTo("open");
    Files.delete(heat);
    JsonNode gone = json(authed("/api/reviews/g1"));
    assertThat(gone.get("state").asText()).isEqualTo("artifacts-expired");
    assertThat(gone.get("links").get("heatmap").isNull()).isTrue();
  }

  @Test
  void servesHttpsFromAKeystoreWithSecureExpiringCookies() throws Exception {
    Path keystore = tmp.resolve("review.p12");
    Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "review", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
        keystore.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    WebSettings w = settings.web();
    server.close();
    server = new ReviewServer(settings.withWeb(new WebSettings(w.maxConnections(), w.idleTimeout(),
        w.liveDebounce(), w.maxLiveStreams(), null, "", List.of(), w.sessionTtl(), null, w.authFailuresPerMinute(),
        keystore, "changeit")), attention, queries, decisions, feed);
    assertThat(server.tcpNoDelay()).isTrue();
    // the test trusts the throwaway certificate it just made
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
    HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port()
        + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
        .contains("; Secure", "Max-Age=43200", "HttpOnly", "SameSite=Strict"));
    assertThat(login.headers().firstValue("Strict-Transport-Security")).isPresent();
    // plain HTTP on the TLS port gets no answer a browser would use
    assertThat(raw(server.port(), "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .doesNotContain("200 OK");
  }
}
