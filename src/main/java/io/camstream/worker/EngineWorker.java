package io.camstream.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explainer;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine worker process ({@code camstream engine-worker}): connects to the role's socket, opens the engine,
 * says hello (or why it cannot run, e.g. a GPU that is not there), warms every program the role names by explaining
 * a synthetic image with it (the production process is its own trial run), reports ready with the measured time
 * per image, then answers explain frames until the role closes the socket.
 *
 * <p>Test-only faults, honoured only with {@code -Dcamstream.worker.faults=enabled}: {@code
 * camstream.worker.fault.halt.sha256} makes the process {@code Runtime.halt(134)} when a batch holds that image;
 * {@code camstream.worker.fault.abort.sha256} feeds a tensor the engine rejects (a real native abort); {@code
 * camstream.worker.fault.delay.ms} sleeps before each batch (widens the window for kill tests); {@code
 * camstream.worker.fault.warmup.fail=true} reports every warm-up build as failed (ENGINE_FAILED) without building.
 */
public final class EngineWorker {

  private static final Logger LOG = LoggerFactory.getLogger(EngineWorker.class);
  /** Exit code of a worker that can never run with this config (the pool does not restart it). */
  public static final int EXIT_CONFIG = 78;
  static final String FAULTS = "camstream.worker.faults";

  private final Explainer explainer;
  private final String device;
  private final BiConsumer<Explainer, String> nativeAbort;

  private EngineWorker(Explainer explainer, String device, BiConsumer<Explainer, String> nativeAbort) {
    this.explainer = explainer;
    this.device = device;
    this.nativeAbort = nativeAbort;
  }

  /**
   * Runs a worker until the role hangs up; returns the exit code.
   *
   * @param engine opens the engine on {@code device}; an {@link IllegalStateException} means "never with this
   *     config" (reported as fatal), other exceptions are ordinary start failures
   * @param nativeAbort test-only: feeds the named model a tensor its engine rejects
   */
  public static int run(Path socket, String device, Supplier<Explainer> engine,
      BiConsumer<Explainer, String> nativeAbort) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
      Explainer explainer;
      try {
        explainer = engine.get();
      } catch (RuntimeException e) {
        // No engine (a GPU that is not there, models missing): restarting cannot help, so the role fails at start.
        ObjectNode h = Frame.JSON.createObjectNode().put("type", "fatal")
            .put("message", String.valueOf(e.getMessage()));
        Frame.of(h).write(out);
        return EXIT_CONFIG;
      }
      try (explainer) {
        ObjectNode hello = Frame.JSON.createObjectNode().put("type", "hello")
            .put("pid", ProcessHandle.current().pid()).put("device", device).put("engine", explainer.engine());
        Frame.of(hello).write(out);
        return new EngineWorker(explainer, device, nativeAbort).serve(in, out);
      }
    }
  }

  private int serve(DataInputStream in, DataOutputStream out) throws IOException {
    while (true) {
      Frame f;
      try {
        f = Frame.read(in);
      } catch (EOFException e) {
        return 0; // the role closed the socket: a normal stop
      }
      switch (f.type()) {
        case "warm" -> Frame.of(warm(f.header().get("items"))).write(out);
        case "explain" -> {
          List<ExplainInput> inputs = Wire.inputs(f);
          faults(inputs);
          long t0 = System.nanoTime();
          List<Object> results = explainer.explainAll(inputs);
          Wire.answer(f.header().get("id").asLong(), results, device, explainer.engine(),
              (System.nanoTime() - t0) / 1e6).write(out);
        }
        default -> throw new IOException("unknown frame type " + f.type());
      }
    }
  }

  /**
   * Builds and proves each (model, layer, method) by explaining a synthetic image with it; reports per item
   * whether it works and the time per image, which seeds the role's deadlines.
   */
  private ObjectNode warm(JsonNode items) {
    ObjectNode ready = Frame.JSON.createObjectNode().put("type", "ready");
    var report = ready.putArray("items");
    byte[] image = syntheticImage();
    double best = Double.MAX_VALUE;
    long t0 = System.nanoTime();
    for (JsonNode it : items) {
      ObjectNode r = report.addObject();
      r.setAll((ObjectNode) it);
      String model = it.get("modelId").asText();
      String layer = it.path("layer").isNull() ? null : it.path("layer").asText(null);
      String method = it.path("method").isNull() ? null : it.path("method").asText(null);
      try {
        if ("enabled".equals(System.getProperty(FAULTS))
            && Boolean.getBoolean("camstream.worker.fault.warmup.fail")) {
          throw new ExplainException(ExplainException.Reason.ENGINE_FAILED, "camstream test fault: warm-up build "
              + "failed");
        }
        explainer.explain(new ExplainInput(model, image, "warm-up", layer, method, null, null, null, true));
        // second run: the first includes program loading and predictor creation
        long t1 = System.nanoTime();
        explainer.explain(new ExplainInput(model, image, "warm-up", layer, method, null, null, null, true));
        double ms = (System.nanoTime() - t1) / 1e6;
        best = Math.min(best, ms);
        r.put("ok", true).put("ms", ms);
      } catch (ExplainException e) {
        // A policy naming a layer the model lacks: its requests are dead-lettered with this reason later.
        LOG.warn("warm-up of {} / {} / {} failed: {}", model, layer, method, e.line());
        r.put("ok", false).put("reason", e.reason().name()).put("message", e.line());
      }
    }
    ready.put("warmupMs", (System.nanoTime() - t0) / 1e6);
    ready.put("msPerImage", best == Double.MAX_VALUE ? 0 : best);
    return ready;
  }

  private static byte[] syntheticImage() {
    BufferedImage img = new BufferedImage(320, 96, BufferedImage.TYPE_3BYTE_BGR);
    Random r = new Random(7);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        img.setRGB(x, y, r.nextInt(0x1000000));
      }
    }
    try {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      return png.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void faults(List<ExplainInput> inputs) {
    if (!"enabled".equals(System.getProperty(FAULTS))) {
      return;
    }
    long delay = Long.getLong("camstream.worker.fault.delay.ms", 0);
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String halt = System.getProperty("camstream.worker.fault.halt.sha256", "");
    String abort = System.getProperty("camstream.worker.fault.abort.sha256", "");
    for (ExplainInput in : inputs) {
      String sha = sha256(in.imageBytes());
      if (sha.equalsIgnoreCase(halt)) {
        System.err.println("camstream test fault: halting on image " + sha);
        System.err.flush();
        Runtime.getRuntime().halt(134);
      }
      if (sha.equalsIgnoreCase(abort)) {
        System.err.println("camstream test fault: feeding a rejected tensor for image " + sha);
        System.err.flush();
        nativeAbort.accept(explainer, in.modelId());
      }
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
