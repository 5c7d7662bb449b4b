package io.camstream.review;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven by Debian's chromedriver: never Selenium Manager (no downloads), and flags that
 * keep the browser off the network. Without Chromium the test fails in CI ({@code CI=true}) and is skipped locally.
 */
final class Browser {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Browser() {}

  /** A review role's config for a browser test: token login, any free port, its own artifact and image folders. */
  static io.camstream.config.CamstreamConfig reviewConfig(io.camstream.kafka.KafkaFixture kafka, Path artifacts,
      Path images, String token) {
    return kafka.config(java.util.Map.of(
        io.camstream.config.CamstreamConfig.ARTIFACTS_DIR_CONFIG, artifacts.toString(),
        io.camstream.config.CamstreamConfig.IMAGE_FILE_ROOTS_CONFIG, images.toString(),
        io.camstream.config.CamstreamConfig.REVIEW_PORT_CONFIG, 0,
        io.camstream.config.CamstreamConfig.REVIEW_TOKEN_CONFIG, token));
  }

  static ChromeDriver start(Path profile) {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String why = "headless browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
          + " (Debian packages chromium and chromium-driver; .ci/run installs them)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1440,1000", "--force-device-scale-factor=1",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
