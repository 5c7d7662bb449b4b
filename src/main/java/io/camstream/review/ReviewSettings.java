package io.camstream.review;

import io.camstream.config.CamstreamConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * What the review role needs to know.
 *
 * @param reviewsTopic review records to show (JSON, key = eventId)
 * @param decisionsTopic where decisions go (JSON, key = eventId)
 * @param artifactsDir the only directory {@code /artifacts/...} serves from
 * @param imageRoots the only directories original images ({@code file:} URIs) are served from
 * @param port HTTP port; 0 picks a free one
 * @param token the access token; empty means one is generated at start (unless accounts are configured)
 * @param web the web server's limits, identities and TLS
 */
public record ReviewSettings(
    String reviewsTopic, String decisionsTopic, Path artifactsDir, List<Path> imageRoots, int port, String token,
    WebSettings web) {

  public ReviewSettings {
    imageRoots = List.copyOf(imageRoots);
    token = token == null ? "" : token;
  }

  /** Settings with the default web server settings (token mode). */
  public ReviewSettings(String reviewsTopic, String decisionsTopic, Path artifactsDir, List<Path> imageRoots, int port,
      String token) {
    this(reviewsTopic, decisionsTopic, artifactsDir, imageRoots, port, token, WebSettings.defaults());
  }

  /** The settings of a camstream config. */
  public static ReviewSettings from(CamstreamConfig c) {
    return new ReviewSettings(c.topics().reviews(), c.topics().decisions(), c.artifactsDir(), c.imageFileRoots(),
        c.reviewPort(), c.reviewToken(), WebSettings.from(c));
  }

  /** A copy with the token replaced, e.g. by a generated one. */
  public ReviewSettings withToken(String newToken) {
    return new ReviewSettings(reviewsTopic, decisionsTopic, artifactsDir, imageRoots, port, newToken, web);
  }

  /** A copy with other web server settings. */
  public ReviewSettings withWeb(WebSettings newWeb) {
    return new ReviewSettings(reviewsTopic, decisionsTopic, artifactsDir, imageRoots, port, token, newWeb);
  }
}
