/**
 * Attention statistics: per model, line and predicted class, windowed mean heat maps on a fixed grid with their
 * centroid, spread and share of heat outside the line's ROI, and alerts when that share or the centroid drift
 * passes a threshold. The math ({@link io.camstream.attention.HeatGrid}, {@link io.camstream.attention.AttentionMath},
 * {@link io.camstream.attention.AttentionWindow}) is plain Java; {@link io.camstream.attention.AttentionTopology}
 * wires it into Kafka Streams.
 */
package io.camstream.attention;
