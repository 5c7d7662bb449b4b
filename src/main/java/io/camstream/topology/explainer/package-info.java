/**
 * The explainer role: micro-batches explain requests from a changelogged buffer, explains them on the engine,
 * stores artifacts and publishes review records (or dead letters) under exactly-once.
 */
package io.camstream.topology.explainer;
