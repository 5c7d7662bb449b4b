package io.camstream.topology.explainer;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who explained an event, as recorded in every review record for audits.
 *
 * @param host host name of the explainer process
 * @param device the device ({@code cpu} or {@code gpu:N}); with several configured, the first (the engine's
 *     {@code Explanation} does not say which predictor ran an image)
 * @param version camstream version
 * @param engine the engine that ran the batch ({@code paddle}, ...), or null when not known
 */
public record ExplainerInfo(String host, String device, String version, String engine) {

  public ExplainerInfo(String host, String device, String version) {
    this(host, device, version, null);
  }

  /** The same, naming the engine. */
  public ExplainerInfo withEngine(String engine) {
    return new ExplainerInfo(host, device, version, engine);
  }

  /** This process, with the configured device list. */
  public static ExplainerInfo local(java.util.List<String> devices) {
    String device = devices.isEmpty() ? "cpu" : devices.get(0);
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
    String version = ExplainerInfo.class.getPackage().getImplementationVersion();
    return new ExplainerInfo(host, device, version == null ? "dev" : version);
  }
}
