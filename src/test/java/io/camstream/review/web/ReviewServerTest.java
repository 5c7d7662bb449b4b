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

  @BeforeEach
  void start() throws Exception {
    artifacts = Files.createDirectories(tmp.resolve("artifacts"));
    images = Files.createDirectories(tmp.resolve("images"));
    ReviewSettings settings = new ReviewSettings("reviews", "decisions", artifacts, List.of(images), 0, TOKEN);
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
    assertThat(cookie).contains("HttpOnly", "SameSite=Strict").doesNotContain(TOKEN);
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
    assertThat(authed("/artifacts/%2e%2e/secret.png").statusCode()).isEqualTo(404);
    assertThat(authed("/artifacts/" + outside.toAbsolutePath()).statusCode()).isEqualTo(404);
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
}
