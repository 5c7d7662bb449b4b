/**
 * Everything that touches pixels, and the only place in camstream that uses OpenCV: decoding uploaded images,
 * bilinear resizing that matches Python {@code cv2.resize}, and rendering a CAM map into a grey heatmap, a
 * colour overlay, its peak and its hot regions.
 *
 * <p>Native OpenCV is loaded once per JVM, on first use of {@link io.camstream.render.Images} or
 * {@link io.camstream.render.Renderer}. Every native matrix is released before a call returns, so a long-running
 * worker does not depend on finalizers for native memory.
 */
package io.camstream.render;
