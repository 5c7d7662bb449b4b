package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.explain.Explainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/** Runs the explainer role in a child JVM for {@link ExplainerCrashIT}: {@code ExplainerChild <config.properties>}. */
public final class ExplainerChild {

  private ExplainerChild() {}

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      props.load(in);
    }
    CamstreamConfig config = new CamstreamConfig(props);
    Explainer explainer = Explainers.fromConfig(config);
    RunningExplainer role = RunningExplainer.start(config, explainer, new SimpleMeterRegistry());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      role.close();
      explainer.close();
      stop.countDown();
    }));
    System.out.println("explainer child started");
    stop.await();
  }
}
