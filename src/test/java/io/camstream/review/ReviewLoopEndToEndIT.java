package io.camstream.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.config.CamstreamConfig;
import io.camstream.kafka.KafkaFixture;
import io.camstream.kafka.KafkaFixtureExtension;
import io.camstream.topology.Runner;
import io.camstream.topology.explainer.SharedImages;
import io.camstream.topology.explainer.TestModels;
import java.net.ServerSocket;
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
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole review loop as an engineer lives it, every part real: an inference event goes in; the router selects it
 * (low confidence), the explainer runs the real classifier and renders the overlay, the review role shows it in the
 * queue in headless Chromium; the engineer opens it, sees the overlay load, confirms, and the decision is read back
 * from the decisions topic. Requests without the token are refused.
 */
@ExtendWith(KafkaFixtureExtension.class)
class ReviewLoopEndToEndIT {

  private static final String TOKEN = "loop-token-41c9";

  @TempDir Path tmp;

  @Test
  void anInferenceEventBecomesAReviewThatAnEngineerDecides(KafkaFixture kafka) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CamstreamConfig config = kafka.config(Map.of(
        CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, SharedImages.dir().toString(),
        CamstreamConfig.MODELS_DIR_CONFIG, TestModels.dir().toString(),
        CamstreamConfig.ARTIFACTS_DIR_CONFIG, Files.createDirectories(tmp.resolve("artifacts")).toString(),
        CamstreamConfig.EXPLAINER_BATCH_LINGER_MS_CONFIG, 20,
        CamstreamConfig.REVIEW_PORT_CONFIG, port,
        CamstreamConfig.REVIEW_TOKEN_CONFIG, TOKEN));
    String eventId = KafkaFixture.unique("ui-evt");
    try (Runner runner = Runner.start(config, Runner.select("all"))) {
      String base = "http://127.0.0.1:" + port;
      HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/api/reviews")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);

      ChromeDriver browser = Browser.start(Files.createDirectories(tmp.resolve("profile")));
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(300));
        browser.get(base + "/");
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("rows")));

        kafka.produce(List.of(event(config, eventId)));

        By row = By.cssSelector("tr.item[data-event-id='" + eventId + "']");
        String text = wait.ignoring(StaleElementReferenceException.class).until(d -> {
          var item = d.findElement(row);
          String t = item.getText();
          item.click();
          return t;
        });
        assertThat(text).contains("line-ui", "low-confidence");
        // the overlay the real engine rendered loads at the image's own size
        wait.until(d -> js(d, "const i = document.getElementById('img-overlay');"
            + " return i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0;").equals(400L));
        assertThat(browser.findElement(By.id("p-model")).getText()).isEqualTo("ocr-textline-cls v2.0");
        assertThat(browser.findElement(By.id("p-sha")).getText())
            .isEqualTo("9fa20a45c21feb2bf68a08459feaee4008bcb9ac72aa86ed9d858e063a627a53");
        assertThat(browser.findElement(By.id("p-reasons")).getText()).contains("low-confidence");

        browser.findElement(By.cssSelector("input[name=decision][value=confirm]")).click();
        // the page shows who the decision will be recorded under: the token's one identity
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reviewer"), "reviewer (admin)"));
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("result"), "data-decision", "confirm"));
      } finally {
        browser.quit();
      }
      List<ConsumerRecord<byte[], byte[]>> decisions = kafka.readUntil(config.topics().decisions(),
          l -> !l.isEmpty(), Duration.ofSeconds(60));
      assertThat(decisions).hasSize(1);
      assertThat(new String(decisions.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(eventId);
      JsonNode d = new ObjectMapper().readTree(decisions.get(0).value());
      assertThat(d.get("decision").asText()).isEqualTo("confirm");
      assertThat(d.get("reviewer").asText()).isEqualTo("reviewer");
      assertThat(d.get("authenticatedBy").asText()).isEqualTo("token");
    }
  }

  private static ProducerRecord<byte[], byte[]> event(CamstreamConfig config, String eventId) throws Exception {
    ObjectMapper m = new ObjectMapper();
    ObjectNode e = m.createObjectNode();
    e.put("eventId", eventId);
    e.put("lineId", "line-ui");
    e.put("cameraId", "cam-1");
    e.put("timestamp", Instant.now().toString());
    e.putObject("model").put("id", "ocr-textline-cls").put("version", "2.0");
    e.putObject("image").put("uri", SharedImages.uri("textline_en_180.png")).put("width", 400).put("height", 64);
    e.putObject("prediction").put("classIndex", 1).put("label", "180").put("confidence", 0.41);
    e.put("newSample", false);
    return new ProducerRecord<>(config.topics().events(), "line-ui".getBytes(StandardCharsets.UTF_8),
        m.writeValueAsBytes(e));
  }

  private static Object js(org.openqa.selenium.WebDriver d, String script) {
    return ((JavascriptExecutor) d).executeScript(script);
  }
}
