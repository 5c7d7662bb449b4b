package io.camstream.topology.explainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.camstream.explain.ExplainException;
import io.camstream.io.ArtifactStore;
import io.camstream.io.ImageSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch's images are fetched side by side, and each fetch failure keeps its own reason. */
class BatchExplainerFetchTest {

  @TempDir Path artifactsDir;

  /** The real allow-list source, counting how many fetches are in flight at once (each held a little). */
  static final class Counting implements ImageSource {
    final ImageSource inner = ImageSource.allowList(List.of(SharedImages.dir()), List.of(), 1 << 20, 10_000_000);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    @Override
    public byte[] fetch(String uri) throws ExplainException {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(300); // a slow store: without overlap, the fetches could never meet
        return inner.fetch(uri);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExplainException(ExplainException.Reason.IMAGE_UNREADABLE, "interrupted");
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  @Test
  void imagesOfABatchAreFetchedConcurrentlyWithTheirOwnOutcomes() throws Exception {
    Counting images = new Counting();
    BatchExplainer batches = new BatchExplainer(new DarknessExplainer(), images,
        ArtifactStore.local(artifactsDir, Duration.ofHours(24)), new ExplainerInfo("test-host", "cpu", "dev"), null);
    String missing = SharedImages.uri("textline_en_0.png").replace("textline_en_0.png", "no-such-image.png");
    ExplainException expected = null;
    try {
      images.inner.fetch(missing);
    } catch (ExplainException e) {
      expected = e;
    }
    assertThat(expected).as("the sequential fetcher's own error for a missing file").isNotNull();

    List<BatchExplainer.Item> items = new ArrayList<>();
    for (String image : List.of("textline_en_0.png", "textline_en_180.png", "rapidocr_text_cls.jpg")) {
      items.add(new BatchExplainer.Item(Requests.bytes(Requests.cls("ok-" + image, image)), 0));
    }
    var bad = Requests.cls("missing", "textline_en_0.png");
    ((com.fasterxml.jackson.databind.node.ObjectNode) bad.get("event").get("image")).put("uri", missing);
    items.add(new BatchExplainer.Item(Requests.bytes(bad), 0));

    List<Outcome> out = batches.run(items, 0);

    assertThat(images.most.get()).as("fetches in flight at once").isGreaterThan(1);
    assertThat(out).hasSize(4);
    for (int i = 0; i < 3; i++) {
      assertThat(out.get(i)).isInstanceOf(Outcome.Review.class);
      assertThat(out.get(i).index()).isEqualTo(i);
    }
    Outcome.Failed failed = (Outcome.Failed) out.get(3);
    assertThat(failed.reason()).isEqualTo(expected.reason().name());
    assertThat(failed.message()).isEqualTo(expected.getMessage());
  }
}
