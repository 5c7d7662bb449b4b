/** Audit replay: re-explain a time range of inference events and compare heatmap hashes with the originals. */
package io.camstream.topology.replay;
