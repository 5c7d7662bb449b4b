package io.camstream.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.Reviews;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Schemas;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.review.auth.Accounts;
import io.camstream.review.auth.Identity;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review platform under hostile and careless clients, in headless Chromium on the real broker, in one run:
 * 100 slow clients hold connections (headers that never finish, login bodies that trickle) while two reviewers
 * with their own accounts log in and decide; the decisions on the topic carry their names. Header injection through
 * the login redirect, NUL paths and wrong methods are refused. The reviewers' request times are printed, not
 * asserted tightly (the machine is shared).
 */
@ExtendWith(KafkaFixtureExtension.class)
class ReviewPlatformIT {

  private static final int SLOW_CLIENTS = 100;

  @TempDir Path tmp;

  @Test
  void reviewersWorkUnderTheirOwnNamesWhileSlowClientsHoldConnections(KafkaFixture kafka) throws Exception {
    Path accounts = tmp.resolve("accounts");
    Files.writeString(accounts, Accounts.line("ana", Identity.Role.REVIEWER, "ana-secret-1", 20_000) + "\n"
        + Accounts.line("bo", Identity.Role.ADMIN, "bo-secret-22", 20_000) + "\n");
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.ARTIFACTS_DIR_CONFIG, Files.createDirectories(tmp.resolve("artifacts")).toString(),
        CamstreamConfig.REVIEW_PORT_CONFIG, 0,
        CamstreamConfig.REVIEW_ACCOUNTS_FILE_CONFIG, accounts.toString(),
        CamstreamConfig.REVIEW_LIVE_DEBOUNCE_MS_CONFIG, 200));
    String e1 = KafkaFixture.unique("plat-a");
    String e2 = KafkaFixture.unique("plat-b");
    kafka.produce(List.of(record(config, e1, Instant.now().minusSeconds(120)),
        record(config, e2, Instant.now().minusSeconds(60))));

    List<Socket> slow = new ArrayList<>();
    List<Long> apiMillis = Collections.synchronizedList(new ArrayList<>());
    try (ReviewService service = ReviewService.start(config)) {
      int port = service.port();
      String base = "http://127.0.0.1:" + port;
      // first the stores become queryable and both reviews arrive (cold start is not what is measured)
      HttpClient http = HttpClient.newHttpClient();
      String anaBasic = "Basic " + Base64.getEncoder().encodeToString("ana:ana-secret-1".getBytes(
          StandardCharsets.UTF_8));
      HttpResponse<String> queue = null;
      for (int i = 0; i < 120; i++) {
        queue = http.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews")).header("Authorization", anaBasic)
            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (queue.statusCode() == 200 && Reviews.MAPPER.readTree(queue.body()).get("items").size() == 2) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(queue.statusCode()).isEqualTo(200);
      assertThat(Reviews.MAPPER.readTree(queue.body()).get("items")).hasSize(2);

      // 100 slow clients: half never finish their headers, half announce a login body and send a few bytes of it
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        Socket s = new Socket("127.0.0.1", port);
        slow.add(s);
        String start = i % 2 == 0 ? "GET /api/reviews HTTP/1.1\r\nHost: x\r\nX-Slow: "
            : "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 4000\r\n\r\nname=";
        s.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      Thread trickle = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          for (Socket s : slow) {
            try {
              OutputStream out = s.getOutputStream();
              out.write('a');
              out.flush();
            } catch (Exception e) {
              // closed by the server's idle timeout or by the test: that client is done
            }
          }
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "slow-clients");
      trickle.setDaemon(true);
      trickle.start();

      // ana's API client, timed while the slow clients are connected
      for (int i = 0; i < 10; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews"))
            .header("Authorization", anaBasic).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        apiMillis.add((System.nanoTime() - t0) / 1_000_000);
        assertThat(r.statusCode()).isEqualTo(200);
      }

      // NUL and CR/LF in paths: 400; wrong methods: 405 with Allow
      for (String path : List.of("/artifacts/a%00.png", "/review/%00", "/images/x%0d%0aSet-Cookie:%20a=1")) {
        assertThat(raw(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + anaBasic
            + "\r\nConnection: close\r\n\r\n")).as(path).startsWith("HTTP/1.1 400");
      }
      String delete = raw(port, "DELETE /api/reviews HTTP/1.1\r\nHost: x\r\nAuthorization: " + anaBasic
          + "\r\nConnection: close\r\n\r\n");
      assertThat(delete).startsWith("HTTP/1.1 405").contains("\r\nAllow: GET, HEAD\r\n");
      assertThat(raw(port, "GET /logout HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 405").contains("\r\nAllow: POST\r\n");
      assertThat(raw(port, "PUT /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: " + anaBasic
          + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 405");

      ChromeDriver browser = Browser.start(Files.createDirectories(tmp.resolve("chromium-profile")));
      List<Double> pageMillis = new ArrayList<>();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        // header injection through next: U+010D U+010A would become CR LF in a naive server
        browser.get(base + "/login?next=/x%C4%8D%C4%8ASet-Cookie:%20injected=1");
        login(browser, wait, "ana", "ana-secret-1");
        wait.until(ExpectedConditions.urlToBe(base + "/"));
        assertThat(js(browser, "return document.cookie;").toString()).doesNotContain("injected");
        decide(browser, wait, base, e1, "confirm", "ana (reviewer)", pageMillis);

        browser.findElement(By.cssSelector("form.logout button")).click();
        // an off-site redirect (U+012F would become '/', giving //evil.example) is refused: the login stays here
        browser.get(base + "/login?next=/%C4%AF/evil.example/");
        login(browser, wait, "bo", "bo-secret-22");
        wait.until(ExpectedConditions.urlToBe(base + "/"));
        decide(browser, wait, base, e2, "reject", "bo (admin)", pageMillis);
      } finally {
        browser.quit();
      }
      trickle.interrupt();

      List<ConsumerRecord<byte[], byte[]>> decisions = kafka.readUntil(config.topics().decisions(),
          l -> l.size() >= 2, Duration.ofSeconds(60));
      assertThat(decisions).hasSize(2);
      for (ConsumerRecord<byte[], byte[]> r : decisions) {
        JsonNode d = Reviews.MAPPER.readTree(r.value());
        assertThat(Schemas.violations(Schemas.REVIEW_DECISION, d)).isEmpty();
        String eventId = new String(r.key(), StandardCharsets.UTF_8);
        if (eventId.equals(e1)) {
          assertThat(d.get("reviewer").asText()).isEqualTo("ana");
          assertThat(d.get("decision").asText()).isEqualTo("confirm");
        } else {
          assertThat(eventId).isEqualTo(e2);
          assertThat(d.get("reviewer").asText()).isEqualTo("bo");
          assertThat(d.get("reviewerRole").asText()).isEqualTo("admin");
          assertThat(d.get("decision").asText()).isEqualTo("reject");
        }
      }
      // figures for the report; bound generous, the point is that nothing waited for the slow clients
      long apiMax = apiMillis.stream().mapToLong(Long::longValue).max().orElse(0);
      double pageMax = pageMillis.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      System.out.printf("review platform IT: %d slow clients connected; reviewer API requests %s ms (max %d);"
          + " reviewer page and fetch timings max %.0f ms over %d requests%n", SLOW_CLIENTS, apiMillis, apiMax,
          pageMax, pageMillis.size());
      assertThat(apiMax).isLessThan(15_000);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  private static void login(WebDriver browser, WebDriverWait wait, String name, String secret) {
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("name")));
    browser.findElement(By.id("name")).sendKeys(name);
    browser.findElement(By.id("token")).sendKeys(secret);
    browser.findElement(By.id("login")).click();
  }

  /** Opens the review from the queue, decides, and collects the browser's own timings of every request. */
  private static void decide(ChromeDriver browser, WebDriverWait wait, String base, String eventId, String decision,
      String shownAs, List<Double> millis) {
    By row = By.cssSelector("tr.item[data-event-id='" + eventId + "']");
    wait.ignoring(StaleElementReferenceException.class).until(d -> {
      d.findElement(row).click();
      return true;
    });
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reviewer"), shownAs));
    browser.findElement(By.cssSelector("input[name=decision][value=" + decision + "]")).click();
    browser.findElement(By.id("submit")).click();
    wait.until(ExpectedConditions.attributeToBe(By.id("result"), "data-decision", decision));
    assertThat(browser.findElement(By.id("result")).getText()).contains("by " + shownAs.substring(0,
        shownAs.indexOf(' ')));
    for (Object o : (List<?>) js(browser, "return performance.getEntries().filter(e => e.entryType === 'navigation'"
        + " || (e.entryType === 'resource' && !e.name.endsWith('/api/events'))).map(e => e.duration);")) {
      millis.add(((Number) o).doubleValue());
    }
  }

  private static String raw(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static ProducerRecord<byte[], byte[]> record(CamstreamConfig config, String eventId, Instant at) {
    String json = Reviews.review(eventId).line("line-3").model("resnet-defects", "3").at(at)
        .prediction(1, "scratch", 0.4).reasons("low-confidence").json();
    return new ProducerRecord<>(config.topics().reviews(), eventId.getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8));
  }

  private static Object js(WebDriver d, String script) {
    return ((JavascriptExecutor) d).executeScript(script);
  }
}
