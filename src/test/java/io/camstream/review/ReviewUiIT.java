package io.camstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.camstream.attention.Reviews;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Schemas;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review loop end to end in headless Chromium on the real broker: a review record appears in the open queue
 * live, its page shows the overlay and heat map, a decision goes to the decisions topic, the atlas shows the mean
 * heat map, and requests without the token are refused.
 */
@ExtendWith(KafkaFixtureExtension.class)
class ReviewUiIT {

  private static final String TOKEN = "it-token-7f3a";
  private static final int W = 480;
  private static final int H = 360;

  @TempDir Path tmp;

  @Test
  void reviewerSeesTheReviewDecidesAndTheDecisionReachesTheTopic(KafkaFixture kafka) throws Exception {
    Path artifacts = Files.createDirectories(tmp.resolve("artifacts"));
    Path images = Files.createDirectories(tmp.resolve("images"));
    CamstreamConfig config = Browser.reviewConfig(kafka, artifacts, images, TOKEN);
    String eventId = KafkaFixture.unique("evt");
    Path image = write(images.resolve(eventId + ".png"), original());
    Path heat = write(artifacts.resolve(eventId + "-heatmap.png"), heatmap());
    Path overlay = write(artifacts.resolve(eventId + "-overlay.png"), overlay(original(), heatmap()));
    Reviews review = Reviews.review(eventId).line("line-7").model("resnet-defects", "3")
        .size(W, H).prediction(2, "scratch", 0.42).reasons("low-confidence", "audit-sample")
        .at(Instant.now().minusSeconds(60))
        .files(image.toUri().toString(), overlay.toUri().toString(), heat.toUri().toString())
        .roi(0.5, 0, 0.5, 1).grid(4, 3, 1, 0.6, 0, 0, 0.5, 0.3, 0, 0, 0, 0, 0, 0)
        .region(60, 40, 150, 120, 0.72);
    assertThat(Schemas.violations(Schemas.REVIEW_RECORD, review.node())).isEmpty();

    try (ReviewService service = ReviewService.start(config)) {
      String base = "http://127.0.0.1:" + service.port();
      assertRefusedWithoutToken(base, eventId);

      ChromeDriver browser = Browser.start(Files.createDirectories(tmp.resolve("chromium-profile")));
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(base + "/");
        // no cookie yet: the login form
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("rows")));

