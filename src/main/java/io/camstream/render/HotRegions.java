package io.camstream.render;

import io.camstream.explain.Explanation.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/** Hot regions of a normalised heatmap: 8-connected components above a threshold, with their share of the heat. */
final class HotRegions {

  // Ties are broken by position, not by OpenCV's label numbering, which depends on its labelling algorithm.
  private static final Comparator<Region> ORDER = Comparator.comparingDouble(Region::share).reversed()
      .thenComparingInt(Region::y).thenComparingInt(Region::x);

  private HotRegions() {}

  /**
   * @param heat {@code width * height} values in [0,1], row-major
   * @return at most {@code max} regions, largest share first; {@code share} is the heat summed inside the component
   *     divided by the heat summed over the whole map
   */
  static List<Region> find(float[] heat, int width, int height, double threshold, int max) {
    double total = 0;
    byte[] mask = new byte[heat.length];
    for (int i = 0; i < heat.length; i++) {
      total += heat[i];
      if (heat[i] > threshold) {
        mask[i] = 1;
      }
    }
    if (total == 0 || max == 0) {
      return List.of();
    }
    try (MatScope scope = new MatScope()) {
      Mat binary = scope.add(new Mat(height, width, CvType.CV_8UC1));
      binary.put(0, 0, mask);
      Mat labels = scope.add(new Mat());
      Mat stats = scope.add(new Mat());
      Mat centroids = scope.add(new Mat());
      int count = Imgproc.connectedComponentsWithStats(binary, labels, stats, centroids, 8, CvType.CV_32S);
      int[] label = new int[heat.length];
      labels.get(0, 0, label);
      double[] mass = new double[count];
      for (int i = 0; i < heat.length; i++) {
        mass[label[i]] += heat[i];
      }
      int[] box = new int[count * stats.cols()];
      stats.get(0, 0, box);
      List<Region> regions = new ArrayList<>(count - 1);
      // Label 0 is the background.
      for (int l = 1; l < count; l++) {
        int at = l * stats.cols();
        regions.add(new Region(box[at + Imgproc.CC_STAT_LEFT], box[at + Imgproc.CC_STAT_TOP],
            box[at + Imgproc.CC_STAT_WIDTH], box[at + Imgproc.CC_STAT_HEIGHT], mass[l] / total));
      }
      regions.sort(ORDER);
      return List.copyOf(regions.subList(0, Math.min(max, regions.size())));
    }
  }
}
