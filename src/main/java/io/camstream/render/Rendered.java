package io.camstream.render;

import io.camstream.explain.Explanation.Grid;
import io.camstream.explain.Explanation.Peak;
import io.camstream.explain.Explanation.Region;
import java.util.List;

/**
 * A rendered map.
 *
 * @param grid the map cells that cover the image (padding cropped away), min-max normalised to [0,1]
 * @param peak hottest pixel of the heatmap in original image pixels, first in row-major order on ties
 * @param regions hot regions in original image pixels, largest share of the heat mass first
 * @param heatmapPng 8-bit grey PNG exactly the original size, 255 = hottest
 * @param overlayPng colour-mapped heat blended on the original (PNG), or null when the overlay was switched off
 * @param renderMs wall time of the render in milliseconds
 */
public record Rendered(Grid grid, Peak peak, List<Region> regions, byte[] heatmapPng, byte[] overlayPng,
    double renderMs) {}
