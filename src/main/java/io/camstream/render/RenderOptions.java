package io.camstream.render;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.opencv.imgproc.Imgproc;

/**
 * How a map is rendered.
 *
 * @param colormap OpenCV colour map name for the overlay, e.g. {@code jet}, {@code turbo}, {@code inferno},
 *     {@code viridis} (see {@link #colormaps()}); case-insensitive
 * @param alpha weight of the colour-mapped heat in the overlay blend, in [0,1]; the original gets {@code 1 - alpha}
 * @param regionThreshold normalised heat a pixel must exceed to belong to a hot region, in [0,1)
 * @param maxRegions most hot regions reported, at least 0
 * @param withOverlay false renders no overlay, so no raw pixels leave the renderer (privacy: heatmap only)
 */
public record RenderOptions(String colormap, double alpha, double regionThreshold, int maxRegions,
    boolean withOverlay) {

  private static final Map<String, Integer> COLORMAPS = colormapTable();

  public RenderOptions {
    String name = colormap == null ? "" : colormap.trim().toLowerCase(Locale.ROOT);
    if (!COLORMAPS.containsKey(name)) {
      throw new IllegalArgumentException("unknown colormap '" + colormap + "'; known: " + COLORMAPS.keySet());
    }
    colormap = name;
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("overlay alpha must be in [0,1], got " + alpha);
    }
    if (!(regionThreshold >= 0 && regionThreshold < 1)) {
      throw new IllegalArgumentException("region threshold must be in [0,1), got " + regionThreshold);
    }
    if (maxRegions < 0) {
      throw new IllegalArgumentException("max regions must be at least 0, got " + maxRegions);
    }
  }

  /** JET, alpha 0.5, regions above 0.5, at most 10 of them, overlay on. */
  public static RenderOptions defaults() {
    return new RenderOptions("jet", 0.5, 0.5, 10, true);
  }

  /** The same options without an overlay. */
  public RenderOptions withoutOverlay() {
    return new RenderOptions(colormap, alpha, regionThreshold, maxRegions, false);
  }

  /** Accepted colour map names. */
  public static Set<String> colormaps() {
    return COLORMAPS.keySet();
  }

  int colormapCode() {
    return COLORMAPS.get(colormap);
  }

  private static Map<String, Integer> colormapTable() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("jet", Imgproc.COLORMAP_JET);
    m.put("turbo", Imgproc.COLORMAP_TURBO);
    m.put("inferno", Imgproc.COLORMAP_INFERNO);
    m.put("viridis", Imgproc.COLORMAP_VIRIDIS);
    m.put("magma", Imgproc.COLORMAP_MAGMA);
    m.put("plasma", Imgproc.COLORMAP_PLASMA);
    m.put("cividis", Imgproc.COLORMAP_CIVIDIS);
    m.put("parula", Imgproc.COLORMAP_PARULA);
    m.put("hot", Imgproc.COLORMAP_HOT);
    m.put("rainbow", Imgproc.COLORMAP_RAINBOW);
    m.put("hsv", Imgproc.COLORMAP_HSV);
    m.put("bone", Imgproc.COLORMAP_BONE);
    m.put("ocean", Imgproc.COLORMAP_OCEAN);
    m.put("cool", Imgproc.COLORMAP_COOL);
    m.put("autumn", Imgproc.COLORMAP_AUTUMN);
    m.put("spring", Imgproc.COLORMAP_SPRING);
    m.put("summer", Imgproc.COLORMAP_SUMMER);
    m.put("winter", Imgproc.COLORMAP_WINTER);
    m.put("pink", Imgproc.COLORMAP_PINK);
    m.put("twilight", Imgproc.COLORMAP_TWILIGHT);
    m.put("twilight_shifted", Imgproc.COLORMAP_TWILIGHT_SHIFTED);
    m.put("deepgreen", Imgproc.COLORMAP_DEEPGREEN);
    return Collections.unmodifiableMap(m);
  }
}
