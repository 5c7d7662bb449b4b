package io.camstream.attention;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * A heat map as a row-major grid of non-negative values covering the whole image: cell {@code (col, row)} covers
 * the image fractions {@code [col/width, (col+1)/width] x [row/height, (row+1)/height]}. Immutable.
 */
public final class HeatGrid {

  private final int width;
  private final int height;
  private final double[] values;

  /**
   * @throws IllegalArgumentException for a non-positive size, a length mismatch, or a negative or non-finite value
   */
  @JsonCreator
  public HeatGrid(
      @JsonProperty("width") int width,
      @JsonProperty("height") int height,
      @JsonProperty("values") double[] values) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("grid size must be positive, got " + width + "x" + height);
    }
    if (values == null) {
      throw new IllegalArgumentException("grid values are missing");
    }
    if (values.length != (long) width * height) {
      throw new IllegalArgumentException(
          "grid " + width + "x" + height + " needs " + width * height + " values, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] >= 0) || Double.isInfinite(values[i])) {
        throw new IllegalArgumentException("grid value " + i + " is not a finite non-negative number: " + values[i]);
      }
    }
    this.width = width;
    this.height = height;
    this.values = values.clone();
  }

  /** An all-zero grid. */
  public static HeatGrid zeros(int width, int height) {
    return new HeatGrid(width, height, new double[width * height]);
  }

  @JsonProperty("width")
  public int width() {
    return width;
  }

  @JsonProperty("height")
  public int height() {
    return height;
  }

  /** The value at column {@code col}, row {@code row}. */
  public double at(int col, int row) {
    return values[row * width + col];
  }

  /** A copy of the row-major values. */
  @JsonProperty("values")
  public double[] values() {
    return values.clone();
  }

  /** Sum of all values: the heat mass in cell units. */
  public double mass() {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s;
  }

  /** Largest value, 0 for an all-zero grid. */
  public double max() {
    double m = 0;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /**
   * Area-weighted resampling to another size: each new cell is the mean of the old map over its area. This keeps
   * the share of heat in any region of the image, which the outside-ROI share relies on, whatever the source size.
   */
  public HeatGrid resample(int newWidth, int newHeight) {
    if (newWidth == width && newHeight == height) {
      return this;
    }
    double[][] wx = overlapWeights(width, newWidth);
    double[][] wy = overlapWeights(height, newHeight);
    double[] out = new double[newWidth * newHeight];
    for (int ty = 0; ty < newHeight; ty++) {
      for (int sy = 0; sy < height; sy++) {
        double fy = wy[ty][sy];
        if (fy == 0) {
          continue;
        }
        for (int tx = 0; tx < newWidth; tx++) {
          double acc = 0;
          for (int sx = 0; sx < width; sx++) {
            acc += wx[tx][sx] * values[sy * width + sx];
          }
          out[ty * newWidth + tx] += fy * acc;
        }
      }
    }
    return new HeatGrid(newWidth, newHeight, out);
  }

  /** weights[t][s] = length of (target cell t ∩ source cell s) / length of target cell t, on [0,1]. */
  private static double[][] overlapWeights(int source, int target) {
    double[][] w = new double[target][source];
    for (int t = 0; t < target; t++) {
      double t0 = (double) t / target;
      double t1 = (double) (t + 1) / target;
      for (int s = 0; s < source; s++) {
        double overlap = Math.min(t1, (double) (s + 1) / source) - Math.max(t0, (double) s / source);
        if (overlap > 0) {
          w[t][s] = overlap * target;
        }
      }
    }
    return w;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeatGrid g && g.width == width && g.height == height && Arrays.equals(g.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "HeatGrid[" + width + "x" + height + ", mass=" + mass() + "]";
  }
}
