/**
 * Class activation maps as plain arithmetic on {@code float[]} feature maps: Grad-CAM and its gradient-based
 * variants, Eigen-CAM and Score-CAM. Nothing here knows about models, Kafka or images; the engine fetches the
 * activations (and gradients) of one layer for one image, picks a {@link io.camstream.cam.CamMethod} from
 * {@link io.camstream.cam.CamMethods} and hands the raw map to the renderer.
 *
 * <p>Every computation runs sequentially in a fixed order with double accumulators, so the same input always
 * gives a bit-identical map.
 */
package io.camstream.cam;
