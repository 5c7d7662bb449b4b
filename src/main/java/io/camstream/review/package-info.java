/**
 * The review role: review records and decisions materialised in Kafka Streams stores ({@link
 * io.camstream.review.ReviewTopology}), idempotent decisions ({@link io.camstream.review.DecisionService}: first
 * decision wins, a repeat answers 200, a different one 409), and the web UI ({@link
 * io.camstream.review.web.ReviewServer}). Started by {@code camstream run --role review} ({@link
 * io.camstream.review.ReviewRole}, {@link io.camstream.review.ReviewService}).
 */
package io.camstream.review;
