/**
 * Input and output of bytes: where images come from ({@link io.camstream.io.ImageSource}) and where rendered
 * artifacts go ({@link io.camstream.io.ArtifactStore}). Implementations live in {@code io.camstream.io.internal}.
 */
package io.camstream.io;
