package io.camstream.review;

import io.camstream.attention.AttentionSettings;
import io.camstream.config.CamstreamConfig;
import io.camstream.topology.Role;
import io.camstream.topology.RoleContext;
import io.camstream.topology.RunningRole;

/** {@code camstream run --role review}: the review UI, decisions and attention statistics ({@link ReviewService}). */
public final class ReviewRole implements Role {

  /** The role's name on the command line. */
  public static final String NAME = "review";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public RunningRole start(RoleContext context) {
    return ReviewService.start(context.config(), context.meters());
  }

  @Override
  public org.apache.kafka.streams.Topology topology(CamstreamConfig config) {
    return ReviewTopology.build(ReviewSettings.from(config), AttentionSettings.from(config), new ReviewFeed());
  }
}
