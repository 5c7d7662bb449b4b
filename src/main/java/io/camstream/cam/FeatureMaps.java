package io.camstream.cam;

import java.util.Objects;

/**
 * The activations of one layer for one image, and optionally the gradients of the explained score with respect to
 * them, both in CHW row-major order ({@code index = (k * height + i) * width + j}).
 *
 * @param activation {@code channels * height * width} activation values
 * @param gradient the matching gradients, or null for gradient-free methods
 * @param channels number of channels (C)
 * @param height feature-map height (H)
 * @param width feature-map width (W)
 */
public record FeatureMaps(float[] activation, float[] gradient, int channels, int height, int width) {

  public FeatureMaps {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "feature map shape must be positive, got C=" + channels + " H=" + height + " W=" + width);
    }
    long expected = (long) channels * height * width;
    Objects.requireNonNull(activation, "activation");
    if (activation.length != expected) {
      throw new IllegalArgumentException(lengthMessage("activation", activation.length, channels, height, width));
    }
    if (gradient != null && gradient.length != expected) {
      throw new IllegalArgumentException(lengthMessage("gradient", gradient.length, channels, height, width));
    }
  }

  /** Activations only, for gradient-free methods. */
  public static FeatureMaps of(float[] activation, int channels, int height, int width) {
    return new FeatureMaps(activation, null, channels, height, width);
  }

  /** Number of spatial positions, {@code height * width}. */
  public int area() {
    return height * width;
  }

  @Override
  public String toString() {
    return "FeatureMaps[C=" + channels + ", H=" + height + ", W=" + width + ", gradient=" + (gradient != null) + "]";
  }

  private static String lengthMessage(String what, int actual, int c, int h, int w) {
    return what + " has " + actual + " values, expected C*H*W = " + c + "*" + h + "*" + w + " = "
        + ((long) c * h * w);
  }
}
