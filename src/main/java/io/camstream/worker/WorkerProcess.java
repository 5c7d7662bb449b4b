package io.camstream.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.explain.ExplainInput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role's side of one engine worker process: starts it, owns its socket, sends a batch and waits for the answer
 * up to a deadline. Anything that ends a call without an answer (exit, EOF, a missed deadline) kills the process and
 * throws {@link Died} with its last output lines; the pool's supervisor starts the next one.
 */
final class WorkerProcess {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);
  private static final int TAIL_LINES = 40;

  /** The call ended without an answer; the process is dead (or being killed). */
  static final class Died extends Exception {
    final String tail;

    Died(String message, String tail) {
      super(message);
      this.tail = tail;
    }
  }

  /** The worker can never run with this config (say, a GPU that is not there). */
  static final class Fatal extends Exception {
    Fatal(String message) {
      super(message);
    }
  }

  /** What the worker answered to a batch. */
  record Answer(List<Object> results, String device, String engine, double workerMs) {}

  final String name;
  final String device;
  private final Process process;
  private final ServerSocketChannel server;
  private final Path socketPath;
  private final ScheduledExecutorService timer;
  private final Deque<String> tail = new ArrayDeque<>();
  private SocketChannel channel;
  private DataInputStream in;
  private DataOutputStream out;
  private String engine = "?";
  private long nextId;
  private volatile long answered;
  /** Programs (model|layer|method) this process has built and proved. */
  final java.util.Set<String> programs = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Set once its start-up warm-up is done; one still warming up builds the late programs then too. */
  volatile boolean warmedUp;

  private WorkerProcess(String name, String device, Process process, ServerSocketChannel server, Path socketPath,
      ScheduledExecutorService timer) {
    this.name = name;
    this.device = device;
    this.process = process;
    this.server = server;
    this.socketPath = socketPath;
    this.timer = timer;
  }

  /** Starts the process with its own socket; {@code command} gets the socket path appended as its last argument. */
  static WorkerProcess launch(String name, String device, List<String> command, Path socketDir,
      ScheduledExecutorService timer) throws IOException {
    Path socket = socketDir.resolve(name + ".sock");
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    List<String> cmd = new java.util.ArrayList<>(command);
    cmd.add("--socket");
    cmd.add(socket.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().putAll(deterministicEnv(device));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      server.close();
      throw e;
    }
    WorkerProcess w = new WorkerProcess(name, device, p, server, socket, timer);
    Thread pump = new Thread(w::pumpOutput, "camstream-" + name + "-output");
    pump.setDaemon(true);
    pump.start();
    return w;
  }

  /**
   * Environment for a worker on {@code device} so that replays reproduce bit for bit on a GPU: Paddle reads its
   * {@code FLAGS_*} from the environment when it initialises (deterministic cuDNN kernels, no timing-based algorithm
   * search), and cuBLAS needs a fixed workspace for deterministic GEMMs. ONNX Runtime sessions switch on
   * deterministic compute themselves ({@code OnnxModel.sessionOptions}). Empty on the CPU, which is deterministic.
   */
  static java.util.Map<String, String> deterministicEnv(String device) {
    if (!device.startsWith("gpu")) {
      return java.util.Map.of();
    }
    return java.util.Map.of("FLAGS_cudnn_deterministic", "1", "FLAGS_cudnn_exhaustive_search", "0",
        "CUBLAS_WORKSPACE_CONFIG", ":4096:8");
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  String engine() {
    return engine;
  }

  /** Batches this process has answered. */
  long answered() {
    return answered;
  }

  Process process() {
    return process;
  }

  /**
   * Waits for the worker to connect and say hello, then has it warm {@code items}; returns its ready report.
   *
   * @throws Fatal when the worker reports that it can never run with this config
   * @throws Died when it exits or does not get there within {@code timeoutMs}
   */
  ObjectNode start(ArrayNode items, long timeoutMs) throws Fatal, Died {
    ScheduledFuture<?> watchdog = timer.schedule(() -> kill("did not start within " + timeoutMs + " ms"),
        timeoutMs, TimeUnit.MILLISECONDS);
    try {
      server.configureBlocking(false);
      while ((channel = server.accept()) == null) {
        if (!process.isAlive()) {
          throw died("exited with " + exitCode() + " before connecting");
        }
        Thread.sleep(20);
      }
      channel.configureBlocking(true);
      in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
      out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
      Frame hello = Frame.read(in);
      if (hello.type().equals("fatal")) {
        throw new Fatal(hello.header().path("message").asText());
      }
      engine = hello.header().path("engine").asText("?");
      ObjectNode warm = Frame.JSON.createObjectNode().put("type", "warm");
      warm.set("items", items);
      Frame.of(warm).write(out);
      Frame ready = Frame.read(in);
      if (!ready.type().equals("ready")) {
        throw died("answered " + ready.type() + " to warm-up");
      }
      return ready.header();
    } catch (IOException e) {
      throw died("lost during start: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill("interrupted");
      throw died("start interrupted");
    } finally {
      watchdog.cancel(false);
    }
  }

  /** Sends a batch; the answer, or {@link Died} (process killed) when none comes within {@code deadlineMs}. */
  Answer call(List<ExplainInput> inputs, long deadlineMs) throws Died {
    long id = ++nextId;
    ScheduledFuture<?> watchdog = timer.schedule(
        () -> kill("missed its deadline of " + deadlineMs + " ms for a batch of " + inputs.size()),
        deadlineMs, TimeUnit.MILLISECONDS);
    try {
      Wire.request(id, inputs).write(out);
      Frame f = Frame.read(in);
      if (!f.type().equals("result") || f.header().path("id").asLong() != id) {
        kill("answered out of turn");
        throw died("answered " + f.type() + " " + f.header().path("id") + " to batch " + id);
      }
      answered++;
      return new Answer(Wire.results(f), f.header().path("device").asText(device),
          f.header().path("engine").asText(engine), f.header().path("workerMs").asDouble());
    } catch (IOException | RuntimeException e) {
      String why = e instanceof java.io.EOFException ? "connection closed"
          : e instanceof java.nio.channels.ClosedChannelException ? "socket closed by the deadline watchdog"
          : String.valueOf(e.getMessage());
      kill("lost mid-batch: " + why);
      throw died("died mid-batch (" + why + ")");
    } finally {
      watchdog.cancel(false);
    }
  }

  /**
   * Has a running worker build and prove more programs (a live policy naming a new layer or method); its ready
   * report, or {@link Died} (process killed) when it does not answer within {@code deadlineMs}.
   */
  ObjectNode warm(ArrayNode items, long deadlineMs) throws Died {
    ScheduledFuture<?> watchdog = timer.schedule(
        () -> kill("missed its deadline of " + deadlineMs + " ms for building " + items.size() + " program(s)"),
        deadlineMs, TimeUnit.MILLISECONDS);
    try {
      ObjectNode warm = Frame.JSON.createObjectNode().put("type", "warm");
      warm.set("items", items);
      Frame.of(warm).write(out);
      Frame ready = Frame.read(in);
      if (!ready.type().equals("ready")) {
        kill("answered out of turn");
        throw died("answered " + ready.type() + " to a warm-up");
      }
      return ready.header();
    } catch (IOException | RuntimeException e) {
      kill("lost during a warm-up: " + e.getMessage());
      throw died("died during a warm-up (" + e.getMessage() + ")");
    } finally {
      watchdog.cancel(false);
    }
  }

  /** Kills the process (SIGKILL also ends a stopped one) and closes the socket, so a blocked read returns. */
  void kill(String why) {
    if (process.isAlive()) {
      LOG.warn("engine worker {} (pid {}) {}: killing it", name, process.pid(), why);
      process.destroyForcibly();
    }
    closeQuietly();
  }

  /** Asks the worker to stop (closing the socket ends it), then makes sure. */
  void stop() {
    closeQuietly();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The worker's last output lines (a native abort's message is there). */
  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  private Died died(String what) {
    try {
      // the output pump may still be reading the last lines of a dying process
      process.waitFor(2, TimeUnit.SECONDS);
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Died("engine worker " + name + " (pid " + process.pid() + ", exit " + exitCode() + ") " + what,
        tail());
  }

  private String exitCode() {
    return process.isAlive() ? "running" : Integer.toString(process.exitValue());
  }

  private void closeQuietly() {
    try {
      if (channel != null) {
        channel.close();
      }
      server.close();
      Files.deleteIfExists(socketPath);
    } catch (IOException e) {
      LOG.debug("closing worker socket", e);
    }
  }

  private void pumpOutput() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        LOG.debug("[{}] {}", name, line);
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("worker {} output closed", name, e);
    }
  }
}
