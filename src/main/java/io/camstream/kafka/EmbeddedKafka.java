package io.camstream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process single-node Kafka broker (KRaft, broker and controller in one), able to run Kafka Streams with
 * exactly-once v2. Its log lives in a directory of the caller's choice, so {@code camstream run} keeps its data
 * across restarts and tests use a temp directory.
 *
 * <p>The directory is formatted on first use (as {@code kafka-storage.sh format --standalone} does) and re-used
 * afterwards; the listener ports are picked fresh on every start and the cluster id is kept in the directory.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";

  private final Path dir;
  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private EmbeddedKafka(Path dir, KafkaRaftServer server, String bootstrapServers) {
    this.dir = dir;
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts a broker keeping its data in {@code dir} (created if needed) and waits until it answers requests.
   *
   * @param dir data directory; the same directory gives back the same topics and records
   * @param timeout how long to wait for the broker to answer
   */
  public static EmbeddedKafka start(Path dir, Duration timeout) {
    try {
      Files.createDirectories(dir);
      Path logDir = dir.resolve("log");
      Path serverProps = dir.resolve("server.properties");
      // The quorum's voter set records the controller endpoint at format time, so a restart re-uses the ports.
      int[] ports = previousPorts(serverProps);
      int port = ports != null && isFree(ports[0]) ? ports[0] : freePort();
      int controllerPort = ports != null && isFree(ports[1]) ? ports[1] : freePort();
      Properties props = brokerProperties(logDir, port, controllerPort);
      try (Writer w = Files.newBufferedWriter(serverProps)) {
        props.store(w, "written by camstream EmbeddedKafka on every start");
      }
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(serverProps, clusterId(dir));
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      String bootstrap = HOST + ":" + port;
      EmbeddedKafka kafka = new EmbeddedKafka(dir, server, bootstrap);
      try {
        kafka.awaitReady(timeout);
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
      LOG.info("embedded Kafka broker at {} (data in {})", bootstrap, dir.toAbsolutePath());
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dir, e);
    }
  }

  /** {@code host:port} for clients. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The data directory. */
  public Path dir() {
    return dir;
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  static Properties brokerProperties(Path logDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    // The cleaner's dedupe buffer defaults to 128 MB of heap; 8 MB is plenty for one node and cuts the broker to ~40 MB.
    p.put("log.cleaner.dedupe.buffer.size", "8388608");
    return p;
  }

  private static void format(Path serverProps, String clusterId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = StorageTool.execute(new String[] {
        "format", "-t", clusterId, "-c", serverProps.toAbsolutePath().toString(), "--standalone"},
        new PrintStream(out, true, StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException("formatting the embedded broker's storage failed (" + rc + "): "
          + out.toString(StandardCharsets.UTF_8).trim());
    }
  }

  // The cluster id must stay the same for an existing log directory, so it is stored beside it.
  private static String clusterId(Path dir) throws IOException {
    Path file = dir.resolve("cluster.id");
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id);
    return id;
  }

  private static int[] previousPorts(Path serverProps) throws IOException {
    if (!Files.exists(serverProps)) {
      return null;
    }
    Properties old = new Properties();
    try (var r = Files.newBufferedReader(serverProps)) {
      old.load(r);
    }
    String listeners = old.getProperty("listeners", "");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("PLAINTEXT://[^:]+:(\\d+),CONTROLLER://[^:]+:(\\d+)").matcher(listeners);
    return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 0, InetAddress.getByName(HOST))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        try {
          admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
          admin.listTopics().names().get(2, TimeUnit.SECONDS);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the embedded broker");
        } catch (Exception e) {
          last = new IllegalStateException(e.getMessage(), e);
        }
      }
    }
    throw new IllegalStateException("embedded Kafka broker at " + bootstrapServers + " did not answer within "
        + timeout, last);
  }
}
