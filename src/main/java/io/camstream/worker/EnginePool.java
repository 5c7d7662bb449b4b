package io.camstream.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.explain.EngineCrashedException;
import io.camstream.explain.EngineUnavailableException;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explainer;
import io.camstream.explain.Explanation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explainer role's engine as supervised worker processes: {@link Explainer} on the role's side, so the stream
 * code does not change with the backend the workers host.
 *
 * <ul>
 *   <li>Each slot (device x workers per device) has a supervisor thread that starts a worker, waits for it to warm
 *       every program of {@link Settings#warm}, offers it for work, and restarts it with backoff when it exits.</li>
 *   <li>{@link #explainAll} splits a micro-batch over the idle workers and runs the parts concurrently.</li>
 *   <li>Each part gets a deadline: measured time per image x images x factor (at least the floor). A worker that
 *       misses it is killed.</li>
 *   <li>A part whose worker dies is bisected and retried; a request alone in a part that killed a worker, having
 *       been in a crashing part before, fails as {@code ENGINE_CRASHED} with the worker's last output lines. Its
 *       batch-mates still get their answers.</li>
 *   <li>No worker to take the work within {@link Settings#unavailableAfterMs} is an infrastructure failure: {@link
 *       EngineUnavailableException}, never counted against a request.</li>
 * </ul>
 */
public final class EnginePool implements Explainer {

  private static final Logger LOG = LoggerFactory.getLogger(EnginePool.class);
  /** Extra deadline for a batch that names a program no worker has built yet (build + trial run). */
  static final long BUILD_ALLOWANCE_MS = 180_000;
  static final long MAX_BACKOFF_MS = 30_000;
  /** Build failures that say the program can never be built as asked. */
  private static final Set<ExplainException.Reason> PERMANENT = java.util.EnumSet.of(
      ExplainException.Reason.UNKNOWN_MODEL, ExplainException.Reason.UNKNOWN_LAYER,
      ExplainException.Reason.UNSUPPORTED_OP, ExplainException.Reason.UNKNOWN_METHOD,
      ExplainException.Reason.BAD_TARGET, ExplainException.Reason.OP_VARIANT, ExplainException.Reason.BAD_SPEC);

  /** A program to build and prove before the pool is ready; null layer/method mean the model spec's defaults. */
  public record WarmItem(String modelId, String layer, String method) {}

  /**
   * How the pool runs.
   *
   * @param devices one entry per device ({@code cpu}, {@code gpu:N})
   * @param workersPerDevice worker processes per device
   * @param maxBatch most images in one part sent to a worker
   * @param command launches one worker on a device ({@code --socket PATH} is appended)
   * @param modelIds the model ids the workers serve (for {@link #modelIds})
   * @param warm programs every worker builds and proves before it takes work
   * @param deadlineFactor deadline = factor x measured ms per image x images
   * @param deadlineMinMs the floor of every deadline
   * @param startTimeoutMs longest a worker may take to connect and warm up
   * @param unavailableAfterMs longest a part waits for a free worker before the batch is handed back
   */
  public record Settings(List<String> devices, int workersPerDevice, int maxBatch,
      Function<String, List<String>> command, Set<String> modelIds, List<WarmItem> warm, double deadlineFactor,
      long deadlineMinMs, long startTimeoutMs, long unavailableAfterMs) {}

  private final Settings settings;
  private final Path socketDir;
  private final ScheduledExecutorService timer;
  private final ExecutorService parts;
  private final List<Thread> supervisors = new ArrayList<>();
  private final BlockingQueue<WorkerProcess> idle = new LinkedBlockingQueue<>();
  private final Set<WorkerProcess> live = ConcurrentHashMap.newKeySet();
  private final Set<String> warmed = ConcurrentHashMap.newKeySet();
  /** Programs named after start: every worker generation warms them too. */
  private final List<WarmItem> lateItems = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Programs being built in the background, and those that cannot be built (with the worker's reason). */
  private final Set<String> building = ConcurrentHashMap.newKeySet();
  private final Map<String, ExplainException> unbuildable = new ConcurrentHashMap<>();
  /** Programs whose last build failed for a reason that may pass (I/O, a native fault): the next batch retries. */
  private final Set<String> buildFailed = ConcurrentHashMap.newKeySet();
  private final AtomicInteger backgroundBuilds = new AtomicInteger();
  private final AtomicInteger buildsInBatch = new AtomicInteger();
  private final Map<Explanation, RanOn> ranOn = Collections.synchronizedMap(new WeakHashMap<>());
  private final AtomicInteger restarts = new AtomicInteger();
  private final AtomicInteger busy = new AtomicInteger();
  private final AtomicLong everReady = new AtomicLong();
  /** Transport cost: wall time of a call minus the worker's own time, summed over batches (microseconds). */
  private final AtomicLong ipcMicros = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  /** Exponentially weighted ms per image, from warm-ups and batches; seeds every deadline. */
  private volatile double msPerImage = 1000;
  private volatile String fatal;
  private volatile boolean closed;

  private EnginePool(Settings settings) throws IOException {
    this.settings = settings;
    // Unix socket paths are limited to ~100 bytes: a short private folder under the temp dir.
    this.socketDir = Files.createTempDirectory("camstream-w");
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("camstream-worker-deadlines"));
    this.parts = Executors.newCachedThreadPool(daemon("camstream-worker-calls"));
  }

  /**
   * Starts every worker and waits until each has said hello (engine open, device usable); warm-up continues in the
   * background ({@link #ready}).
   *
   * @throws IllegalStateException when a worker reports it can never run here (a configured GPU that is not
   *     there); the message says why
   */
  public static EnginePool start(Settings settings) {
    EnginePool pool;
    try {
      pool = new EnginePool(settings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the worker socket folder", e);
    }
    List<CountDownLatch> hellos = new ArrayList<>();
    int slot = 0;
    for (int i = 0; i < settings.workersPerDevice(); i++) {
      for (String device : settings.devices()) {
        CountDownLatch first = new CountDownLatch(1);
        hellos.add(first);
        String name = "w" + slot++ + "-" + device.replace(":", "");
        Thread t = new Thread(() -> pool.supervise(name, device, first), "camstream-supervisor-" + name);
        t.setDaemon(true);
        pool.supervisors.add(t);
        t.start();
      }
    }
    try {
      for (CountDownLatch l : hellos) {
        l.await(settings.startTimeoutMs(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (pool.fatal != null) {
      String why = pool.fatal;
      pool.close();
      throw new IllegalStateException(why);
    }
    return pool;
  }

  /** True once at least one worker has warmed up: the role may start taking requests. */
  public boolean ready() {
    return everReady.get() > 0;
  }

  /** Why the pool can never run (a worker said so), or null. */
  public String fatal() {
    return fatal;
  }

  /** Workers started after the first generation (exits, kills, missed deadlines). */
  public int restarts() {
    return restarts.get();
  }

  /** Worker processes busy with a batch right now. */
  public int busy() {
    return busy.get();
  }

  /** Worker processes alive now (warming or ready). */
  public int size() {
    return live.size();
  }

  /** Pids of the live worker processes (for operators and fault-injection tests). */
  public List<Long> pids() {
    return live.stream().map(WorkerProcess::pid).sorted().toList();
  }

  /**
   * Mean transport cost per answered batch, in ms: the call's wall time minus the time the worker spent in its
   * engine, i.e. framing, the socket both ways and decoding the answer (PNGs and JSON).
   */
  public double ipcMsPerBatch() {
    long n = answered.get();
    return n == 0 ? 0 : ipcMicros.get() / 1000.0 / n;
  }

  /** Current per-image estimate, in ms. */
  public double msPerImage() {
    return msPerImage;
  }

  /** The deadline a part of {@code images} images gets now. */
  public long deadlineMs(int images) {
    return (long) Math.max(settings.deadlineMinMs(), msPerImage * images * settings.deadlineFactor());
  }

  @Override
  public Set<String> modelIds() {
    return new TreeSet<>(settings.modelIds());
  }

  @Override
  public String engine() {
    return "worker-pool";
  }

  @Override
  public int parallelism() {
    return settings.devices().size() * settings.workersPerDevice();
  }

  @Override
  public RanOn ranOn(Explanation explanation) {
    return ranOn.get(explanation);
  }

  /**
   * Programs built off the callers' threads since start (one per worker and program); a caller that asked {@link
   * #programReady} first never waits for a build.
   */
  public int backgroundBuilds() {
    return backgroundBuilds.get();
  }

  /** Batches sent to a worker that had not yet built a program they needed (it built it inside the batch). */
  public int buildsInBatch() {
    return buildsInBatch.get();
  }

  /**
   * Ready when every live worker has built the program, or when it cannot be built; otherwise starts building it
   * on each worker in the background (a worker is taken for it between batches) and answers false.
   */
  @Override
  public boolean programReady(String modelId, String layer, String method) {
    String key = modelId + "|" + layer + "|" + method;
    if (unbuildable.containsKey(key) || buildFailed.contains(key) || (warmed.contains(key) && allHave(key))) {
      return true;
    }
    if (building.add(key)) {
      WarmItem item = new WarmItem(modelId, layer, method);
      if (!lateItems.contains(item)) {
        lateItems.add(item);
      }
      parts.submit(() -> build(key, item));
    }
    return false;
  }

  /** Every working worker has built it (one still starting up warms the late programs before it takes work). */
  private boolean allHave(String key) {
    return live.stream().allMatch(w -> w.programs.contains(key) || !w.alive() || !w.warmedUp);
  }

  /** Builds one program on every live worker, one worker at a time, while the others keep serving batches. */
  private void build(String key, WarmItem item) {
    try {
      while (!closed && !unbuildable.containsKey(key) && !buildFailed.contains(key)) {
        if (warmed.contains(key) && allHave(key)) {
          return;
        }
        WorkerProcess w = idle.poll(200, TimeUnit.MILLISECONDS);
        if (w == null) {
          continue;
        }
        if (!w.alive() || w.programs.contains(key)) {
          idle.offer(w);
          Thread.sleep(20); // let a worker that lacks it come round
          continue;
        }
        ArrayNode items = Frame.JSON.createArrayNode();
        items.addObject().put("modelId", item.modelId()).put("layer", item.layer()).put("method", item.method());
        busy.incrementAndGet();
        try {
          noteWarmUp(w, w.warm(items, BUILD_ALLOWANCE_MS));
          backgroundBuilds.incrementAndGet();
        } catch (WorkerProcess.Died d) {
          // its supervisor starts the next generation, which warms the late programs before taking work
          LOG.warn("{} while building {}", d.getMessage(), key);
          continue;
        } finally {
          busy.decrementAndGet();
        }
        idle.offer(w);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      building.remove(key);
    }
  }

  @Override
  public Explanation explain(ExplainInput input) throws ExplainException {
    return Explainer.single(explainAll(List.of(input)));
  }

  @Override
  public List<Object> explainAll(List<ExplainInput> inputs) {
    // Inputs whose program failed to build get the build's reason without costing a worker a batch.
    List<Integer> runnable = new ArrayList<>();
    Object[] all = new Object[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      ExplainException why = unbuildable.get(key(inputs.get(i)));
      if (why != null) {
        all[i] = new ExplainException(why.reason(), why.getMessage());
      } else {
        runnable.add(i);
      }
    }
    if (runnable.size() < inputs.size()) {
      List<Object> ran = runnable.isEmpty() ? List.of() : explainAll(runnable.stream().map(inputs::get).toList());
      for (int k = 0; k < runnable.size(); k++) {
        all[runnable.get(k)] = ran.get(k);
      }
      return Arrays.asList(all);
    }
    Object[] results = new Object[inputs.size()];
    int[] crashes = new int[inputs.size()];
    List<List<Integer>> split = split(inputs.size());
    List<Future<?>> running = new ArrayList<>();
    for (List<Integer> part : split) {
      running.add(parts.submit(() -> {
        resolve(inputs, part, results, crashes);
        return null;
      }));
    }
    RuntimeException failure = null;
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EngineUnavailableException("interrupted while waiting for the engine workers", e);
      } catch (ExecutionException e) {
        failure = e.getCause() instanceof RuntimeException re ? re
            : new IllegalStateException(e.getCause());
      }
    }
    if (failure != null) {
      throw failure;
    }
    return Arrays.asList(results);
  }

  /** Consecutive index ranges, one per idle worker (at least one), none larger than maxBatch. */
  private List<List<Integer>> split(int n) {
    int workers = Math.max(1, Math.max(idle.size(), 1));
    int parts = Math.max((n + settings.maxBatch() - 1) / settings.maxBatch(), Math.min(workers, n));
    List<List<Integer>> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      List<Integer> part = new ArrayList<>();
      for (int i = from; i < to; i++) {
        part.add(i);
      }
      if (!part.isEmpty()) {
        out.add(part);
      }
    }
    return out;
  }

  private void resolve(List<ExplainInput> inputs, List<Integer> part, Object[] results, int[] crashes) {
    List<ExplainInput> batch = part.stream().map(inputs::get).toList();
    WorkerProcess w = borrow();
    boolean newProgram = batch.stream().anyMatch(in -> !w.programs.contains(key(in)));
    if (newProgram) {
      buildsInBatch.incrementAndGet();
    }
    // A fresh worker's first real batch also pays for new input shapes and a cold JIT: it gets three deadlines.
    long deadline = deadlineMs(batch.size()) * (w.answered() == 0 ? 3 : 1) + (newProgram ? BUILD_ALLOWANCE_MS : 0);
    busy.incrementAndGet();
    WorkerProcess.Answer answer;
    try {
      long t0 = System.nanoTime();
      answer = w.call(batch, deadline);
      double wallMs = (System.nanoTime() - t0) / 1e6;
      if (!newProgram) {
        msPerImage = 0.8 * msPerImage + 0.2 * (wallMs / batch.size());
      }
      ipcMicros.addAndGet(Math.round(Math.max(0, wallMs - answer.workerMs()) * 1000));
      answered.incrementAndGet();
      LOG.debug("worker {}: {} images in {} ms ({} ms in the engine)", w.name, batch.size(), wallMs,
          answer.workerMs());
    } catch (WorkerProcess.Died d) {
      busy.decrementAndGet();
      LOG.warn("{} with {} request(s) in its batch", d.getMessage(), batch.size());
      for (int i : part) {
        crashes[i]++;
      }
      if (part.size() > 1) {
        resolve(inputs, part.subList(0, part.size() / 2), results, crashes);
        resolve(inputs, part.subList(part.size() / 2, part.size()), results, crashes);
      } else if (crashes[part.get(0)] >= 2) {
        results[part.get(0)] = new EngineCrashedException("the request made an engine worker die "
            + crashes[part.get(0)] + " times, the last time alone in its batch: " + d.getMessage(), d.tail);
      } else {
        resolve(inputs, part, results, crashes);
      }
      return;
    }
    busy.decrementAndGet();
    idle.offer(w);
    RanOn ran = new RanOn(answer.device(), answer.engine());
    for (int k = 0; k < part.size(); k++) {
      Object r = answer.results().get(k);
      results[part.get(k)] = r;
      if (r instanceof Explanation e) {
        ranOn.put(e, ran);
        warmed.add(key(batch.get(k)));
        buildFailed.remove(key(batch.get(k)));
        w.programs.add(key(batch.get(k)));
      }
    }
  }

  /** An idle live worker; waits with the pool's patience, then hands the batch back as an infrastructure failure. */
  private WorkerProcess borrow() {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.unavailableAfterMs());
    try {
      while (!closed) {
        long left = until - System.nanoTime();
        if (left <= 0 || fatal != null) {
          break;
        }
        WorkerProcess w = idle.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        if (w != null && w.alive()) {
          return w;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new EngineUnavailableException("no engine worker took the batch within " + settings.unavailableAfterMs()
        + " ms (" + live.size() + " alive, " + restarts.get() + " restarts"
        + (fatal == null ? "" : ", " + fatal) + ")");
  }

  private static String key(ExplainInput in) {
    return in.modelId() + "|" + in.layer() + "|" + in.method();
  }

  private void supervise(String name, String device, CountDownLatch firstHello) {
    long backoff = 500;
    int generation = 0;
    while (!closed) {
      WorkerProcess w = null;
      long started = System.nanoTime();
      try {
        w = WorkerProcess.launch(name + "-" + generation, device, settings.command().apply(device), socketDir,
            timer);
        if (generation++ > 0) {
          restarts.incrementAndGet();
        }
        live.add(w);
        ObjectNode ready = w.start(warmItems(), settings.startTimeoutMs());
        firstHello.countDown();
        noteWarmUp(w, ready);
        w.warmedUp = true;
        everReady.incrementAndGet();
        idle.offer(w);
        LOG.info("engine worker {} (pid {}, {} on {}) ready after {} ms", w.name, w.pid(), w.engine(), device,
            Math.round((System.nanoTime() - started) / 1e6));
        int exit = w.process().waitFor();
        if (!closed) {
          LOG.warn("engine worker {} (pid {}) exited with {}; last output:\n{}", w.name, w.pid(), exit, w.tail());
        }
      } catch (WorkerProcess.Fatal f) {
        fatal = "engine worker on " + device + " cannot run: " + f.getMessage();
        LOG.error(fatal);
        firstHello.countDown();
        cleanUp(w);
        return;
      } catch (WorkerProcess.Died d) {
        LOG.warn("{}; last output:\n{}", d.getMessage(), d.tail);
      } catch (IOException e) {
        LOG.warn("cannot start engine worker {}", name, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cleanUp(w);
        return;
      }
      cleanUp(w);
      if (closed) {
        return;
      }
      // A worker that ran a good while was not crash-looping: start the next one at once.
      if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
        backoff = 500;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  private void cleanUp(WorkerProcess w) {
    if (w != null) {
      idle.remove(w);
      live.remove(w);
      w.kill("being replaced");
    }
  }

  private ArrayNode warmItems() {
    ArrayNode items = Frame.JSON.createArrayNode();
    List<WarmItem> all = new ArrayList<>(settings.warm());
    lateItems.stream().filter(it -> !all.contains(it)).forEach(all::add);
    for (WarmItem it : all) {
      items.addObject().put("modelId", it.modelId()).put("layer", it.layer()).put("method", it.method());
    }
    return items;
  }

  private void noteWarmUp(WorkerProcess w, ObjectNode ready) {
    for (JsonNode it : ready.path("items")) {
      String key = it.path("modelId").asText() + "|" + text(it, "layer") + "|" + text(it, "method");
      if (it.path("ok").asBoolean()) {
        warmed.add(key);
        buildFailed.remove(key);
        w.programs.add(key);
      } else if (it.has("reason")) {
        ExplainException.Reason reason = ExplainException.Reason.valueOf(it.path("reason").asText());
        String message = it.path("message").asText().replaceFirst("^" + reason + ": ", "");
        if (PERMANENT.contains(reason)) {
          // The program cannot be built (a layer the model lacks, an op with no gradient): its requests fail with it.
          unbuildable.put(key, new ExplainException(reason, message));
        } else {
          // A build that may pass next time (a file it could not write, a native fault) must not condemn the model
          buildFailed.add(key);
          LOG.warn("engine worker {} could not build {} ({}: {}); the next batch that needs it retries the build",
              w.name, key, reason, message);
        }
      }
    }
    double ms = ready.path("msPerImage").asDouble();
    if (ms > 0 && everReady.get() == 0) {
      msPerImage = ms;
    }
    LOG.info("engine worker {} warmed {} program(s) in {} ms ({} ms per image)", w.name, ready.path("items").size(),
        Math.round(ready.path("warmupMs").asDouble()), Math.round(ms));
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  @Override
  public void close() {
    closed = true;
    supervisors.forEach(Thread::interrupt);
    for (WorkerProcess w : live) {
      w.stop();
    }
    live.clear();
    idle.clear();
    parts.shutdownNow();
    timer.shutdownNow();
    try (var files = Files.list(socketDir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(socketDir);
    } catch (IOException e) {
      LOG.debug("cannot remove {}", socketDir, e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
