package io.camstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.attention.Reviews;
import io.camstream.config.CamstreamConfig;
import io.camstream.event.Schemas;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review page of a detection event in headless Chromium: the record's per-box results are listed and each
 * explained box is outlined over the image where the record says.
 */
@ExtendWith(KafkaFixtureExtension.class)
class ReviewBoxesUiIT {

  private static final String TOKEN = "boxes-token";
  private static final int W = 640;
  private static final int H = 480;

  @TempDir Path tmp;

  @Test
  void aDetectionReviewShowsItsExplainedBoxes(KafkaFixture kafka) throws Exception {
    Path artifacts = Files.createDirectories(tmp.resolve("artifacts"));
    Path images = Files.createDirectories(tmp.resolve("images"));
    CamstreamConfig config = Browser.reviewConfig(kafka, artifacts, images, TOKEN);
    String eventId = KafkaFixture.unique("det");
    Path image = png(images.resolve(eventId + ".png"));
    Path heat = png(artifacts.resolve(eventId + ".heatmap.png"));
    Reviews review = Reviews.review(eventId).size(W, H).at(Instant.now().minusSeconds(60))
        .files(image.toUri().toString(), null, heat.toUri().toString());
    ObjectNode node = review.node();
    node.putNull("prediction");
    ArrayNode detections = node.putArray("detections");
    detections.addObject().put("label", "title").put("confidence", 0.30);
    detections.addObject().put("label", "body").put("confidence", 0.95);
    detections.addObject().put("label", "total").put("confidence", 0.45);
    ArrayNode boxes = node.putArray("boxes");
    box(boxes.addObject(), 0, "title", 0.30, new int[] {36, 30, 340, 38}, 0.812, heat);
    box(boxes.addObject(), 2, "total", 0.45, new int[] {356, 380, 250, 28}, 0.734, heat);
    assertThat(Schemas.violations(Schemas.REVIEW_RECORD, node)).isEmpty();

    try (ReviewService service = ReviewService.start(config)) {
      kafka.produce(List.of(new ProducerRecord<>(config.topics().reviews(), eventId.getBytes(StandardCharsets.UTF_8),
          review.json().getBytes(StandardCharsets.UTF_8))));
      String base = "http://127.0.0.1:" + service.port();
      ChromeDriver browser = Browser.start(Files.createDirectories(tmp.resolve("chromium-profile")));
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(base + "/");
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("login")).click();
        // the queue lists the record once the review store has it
        wait.until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("tr.item[data-event-id='" + eventId + "']")));
        browser.get(base + "/review/" + eventId);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("boxes-panel")));

        List<WebElement> rows = browser.findElements(By.cssSelector("#p-boxes .box-result"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getText()).contains("detection 0", "title", "confidence 0.300", "36, y 30",
            "340×38", "81");
        assertThat(rows.get(1).getText()).contains("detection 2", "total", "confidence 0.450", "layercam");
        List<WebElement> outlines = browser.findElements(By.cssSelector("#box-marks rect.box"));
        assertThat(outlines).hasSize(2);
        WebElement stage = browser.findElement(By.id("stage"));
        double scale = stage.getRect().getWidth() / (double) W;
        WebElement total = outlines.get(1);
        assertThat(total.getRect().getX() - stage.getRect().getX()).isCloseTo((int) (356 * scale), within(4));
        assertThat(total.getRect().getY() - stage.getRect().getY()).isCloseTo((int) (380 * scale), within(4));
        assertThat(total.getRect().getWidth()).isCloseTo((int) (250 * scale), within(4));
        assertThat(browser.findElements(By.cssSelector("#box-marks circle.box-peak"))).hasSize(2);
        // the toggle hides them
        browser.findElement(By.id("t-boxes")).click();
        assertThat(browser.findElement(By.id("box-marks")).getCssValue("visibility")).isEqualTo("hidden");
      } finally {
        browser.quit();
      }
    }
  }

  private static void box(ObjectNode b, int detection, String label, double confidence, int[] box, double share,
      Path heat) {
    b.put("detection", detection).put("label", label).put("confidence", confidence);
    ArrayNode xywh = b.putArray("box");
    for (int v : box) {
      xywh.add(v);
    }
    b.put("method", "layercam").put("layer", "concat_0.tmp_0");
    b.putObject("peak").put("x", box[0] + box[2] / 2).put("y", box[1] + box[3] / 2);
    b.putArray("regions").addObject().put("x", box[0]).put("y", box[1]).put("w", box[2]).put("h", box[3])
        .put("share", share);
    b.put("boxShare", share);
    b.putObject("artifacts").putNull("overlay").put("heatmap", heat.toUri().toString());
    b.put("heatmapSha256", "ab".repeat(32));
  }

  private static Path png(Path file) throws Exception {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
    ImageIO.write(img, "png", file.toFile());
    return file;
  }
}
