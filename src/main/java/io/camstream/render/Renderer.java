package io.camstream.render;

import io.camstream.cam.CamMath;
import io.camstream.explain.Explanation.Grid;
import io.camstream.explain.Explanation.Peak;
import io.camstream.explain.Explanation.Region;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Range;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Turns a raw CAM map into the artifacts and summaries of an explanation. Stateless and thread-safe. */
public final class Renderer {

  static {
    OpenCvNatives.load();
  }

  /** Upper bound on the upsampled full-input map, so a tiny content fraction cannot ask for gigabytes. */
  private static final long MAX_UPSAMPLED_PIXELS = 1L << 28;

  private Renderer() {}

  /**
   * Renders a map computed on the model input for one image.
   *
   * <p>The map covers the whole model input, of which the image fills only the top-left fraction
   * {@code contentFracX x contentFracY}; the rest is padding. Padding cells never influence the result: the grid is
   * the {@code ceil(contentFracX * mapW) x ceil(contentFracY * mapH)} cells that cover the image, and before
   * upsampling the cells beyond them are replaced by their nearest content cell. The map is upsampled bilinearly to
   * {@code round(W / contentFracX) x round(H / contentFracY)}, its top-left {@code W x H} part (the original image
   * size) is min-max normalised, and everything else is derived from that heat.
   *
   * @param original the decoded original image (W x H)
   * @param map raw map, {@code mapW * mapH} finite values, row-major (any scale; it is normalised here)
   * @param mapW map width in cells
   * @param mapH map height in cells
   * @param contentFracX fraction of the model input's width that the image occupies, in (0,1]
   * @param contentFracY fraction of the model input's height that the image occupies, in (0,1]
   * @param opts colour map, blend weight, region settings, overlay switch
   */
  public static Rendered render(DecodedImage original, float[] map, int mapW, int mapH, double contentFracX,
      double contentFracY, RenderOptions opts) {
    return render(original, map, mapW, mapH, contentFracX, contentFracY, null, opts);
  }

  /**
   * As above, for a model input that saw only part of the original (a centre crop): the content is drawn over
   * {@code view} = {x, y, w, h} in original pixels (rounded to whole pixels and clipped to the image), and the heat
   * is 0 everywhere else, so peak and hot regions are in original-image pixels. A null view is the whole image.
   */
  public static Rendered render(DecodedImage original, float[] map, int mapW, int mapH, double contentFracX,
      double contentFracY, double[] view, RenderOptions opts) {
    long start = System.nanoTime();
    validate(map, mapW, mapH, contentFracX, contentFracY);
    int width = original.width();
    int height = original.height();
    int vx0 = 0;
    int vy0 = 0;
    int vx1 = width;
    int vy1 = height;
    if (view != null) {
      vx0 = Math.max(0, Math.min(width - 1, (int) Math.round(view[0])));
      vy0 = Math.max(0, Math.min(height - 1, (int) Math.round(view[1])));
      vx1 = Math.max(vx0 + 1, Math.min(width, (int) Math.round(view[0] + view[2])));
      vy1 = Math.max(vy0 + 1, Math.min(height, (int) Math.round(view[1] + view[3])));
    }
    int viewW = vx1 - vx0;
    int viewH = vy1 - vy0;
    int gridW = contentCells(contentFracX, mapW);
    int gridH = contentCells(contentFracY, mapH);
    Grid grid = new Grid(gridW, gridH, CamMath.normalize(CamMath.crop(map, mapW, mapH, 0, 0, gridW, gridH)));

    try (MatScope scope = new MatScope()) {
      float[] inView = CamMath.normalize(upsample(map, mapW, mapH, gridW, gridH, viewW, viewH,
          Math.round(viewW / contentFracX), Math.round(viewH / contentFracY), scope));
      float[] heat = inView;
      if (viewW != width || viewH != height) {
        heat = new float[width * height]; // outside the view the model saw nothing: no heat
        for (int y = 0; y < viewH; y++) {
          System.arraycopy(inView, y * viewW, heat, (vy0 + y) * width + vx0, viewW);
        }
      }
      int hottest = CamMath.argmax(heat);
      Peak peak = new Peak(hottest % width, hottest / width);

      byte[] grey = new byte[heat.length];
      for (int i = 0; i < heat.length; i++) {
        grey[i] = (byte) Math.round(heat[i] * 255f);
      }
      Mat greyMat = scope.add(new Mat(height, width, CvType.CV_8UC1));
      greyMat.put(0, 0, grey);
      byte[] heatmapPng = Images.encodePng(greyMat);
      org.opencv.core.Rect seen = new org.opencv.core.Rect(vx0, vy0, viewW, viewH);
      byte[] overlayPng = opts.withOverlay() ? overlay(original, greyMat, seen, opts, scope) : null;

      List<Region> regions = HotRegions.find(heat, width, height, opts.regionThreshold(), opts.maxRegions());
      return new Rendered(grid, peak, regions, heatmapPng, overlayPng, (System.nanoTime() - start) / 1e6);
    }
  }

