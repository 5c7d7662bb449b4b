package io.camstream.topology.explainer;

import io.camstream.config.CamstreamConfig;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the explainer role as production does (engine worker processes included) in a child JVM for {@link
 * ExplainerCrashIT}: {@code ExplainerChild <config.properties> <instance id> <data dir>}.
 */
public final class ExplainerChild {

  private ExplainerChild() {}

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      props.load(in);
    }
    props.setProperty(CamstreamConfig.EXPLAINER_INSTANCE_ID_CONFIG, args[1]);
    props.setProperty(CamstreamConfig.DATA_DIR_CONFIG, args[2]);
    CamstreamConfig config = new CamstreamConfig(props);
    RunningRole role = new ExplainerRole().start(new RoleContext(config, new SimpleMeterRegistry()));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      role.close();
      stop.countDown();
    }));
    System.out.println("explainer child started");
    stop.await();
  }
}
