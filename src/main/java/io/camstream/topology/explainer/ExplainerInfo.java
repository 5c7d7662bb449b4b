package io.camstream.topology.explainer;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who explained an event, as recorded in every review record for audits.
 *
 * @param host host name of the explainer process
 * @param device the configured devices (e.g. {@code cpu} or {@code gpu:0,gpu:1})
 * @param version camstream version
 */
public record ExplainerInfo(String host, String device, String version) {

  /** This process, with the given device list. */
  public static ExplainerInfo local(String device) {
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
