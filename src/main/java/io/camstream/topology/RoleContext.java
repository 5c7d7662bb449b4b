package io.camstream.topology;

import io.camstream.config.CamstreamConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a role gets when it starts.
 *
 * @param config the resolved config, bootstrap servers filled in (embedded broker included)
 * @param meters where the role registers its metrics (served on /metrics)
 */
public record RoleContext(CamstreamConfig config, MeterRegistry meters) {}
