package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.model.ModelSpec;
import io.camstream.policy.PolicyFile;
import io.camstream.policy.PolicyPatch;
import io.camstream.worker.EnginePool;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/** Starts the explainer role's {@link EnginePool} for a config: how workers are launched and what they warm. */
public final class EnginePools {

  /** Longest a worker may take to start and warm every program (first builds include child-JVM trials). */
  static final long START_TIMEOUT_MS = 600_000;
  /** Longest a batch waits for a worker before it is handed back to the buffer (and retried with backoff). */
  static final long UNAVAILABLE_AFTER_MS = 120_000;

  private EnginePools() {}

  /**
   * Starts {@code explainer.workers.per.device} workers on each of {@code explainer.devices}.
   *
   * @throws IllegalStateException when a worker reports it cannot run (e.g. a configured GPU that is not there)
   */
  public static EnginePool start(CamstreamConfig config) {
    List<ModelSpec> specs;
    try {
      specs = ModelSpec.loadAll(config.modelsDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model specs in " + config.modelsDir() + ": "
          + e.getMessage(), e);
    }
    Set<String> ids = new LinkedHashSet<>();
    specs.forEach(s -> {
      ids.add(s.id());
      ids.add(s.key());
    });
    int workers = config.explainerDevices().size() * config.explainerWorkersPerDevice();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    Path configFile = writeConfig(config);
    Function<String, List<String>> command = device -> command(config, configFile, device, threads);
    return EnginePool.start(new EnginePool.Settings(config.explainerDevices(), config.explainerWorkersPerDevice(),
        config.explainerBatchMaxSize(), command, ids, warmItems(specs, PolicyFile.load(config.policyFile())),
        config.explainerDeadlineFactor(), config.explainerDeadlineMinMs(), START_TIMEOUT_MS,
        UNAVAILABLE_AFTER_MS));
  }

  /**
   * Every program a worker must have before it takes work: each model's defaults, and each (layer, method) the
   * policy file names (for the models its scope covers). Live overrides named later are built on first use.
   */
  static List<EnginePool.WarmItem> warmItems(List<ModelSpec> specs, PolicyFile policies) {
    Set<EnginePool.WarmItem> items = new LinkedHashSet<>();
    for (ModelSpec s : specs) {
      items.add(new EnginePool.WarmItem(s.key(), null, null));
    }
    List<Map.Entry<String, PolicyPatch>> patches = new ArrayList<>(policies.scoped().entrySet());
    patches.add(Map.entry("", policies.defaults()));
    for (Map.Entry<String, PolicyPatch> e : patches) {
      PolicyPatch p = e.getValue();
      if (p.targetLayer() == null && p.method() == null) {
        continue;
      }
      for (ModelSpec s : specs) {
        boolean scoped = e.getKey().contains("model:");
        if (!scoped || e.getKey().contains("model:" + s.id()) || e.getKey().contains("model:" + s.key())) {
          items.add(new EnginePool.WarmItem(s.key(), p.targetLayer(), p.method()));
        }
      }
    }
    return List.copyOf(items);
  }

  /** {@code java ... camstream engine-worker --config F --device D --threads T}; the pool adds the socket. */
  static List<String> command(CamstreamConfig config, Path configFile, String device, int threads) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add("-Xmx" + config.explainerWorkerHeapMb() + "m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Dai.djl.offline=true");
    // Where shared/ and the program cache are, and the (test-only) fault switches, travel as they were given.
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("camstream.")).sorted()
        .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
    cmd.add("-cp");
    cmd.add(io.camstream.engine.ChildClasspath.get());
    cmd.add("io.camstream.cli.Main");
    cmd.add("engine-worker");
    cmd.add("--config");
    cmd.add(configFile.toString());
    cmd.add("--device");
    cmd.add(device);
    cmd.add("--threads");
    cmd.add(Integer.toString(threads));
    return cmd;
  }

  /** The role's resolved config for its workers, readable by the owner only (it may hold secrets). */
  private static Path writeConfig(CamstreamConfig config) {
    try {
      Path dir = config.dataDir().toAbsolutePath();
      Files.createDirectories(dir);
      Path file = dir.resolve("engine-worker.properties");
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Properties props = new Properties();
      config.originals().forEach((k, v) -> {
        if (v != null) {
          props.setProperty(k, v instanceof org.apache.kafka.common.config.types.Password pw ? pw.value()
              : v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
              : String.valueOf(v));
        }
      });
      // the worker's program cache is the role's (under its data dir unless set explicitly)
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, "written by the explainer role for its engine workers");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the engine worker config under " + config.dataDir(), e);
    }
  }
}