        // the record arrives after the queue is open: it appears by live update
        kafka.produce(List.of(new ProducerRecord<>(config.topics().reviews(), bytes(eventId), bytes(review.json()))));
        By row = By.cssSelector("tr.item[data-event-id='" + eventId + "']");
        String rowText;
        try {
          // the list re-renders on every live update: find, read and click the row in one retried step
          wait.until(ExpectedConditions.presenceOfElementLocated(row));
          Files.write(Path.of("/tmp/review-queue.png"), browser.getScreenshotAs(OutputType.BYTES));
          rowText = wait.ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement item = d.findElement(row);
            String text = item.getText();
            item.click();
            return text;
          });
        } catch (org.openqa.selenium.TimeoutException e) {
          throw new AssertionError("review " + eventId + " did not appear in the queue; streams " + service.state()
              + ", page: " + browser.findElement(By.tagName("main")).getText() + ", API: " + HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create(base + "/api/reviews")).header("Authorization", "Bearer "
                  + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body(), e);
        }
        assertThat(rowText).contains("line-7", "scratch", "0.420", "low-confidence", "audit-sample");

        wait.until(d -> js(d, "const i = document.getElementById('img-overlay');"
            + " return i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0;").equals(480L));
        wait.until(d -> js(d, "const i = document.getElementById('img-original');"
            + " return i.complete && i.naturalHeight > 0 ? i.naturalHeight : 0;").equals(360L));
        assertThat(browser.findElement(By.id("p-label")).getText()).isEqualTo("scratch");
        assertThat(browser.findElement(By.id("p-model")).getText()).isEqualTo("resnet-defects v3");
        assertThat(browser.findElement(By.id("p-sha")).getText()).isEqualTo("ab".repeat(32));
        assertThat(browser.findElement(By.id("p-reasons")).getText()).contains("low-confidence", "audit-sample");
        assertThat(browser.findElements(By.cssSelector("#marks rect.region"))).hasSize(1);
        assertThat(browser.findElement(By.id("p-target")).getText()).startsWith("scratch");
        // the region box sits where the record says, in image pixels scaled to the shown image
        WebElement stage = browser.findElement(By.id("stage"));
        WebElement box = browser.findElement(By.cssSelector("#marks rect.region"));
        double scale = stage.getRect().getWidth() / (double) W;
        assertThat(box.getRect().getX() - stage.getRect().getX()).isCloseTo((int) (60 * scale), within(4));
        assertThat(box.getRect().getWidth()).isCloseTo((int) (150 * scale), within(4));
        // the colourised heat map is drawn from the real heat map PNG: hot pixel at the blob, cold at the corner
        browser.findElement(By.id("t-heat")).click();
        wait.until(d -> "true".equals(js(d, "return document.getElementById('heat').dataset.ready || '';")));
        List<?> hot = (List<?>) js(browser, "return Array.from(document.getElementById('heat').getContext('2d')"
            + ".getImageData(135, 100, 1, 1).data);");
        List<?> cold = (List<?>) js(browser, "return Array.from(document.getElementById('heat').getContext('2d')"
            + ".getImageData(470, 350, 1, 1).data);");
        assertThat(((Number) hot.get(0)).intValue()).isGreaterThan(200);
        assertThat(((Number) cold.get(0)).intValue()).isLessThan(20);
        Files.write(Path.of("/tmp/review-page.png"), browser.getScreenshotAs(OutputType.BYTES));

        browser.findElement(By.cssSelector("input[name=decision][value=relabel]")).click();
        browser.findElement(By.id("label")).sendKeys("stain");
        browser.findElement(By.id("comment")).sendKeys("water stain, not a scratch");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reviewer"), "reviewer (admin)"));
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("result"), "data-decision", "relabel"));

        List<ConsumerRecord<byte[], byte[]>> decisions = kafka.readUntil(config.topics().decisions(),
            l -> !l.isEmpty(), Duration.ofSeconds(60));
        assertThat(decisions).hasSize(1);
        assertThat(new String(decisions.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(eventId);
        JsonNode d = Reviews.MAPPER.readTree(decisions.get(0).value());
        assertThat(Schemas.violations(Schemas.REVIEW_DECISION, d)).isEmpty();
        assertThat(d.get("decision").asText()).isEqualTo("relabel");
        assertThat(d.get("label").asText()).isEqualTo("stain");
        assertThat(d.get("comment").asText()).isEqualTo("water stain, not a scratch");
        assertThat(d.get("reviewer").asText()).isEqualTo("reviewer");

        // a decided review leaves the queue
        browser.get(base + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("empty")));
        assertThat(browser.findElements(row)).isEmpty();

        // the atlas shows the window's mean heat map
        browser.get(base + "/atlas");
        wait.until(dr -> ((Number) js(dr, "const i = document.querySelector('img.mean');"
            + " return i && i.complete ? i.naturalWidth : 0;")).intValue() > 0);
        assertThat(js(browser, "return document.querySelector('img.mean').naturalWidth;")).isEqualTo(256L);
        assertThat(browser.findElement(By.cssSelector(".card .cap")).getText())
            .contains("scratch", "line-7", "1 review ·", "100% outside ROI");
        Files.write(Path.of("/tmp/review-atlas.png"), browser.getScreenshotAs(OutputType.BYTES));

        // a queue longer than a page: "Show more" follows the cursor until every open review is listed
        List<ProducerRecord<byte[], byte[]>> more = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
          String id = eventId + "-p" + i;
          more.add(new ProducerRecord<>(config.topics().reviews(), bytes(id), bytes(Reviews.review(id)
              .line("line-7").model("resnet-defects", "3").size(W, H).prediction(2, "scratch", 0.42)
              .reasons("low-confidence").at(Instant.now().minusSeconds(30 - i))
              .files(image.toUri().toString(), overlay.toUri().toString(), heat.toUri().toString()).json())));
        }
        kafka.produce(more);
        browser.get(base + "/?limit=2");
        By rows = By.cssSelector("tr.item");
        wait.until(dr -> dr.findElements(rows).size() == 2 && dr.findElement(By.id("count")).getText()
            .equals("(2 shown, 5 open)"));
        // newest first, across the pages
        List<String> expected = List.of(eventId + "-p4", eventId + "-p3", eventId + "-p2", eventId + "-p1",
            eventId + "-p0");
        browser.findElement(By.id("more")).click();
        wait.until(dr -> dr.findElements(rows).size() == 4);
        browser.findElement(By.id("more")).click();
        wait.until(dr -> dr.findElements(rows).size() == 5 && !dr.findElement(By.id("more")).isDisplayed());
        assertThat(browser.findElements(rows)).extracting(e -> e.getAttribute("data-event-id"))
            .containsExactlyElementsOf(expected);
        assertThat(browser.findElement(By.id("count")).getText()).isEqualTo("(5 shown, 5 open)");
      } finally {
        browser.quit();
      }
    }
  }

  private static void assertRefusedWithoutToken(String base, String eventId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/", "/api/reviews", "/api/reviews/" + eventId, "/artifacts/" + eventId
        + "-overlay.png", "/images/" + eventId, "/atlas")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(401);
    }
  }

  private static Object js(org.openqa.selenium.WebDriver d, String script) {
    return ((JavascriptExecutor) d).executeScript(script);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Path write(Path file, BufferedImage img) throws Exception {
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  /** A grey part on a dark belt with a bright scratch and a water stain. */
  private static BufferedImage original() {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(40, 44, 48));
    g.fillRect(0, 0, W, H);
    g.setColor(new Color(150, 150, 155));
    g.fillRoundRect(40, 30, 400, 300, 30, 30);
    g.setColor(new Color(235, 235, 240));
    g.setStroke(new BasicStroke(3));
    g.drawLine(90, 80, 190, 140);
    g.setColor(new Color(120, 125, 140));
    g.fillOval(300, 200, 90, 60);
    g.dispose();
    return img;
  }

  /** The grey heat map as the explainer writes it: 255 hottest, a blob around (135, 100). */
  private static BufferedImage heatmap() {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        double d2 = ((x - 135.0) * (x - 135.0) + (y - 100.0) * (y - 100.0)) / (2 * 70.0 * 70.0);
        int v = (int) Math.round(255 * Math.exp(-d2));
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    return img;
  }

  private static BufferedImage overlay(BufferedImage base, BufferedImage heat) {
    BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int v = heat.getRaster().getSample(x, y, 0);
        int b = base.getRGB(x, y);
        int r = (int) (0.6 * ((b >> 16) & 0xff) + 0.4 * v);
        int gg = (int) (0.6 * ((b >> 8) & 0xff) + 0.4 * (v / 2));
        int bb = (int) (0.6 * (b & 0xff) + 0.4 * (255 - v));
        out.setRGB(x, y, (r << 16) | (gg << 8) | bb);
      }
    }
    return out;
  }
}
