/** The Prometheus registry and the /metrics and /health endpoints. */
package io.camstream.metrics;
