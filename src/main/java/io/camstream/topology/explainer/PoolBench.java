package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.config.ConfigLoader;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explanation;
import io.camstream.worker.EnginePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Saturated throughput of the explainer's engine worker pool, the way the role drives it: drains of
 * {@code batch.max.size x workers} requests through {@link EnginePool#explainAll}, each split over the workers.
 * Prints one markdown row per (model, workers) with images/s, the transport (IPC) cost per batch, and the time from
 * a kill -9 of a worker in the middle of a drain to that drain's answers.
 *
 * <p>{@code PoolBench [drains] [workers,...]}; {@code CAMSTREAM_MODELS_DIR} as for the role, shared images from
 * {@code camstream.shared} / {@code CAMSTREAM_SHARED} / {@code ../shared}.
 */
public final class PoolBench {

  private PoolBench() {}

  public static void main(String[] args) throws Exception {
    int drains = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    String[] workerCounts = (args.length > 1 ? args[1] : "1,2").split(",");
    Path images = io.camstream.io.SharedDir.locate().root().resolve("images");
    Map<String, List<String>> models = Map.of(
        "ocr-textline-cls@2.0", List.of("textline_en_0.png", "textline_en_180.png", "rapidocr_text_cls.jpg",
            "rapidocr_text_rec.jpg"),
        "ocr-db-det@3.0", List.of("doc_synthetic_en.png"));
    System.out.println(
        "| model | workers | images | images/s | ms per drain | IPC ms per batch | kill -9 to answers (s) |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String w : workerCounts) {
      Path data = Files.createTempDirectory("camstream-poolbench-");
      CamstreamConfig config = ConfigLoader.load(null, Map.of(CamstreamConfig.DATA_DIR_CONFIG, data.toString(),
          CamstreamConfig.EXPLAINER_WORKERS_PER_DEVICE_CONFIG, w));
      try (EnginePool pool = EnginePools.start(config)) {
        while (!pool.ready() || pool.size() < Integer.parseInt(w)) {
          Thread.sleep(200);
        }
        for (String model : new String[] {"ocr-textline-cls@2.0", "ocr-db-det@3.0"}) {
          if (!pool.modelIds().contains(model)) {
            continue;
          }
          int perDrain = config.explainerBatchMaxSize() * pool.parallelism();
          List<ExplainInput> drain = new ArrayList<>();
          List<String> names = models.get(model);
          for (int i = 0; i < perDrain; i++) {
            String name = names.get(i % names.size());
            drain.add(new ExplainInput(model, Files.readAllBytes(images.resolve(name)), name, null, null, null,
                null, null, true));
          }
          pool.explainAll(drain); // warm: first real sizes, JIT
          long t0 = System.nanoTime();
          int done = 0;
          for (int d = 0; d < drains; d++) {
            done += count(pool.explainAll(drain));
          }
          double s = (System.nanoTime() - t0) / 1e9;
          double killToAnswer = killMidDrain(pool, drain);
          System.out.printf("| %s | %s | %d | %.2f | %.0f | %.2f | %.1f |%n", model, w, done, done / s,
              s * 1000 / drains, pool.ipcMsPerBatch(), killToAnswer);
        }
      }
    }
  }

  /** Kills a worker once the drain is in flight; seconds from the kill until the drain has every answer. */
  private static double killMidDrain(EnginePool pool, List<ExplainInput> drain) throws Exception {
    Thread killer = new Thread(() -> {
      try {
        while (pool.busy() == 0) {
          Thread.sleep(5);
        }
        ProcessHandle.of(pool.pids().get(0)).ifPresent(ProcessHandle::destroyForcibly);
        System.setProperty("poolbench.killedAt", Long.toString(System.nanoTime()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    killer.start();
    List<Object> out = pool.explainAll(drain);
    long end = System.nanoTime();
    killer.join();
    if (count(out) != drain.size()) {
      throw new IllegalStateException("a drain with a killed worker lost answers: " + out);
    }
    return (end - Long.parseLong(System.getProperty("poolbench.killedAt"))) / 1e9;
  }

  private static int count(List<Object> results) {
    return (int) results.stream().filter(r -> r instanceof Explanation).count();
  }
}
