package io.camstream.topology.explainer;

import io.camstream.event.Json;
import io.camstream.topology.DeadLetters;
import io.camstream.event.ReviewRecord;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explainer;
import io.camstream.explain.Explanation;
import io.camstream.io.ArtifactStore;
import io.camstream.io.ImageSource;
import io.camstream.io.internal.LocalArtifactStore;
import io.camstream.policy.BoxSelection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a micro-batch of explain requests into outcomes: fetch the images, explain them in one
 * {@link Explainer#explainAll} call (ordered by model so the pool can batch per model), store the artifacts and
 * build the review records. Shared by the streaming role and by replay, so both give the same answers. Per-event
 * failures become {@link Outcome.Failed}; a failing artifact store throws, because that is not the event's fault
 * and the batch must be retried rather than dead-lettered.
 */
public final class BatchExplainer {

  private static final Logger LOG = LoggerFactory.getLogger(BatchExplainer.class);

  /** Image fetches in flight at once, over all drains of this JVM (they wait on the network or the disk). */
  static final int FETCH_THREADS = 4;
  /** Longest one image fetch may take; the fetchers' own read deadlines normally end it first. */
  static final long FETCH_DEADLINE_MS = 60_000;
  private static final ExecutorService FETCHERS = fetchers();

  private final Explainer explainer;
  private final ImageSource images;
  private final ArtifactStore artifacts;
  private final ExplainerInfo info;
  private final ExplainerMetrics metrics;

  public BatchExplainer(Explainer explainer, ImageSource images, ArtifactStore artifacts,
      ExplainerInfo info, ExplainerMetrics metrics) {
    this.explainer = explainer;
    this.images = images;
    this.artifacts = artifacts;
    this.info = info;
    this.metrics = metrics;
  }

  /** Batches the engine runs at once (its worker processes); a drain takes that many batches' worth. */
  public int parallelism() {
    return explainer == null ? 1 : explainer.parallelism();
  }

  /**
   * Whether the program a buffered request needs is built (or known to be unbuildable); if not, the explainer
   * starts building it in the background and the request should stay buffered, unsent and uncounted, meanwhile.
   * An unreadable request is "ready": it fails with its reason when run.
   */
  public boolean ready(byte[] request) {
    if (explainer == null) {
      return true;
    }
    Request req;
    try {
      req = Request.parse(request);
    } catch (IOException e) {
      return true;
    }
    return explainer.programReady(req.modelKey(), req.request.policy().targetLayer(), req.request.policy().method());
  }

  /** One request and the wall-clock time it entered the buffer (for the queue timing). */
  public record Item(byte[] request, long bufferedAtMs) {}

  /**
   * Explains a batch and returns one outcome per item, in item order.
   *
   * @throws UncheckedIOException when an artifact cannot be written; nothing of the batch is lost, it is retried
   */
  public List<Outcome> run(List<Item> items, long nowMs) {
    long start = System.nanoTime();
    Outcome[] out = new Outcome[items.size()];
    List<Prepared> ready = new ArrayList<>();
    Request[] requests = new Request[items.size()];
    List<Future<Fetched>> fetches = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      try {
        requests[i] = Request.parse(items.get(i).request());
      } catch (IOException e) {
        out[i] = new Outcome.Failed(i, null, DeadLetters.Reason.BAD_REQUEST.name(), "unreadable explain request: " + e.getMessage());
        fetches.add(null);
        continue;
      }
      // The batch's images are fetched side by side (network and disk waits overlap), still inside this drain, so
      // the outcomes commit with the buffer deletes as before.
      Request req = requests[i];
      fetches.add(FETCHERS.submit(() -> fetch(req)));
    }
    for (int i = 0; i < items.size(); i++) {
      Future<Fetched> f = fetches.get(i);
      if (f == null) {
        continue;
      }
      Request req = requests[i];
      try {
        Fetched got = fetched(f, req);
        // a detection event with several selected boxes is several inputs (parts), one box target each
        List<ExplainInput> inputs = req.toInputs(got.bytes);
        for (int part = 0; part < inputs.size(); part++) {
          ready.add(new Prepared(i, part, inputs.size(), req, inputs.get(part), got.sha, got.ms,
              nowMs - items.get(i).bufferedAtMs()));
        }
      } catch (ExplainException e) {
        out[i] = new Outcome.Failed(i, req.eventId, e.reason().name(), e.getMessage());
      }
    }
    // Model-grouped order: the explainer batches per model; the stable sort keeps arrival order within a model.
    ready.sort(Comparator.comparing(p -> p.input.modelId()));
    List<Object> results = explainAll(ready);
    Map<Integer, Explanation[]> parts = new HashMap<>();
    for (int k = 0; k < ready.size(); k++) {
      Prepared p = ready.get(k);
      Object result = results.get(k);
      if (result instanceof Explanation ex) {
        parts.computeIfAbsent(p.index, x -> new Explanation[p.parts])[p.part] = ex;
      } else if (out[p.index] == null) {
        // one failing box fails the event: a review must not silently miss a box it was selected for
        ExplainException e = (ExplainException) result;
        out[p.index] = e instanceof io.camstream.explain.EngineCrashedException crashed
            ? new Outcome.Failed(p.index, p.request.eventId, e.reason().name(), e.getMessage(),
                crashed.workerOutput())
            : new Outcome.Failed(p.index, p.request.eventId, e.reason().name(), e.getMessage());
      }
    }
    for (Prepared p : ready) {
      if (p.part == 0 && out[p.index] == null) {
        out[p.index] = review(p, List.of(parts.get(p.index)));
      }
    }
    long batchMs = (System.nanoTime() - start) / 1_000_000;
    if (metrics != null) {
      metrics.batch(items.size(), batchMs);
    }
    LOG.debug("explained a batch of {} in {} ms", items.size(), batchMs);
    return List.of(out);
  }

  private Fetched fetch(Request req) throws ExplainException {
    long t0 = System.nanoTime();
    byte[] bytes = images.fetch(req.event.image().uri());
    String sha = LocalArtifactStore.sha256(bytes);
    String declared = req.event.image().sha256();
    if (declared != null && !declared.isEmpty() && !declared.equalsIgnoreCase(sha)) {
      throw new ExplainException(ExplainException.Reason.IMAGE_UNREADABLE,
          "image sha256 " + sha + " differs from the event's " + declared + ": " + req.event.image().uri());
    }
    return new Fetched(bytes, sha, ms(t0));
  }

  /** A fetch's result, its own error as thrown, or IMAGE_UNREADABLE when it outlives {@link #FETCH_DEADLINE_MS}. */
  private static Fetched fetched(Future<Fetched> f, Request req) throws ExplainException {
    try {
      return f.get(FETCH_DEADLINE_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ExplainException ee) {
        throw ee;
      }
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new ExplainException(ExplainException.Reason.IMAGE_UNREADABLE, "image fetch did not finish within "
          + FETCH_DEADLINE_MS + " ms: " + req.event.image().uri());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new io.camstream.explain.EngineUnavailableException("interrupted while fetching images", e);
    }
  }

  private record Fetched(byte[] bytes, String sha, double ms) {}

  private List<Object> explainAll(List<Prepared> ready) {
    if (ready.isEmpty()) {
      return List.of();
    }
    List<ExplainInput> inputs = ready.stream().map(p -> p.input).toList();
    try {
      List<Object> results = explainer.explainAll(inputs);
      if (results.size() != inputs.size()) {
        throw new IllegalStateException("explainer returned " + results.size() + " results for " + inputs.size());
      }
      return results;
    } catch (io.camstream.explain.EngineUnavailableException e) {
      throw e; // no worker to run it: the batch stays buffered and is retried, nobody's fault
    } catch (RuntimeException e) {
      // An engine bug must not lose events: each one goes to the DLQ with the cause, where it can be re-driven.
      LOG.error("explainer failed on a whole batch of {}", inputs.size(), e);
      List<Object> failed = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        failed.add(new ExplainException(ExplainException.Reason.ENGINE_FAILED, "explainer failed: " + e, e));
      }
      return failed;
    }
  }

  private Outcome review(Prepared p, List<Explanation> explained) {
    Request req = p.request;
    Explanation ex = explained.get(0);
    long t0 = System.nanoTime();
    ArtifactStore.Stored heatmap;
    ArtifactStore.Stored overlay = null;
    List<ReviewRecord.BoxResult> boxes;
    try {
      String model = req.event.model().id();
      heatmap = artifacts.put(req.timestamp, model, req.eventId, ArtifactStore.Kind.HEATMAP, ex.heatmapPng());
      // Privacy heatmap-only: even if an engine rendered an overlay, it is never written.
      if (req.withOverlay() && ex.overlayPng() != null) {
        overlay = artifacts.put(req.timestamp, model, req.eventId, ArtifactStore.Kind.OVERLAY, ex.overlayPng());
      }
      boxes = boxes(req, explained, overlay, heatmap);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write artifacts for event " + req.eventId, e);
    }
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("queue", (double) p.queueMs);
    timings.put("fetch", p.fetchMs);
    if (ex.timingsMs() != null) {
      timings.putAll(ex.timingsMs());
    }
    timings.put("store", ms(t0));
    // Microsecond digits are noise in a review record.
    timings.replaceAll((k, v) -> Math.round(Math.max(0, v) * 1000) / 1000.0);
    // The device and engine that really ran it, when the explainer knows (a worker pool does).
    Explainer.RanOn ran = explainer.ranOn(ex);
    ExplainerInfo who = ran == null ? info.withEngine(explainer.engine())
        : new ExplainerInfo(info.host(), ran.device(), info.version(), ran.engine());
    ReviewRecord record = ReviewRecords.build(req, ex, overlay, heatmap, p.imageSha256, timings, who, boxes);
    return new Outcome.Review(p.index, req.eventId, Json.bytes(record), heatmap.sha256());
  }

  /**
   * Per-box results of a detection event, null without boxes. The first box's artifacts are the record's own; the
   * others are stored under {@code <eventId>.box<detection>}.
   */
  private List<ReviewRecord.BoxResult> boxes(Request req, List<Explanation> explained,
      ArtifactStore.Stored overlay, ArtifactStore.Stored heatmap) throws IOException {
    List<BoxSelection.Selected> selected = req.boxes();
    if (selected.isEmpty()) {
      return null;
    }
    List<ReviewRecord.BoxResult> out = new ArrayList<>();
    String model = req.event.model().id();
    for (int k = 0; k < selected.size(); k++) {
      Explanation ex = explained.get(k);
      ArtifactStore.Stored h = heatmap;
      ArtifactStore.Stored o = overlay;
      if (k > 0) {
        String name = req.eventId + ".box" + selected.get(k).detection();
        h = artifacts.put(req.timestamp, model, name, ArtifactStore.Kind.HEATMAP, ex.heatmapPng());
        o = req.withOverlay() && ex.overlayPng() != null
            ? artifacts.put(req.timestamp, model, name, ArtifactStore.Kind.OVERLAY, ex.overlayPng()) : null;
      }
      out.add(ReviewRecords.box(selected.get(k), ex, o, h));
    }
    return out;
  }

  private static ExecutorService fetchers() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(FETCH_THREADS, FETCH_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "camstream-image-fetch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  private record Prepared(int index, int part, int parts, Request request, ExplainInput input, String imageSha256, double fetchMs,
      long queueMs) {}
}
