package io.camstream.topology.explainer;

import io.camstream.event.InferenceEvent;
import io.camstream.event.ReviewRecord;
import io.camstream.explain.Explanation;
import io.camstream.io.ArtifactStore;
import io.camstream.policy.BoxSelection;
import java.util.List;
import java.util.Map;

/** Builds the review record ({@code topology/schemas/review-record.schema.json}) of an explained request. */
final class ReviewRecords {

  /** The grid in a review record is for analytics and thumbnails; larger maps are area-averaged down to this. */
  static final int MAX_GRID_SIDE = 32;

  private ReviewRecords() {}

  static ReviewRecord build(Request req, Explanation ex, ArtifactStore.Stored overlay, ArtifactStore.Stored heatmap,
      String imageSha256, Map<String, Double> timingsMs, ExplainerInfo info) {
    return build(req, ex, overlay, heatmap, imageSha256, timingsMs, info, null);
  }

  /** The record with per-box results ({@code boxes}, null for none). */
  static ReviewRecord build(Request req, Explanation ex, ArtifactStore.Stored overlay, ArtifactStore.Stored heatmap,
      String imageSha256, Map<String, Double> timingsMs, ExplainerInfo info, List<ReviewRecord.BoxResult> boxes) {
    InferenceEvent e = req.event;
    ReviewRecord.Prediction prediction = e.prediction() == null ? null
        : new ReviewRecord.Prediction(e.prediction().classIndex(), e.prediction().label(),
            e.prediction().confidence());
    // Detections go through as the line wrote them (unknown fields included).
    var detections = e.prediction() == null && e.json().has("detections") ? e.json().get("detections") : null;
    return new ReviewRecord(
        e.eventId(),
        e.lineId(),
        e.cameraId(),
        e.timestamp(),
        new ReviewRecord.Image(e.image().uri(), ex.width(), ex.height()),
        new ReviewRecord.Model(e.model().id(), e.model().version(), ex.model().sha256()),
        prediction,
        detections,
        new ReviewRecord.Selection(req.request.reasons(), req.request.policy()),
        explanation(ex),
        new ReviewRecord.Artifacts(overlay == null ? null : overlay.uri(), heatmap.uri()),
        new ReviewRecord.Hashes(imageSha256, heatmap.sha256()),
        timingsMs,
        new ReviewRecord.ExplainerInfo(info.host(), info.device(), info.version(),
            ex.engine() == null ? info.engine() : ex.engine().name(),
            ex.engine() == null ? null : ex.engine().version()),
        e.attributes(),
        boxes,
        Map.of());
  }

  /** One selected box's result: its target, map summary, share of heat inside the box, and artifacts. */
  static ReviewRecord.BoxResult box(BoxSelection.Selected b, Explanation ex, ArtifactStore.Stored overlay,
      ArtifactStore.Stored heatmap) {
    return new ReviewRecord.BoxResult(b.detection(), b.source().label(), b.source().confidence(), b.box(),
        ex.method(), ex.layer(), new ReviewRecord.Peak(ex.peak().x(), ex.peak().y()), regions(ex),
        Math.round(boxShare(ex.grid(), ex.width(), ex.height(), b.box()) * 1000) / 1000.0,
        new ReviewRecord.Artifacts(overlay == null ? null : overlay.uri(), heatmap.uri()), heatmap.sha256());
  }

  /**
   * Share of the map's mass in the cells whose centre lies inside the box (the grid covers the whole image); 0 for
   * an all-zero map.
   */
  static double boxShare(Explanation.Grid g, int imageWidth, int imageHeight, int[] box) {
    double inside = 0;
    double total = 0;
    for (int y = 0; y < g.height(); y++) {
      double cy = (y + 0.5) * imageHeight / g.height();
      boolean rowIn = cy >= box[1] && cy < box[1] + box[3];
      for (int x = 0; x < g.width(); x++) {
        double v = g.values()[y * g.width() + x];
        total += v;
        double cx = (x + 0.5) * imageWidth / g.width();
        if (rowIn && cx >= box[0] && cx < box[0] + box[2]) {
          inside += v;
        }
      }
    }
    return total > 0 ? Math.min(1, inside / total) : 0;
  }

  private static List<ReviewRecord.Region> regions(Explanation ex) {
    return ex.regions().stream()
        .map(r -> new ReviewRecord.Region(r.x(), r.y(), r.w(), r.h(), Math.round(r.share() * 1000) / 1000.0))
        .toList();
  }

  private static ReviewRecord.Explanation explanation(Explanation ex) {
    Map<String, Object> target = ex.target() == null ? Map.of() : ex.target();
    Integer targetClass = null;
    if (target.get("classIndex") instanceof Number n) {
      targetClass = n.intValue();
    } else if (ex.prediction() != null) {
      targetClass = ex.prediction().classIndex();
    }
    ReviewRecord.ModelPrediction mp = ex.prediction() == null ? null
        : new ReviewRecord.ModelPrediction(ex.prediction().classIndex(), ex.prediction().label(),
            ex.prediction().score());
    List<ReviewRecord.Region> regions = regions(ex);
    return new ReviewRecord.Explanation(ex.method(), ex.layer(), target, targetClass, mp, grid(ex.grid()),
        new ReviewRecord.Peak(ex.peak().x(), ex.peak().y()), regions);
  }

  /** Area-averages the map to at most {@link #MAX_GRID_SIDE} per side and rounds to 3 decimals. */
  static ReviewRecord.Grid grid(Explanation.Grid g) {
    int w = Math.min(g.width(), MAX_GRID_SIDE);
    int h = Math.min(g.height(), MAX_GRID_SIDE);
    float[] values = new float[w * h];
    for (int y = 0; y < h; y++) {
      int y0 = y * g.height() / h;
      int y1 = Math.max(y0 + 1, (y + 1) * g.height() / h);
      for (int x = 0; x < w; x++) {
        int x0 = x * g.width() / w;
        int x1 = Math.max(x0 + 1, (x + 1) * g.width() / w);
        double sum = 0;
        for (int yy = y0; yy < y1; yy++) {
          for (int xx = x0; xx < x1; xx++) {
            sum += g.values()[yy * g.width() + xx];
          }
        }
        values[y * w + x] = (float) (Math.round(sum / ((y1 - y0) * (x1 - x0)) * 1000) / 1000.0);
      }
    }
    return new ReviewRecord.Grid(w, h, values);
  }
}