  /**
   * Cells needed to cover a fraction of {@code cells}; the small epsilon keeps a product like 0.5 * 8 that comes
   * out as 4.000000000001 from counting a padding cell.
   */
  static int contentCells(double fraction, int cells) {
    int n = (int) Math.ceil(fraction * cells - 1e-9);
    return Math.max(1, Math.min(cells, n));
  }

  /** The raw map at full model-input resolution, cropped to the original's size, padding replaced by edge cells. */
  private static float[] upsample(float[] map, int mapW, int mapH, int gridW, int gridH, int width, int height,
      long fullW, long fullH, MatScope scope) {
    if (fullW * fullH > MAX_UPSAMPLED_PIXELS) {
      throw new IllegalArgumentException("content fraction too small: the full model input would be " + fullW
          + "x" + fullH + " pixels at the original's scale");
    }
    float[] replicated = new float[mapW * mapH];
    for (int y = 0; y < mapH; y++) {
      int sy = Math.min(y, gridH - 1);
      for (int x = 0; x < mapW; x++) {
        replicated[y * mapW + x] = map[sy * mapW + Math.min(x, gridW - 1)];
      }
    }
    Mat cells = scope.add(new Mat(mapH, mapW, CvType.CV_32FC1));
    cells.put(0, 0, replicated);
    Mat full = scope.add(new Mat());
    // Rounding keeps fullW >= width because the fraction is at most 1.
    Imgproc.resize(cells, full, new Size(fullW, fullH), 0, 0, Imgproc.INTER_LINEAR);
    Mat content = scope.add(full.submat(new Range(0, height), new Range(0, width)).clone());
    float[] out = new float[width * height];
    content.get(0, 0, out);
    return out;
  }

  private static byte[] overlay(DecodedImage original, Mat grey, org.opencv.core.Rect seen, RenderOptions opts,
      MatScope scope) {
    Mat colour = scope.add(new Mat());
    Imgproc.applyColorMap(grey, colour, opts.colormapCode());
    Mat blended = scope.add(new Mat());
    Mat image = Images.toMat(original, scope);
    Core.addWeighted(colour, opts.alpha(), image, 1 - opts.alpha(), 0, blended);
    if (seen.width != original.width() || seen.height != original.height()) {
      // outside the part the model saw, the original shows through untinted
      Mat out = scope.add(image.clone());
      Mat part = scope.add(out.submat(seen));
      scope.add(blended.submat(seen)).copyTo(part);
      return Images.encodePng(out);
    }
    return Images.encodePng(blended);
  }

  private static void validate(float[] map, int mapW, int mapH, double fracX, double fracY) {
    if (mapW <= 0 || mapH <= 0 || map.length != (long) mapW * mapH) {
      throw new IllegalArgumentException(
          "map has " + map.length + " values, expected " + mapW + "x" + mapH + " = " + ((long) mapW * mapH));
    }
    if (!(fracX > 0 && fracX <= 1 && fracY > 0 && fracY <= 1)) {
      throw new IllegalArgumentException("content fractions must be in (0,1], got " + fracX + " x " + fracY);
    }
  }
}
