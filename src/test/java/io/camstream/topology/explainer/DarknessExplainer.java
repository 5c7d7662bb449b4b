package io.camstream.topology.explainer;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import io.camstream.explain.ExplainInput;
import io.camstream.explain.Explainer;
import io.camstream.explain.Explanation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * TEST DOUBLE for the explain engine, until {@code io.camstream.engine.PaddleExplainer} is wired in (see
 * {@link TestEngines}). It computes a real, deterministic map from the decoded pixels (mean darkness per cell of an
 * 8x8 grid, min-max normalised), so the streaming code is exercised with genuine per-image outputs: different
 * images give different heatmaps and hashes, and undecodable bytes fail like the engine does. It is not Grad-CAM.
 */
public final class DarknessExplainer implements Explainer {

  static final int GRID = 8;
  private static final Map<String, String> MODELS = Map.of("ocr-textline-cls", "2.0", "ocr-db-det", "3.0");

  /** Batch sizes seen by {@link #explainAll}, for batching assertions. */
  public final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

  @Override
  public List<Object> explainAll(List<ExplainInput> inputs) {
    batchSizes.add(inputs.size());
    return Explainer.super.explainAll(inputs);
  }

  private final long delayMs;

  public DarknessExplainer() {
    this(0);
  }

  /** {@code delayMs} per image makes batches slow, as a real engine's are (crash and bench tests). */
  public DarknessExplainer(long delayMs) {
    this.delayMs = delayMs;
  }

  @Override
  public Explanation explain(ExplainInput in) throws ExplainException {
    if (delayMs > 0) {
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExplainException(Reason.ENGINE_FAILED, "interrupted");
      }
    }
    String[] idv = in.modelId().split("@", 2);
    String version = MODELS.get(idv[0]);
    if (version == null || (idv.length == 2 && !idv[1].equals(version))) {
      throw new ExplainException(Reason.UNKNOWN_MODEL, "no model " + in.modelId());
    }
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(in.imageBytes()));
    } catch (IOException e) {
      img = null;
    }
    if (img == null) {
      throw new ExplainException(Reason.IMAGE_UNDECODABLE, "cannot decode " + in.imageName());
    }
    int w = img.getWidth();
    int h = img.getHeight();
    double[] cells = new double[GRID * GRID];
    int[] counts = new int[GRID * GRID];
    double left = 0;
    double all = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        double luma = (0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255)) / 255.0;
        double dark = 1 - luma;
        int c = (y * GRID / h) * GRID + (x * GRID / w);
        cells[c] += dark;
        counts[c]++;
        all += dark;
        if (x < w / 2) {
          left += dark;
        }
      }
    }
    float[] values = new float[GRID * GRID];
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (int i = 0; i < cells.length; i++) {
      cells[i] = counts[i] == 0 ? 0 : cells[i] / counts[i];
      min = Math.min(min, cells[i]);
      max = Math.max(max, cells[i]);
    }
    int best = 0;
    for (int i = 0; i < cells.length; i++) {
      values[i] = max > min ? (float) ((cells[i] - min) / (max - min)) : 0f;
      if (values[i] > values[best]) {
        best = i;
      }
    }
    int bx = best % GRID;
    int by = best / GRID;
    int x0 = bx * w / GRID;
    int y0 = by * h / GRID;
    int x1 = (bx + 1) * w / GRID;
    int y1 = (by + 1) * h / GRID;
    double share = all > 0 ? cells[best] * counts[best] / all : 0;
    boolean dense = idv[0].equals("ocr-db-det");
    Explanation.Prediction prediction = null;
    Map<String, Object> target;
    if (dense) {
      target = Map.of("kind", "threshold", "threshold", 0.3);
    } else {
      double score = all > 0 ? left / all : 0.5;
      int cls = score >= 0.5 ? 0 : 1;
      prediction = new Explanation.Prediction(cls, cls == 0 ? "0" : "180", cls == 0 ? score : 1 - score,
          new float[] {(float) score, (float) (1 - score)});
      target = Map.of("kind", "class", "classIndex", in.classIndex() != null ? in.classIndex() : cls);
    }
    BufferedImage heat = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage overlay = in.withOverlay() ? new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB) : null;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = Math.round(values[(y * GRID / h) * GRID + (x * GRID / w)] * 255);
        heat.getRaster().setSample(x, y, 0, v);
        if (overlay != null) {
          int rgb = img.getRGB(x, y);
          int r = (((rgb >> 16) & 255) + v) / 2;
          overlay.setRGB(x, y, (r << 16) | (((rgb >> 8) & 255) / 2 << 8) | ((rgb & 255) / 2));
        }
      }
    }
    return new Explanation(w, h, new Explanation.ModelRef(idv[0], version, "0".repeat(64)),
        in.method() != null ? in.method() : "darkness", in.layer() != null ? in.layer() : "pixels", prediction,
        target, new Explanation.Grid(GRID, GRID, values), new Explanation.Peak((x0 + x1) / 2, (y0 + y1) / 2),
        List.of(new Explanation.Region(x0, y0, x1 - x0, y1 - y0, share)), Map.of("engine", 0.0),
        png(heat), overlay == null ? null : png(overlay));
  }

  private static byte[] png(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public Set<String> modelIds() {
    return Set.of("ocr-textline-cls", "ocr-textline-cls@2.0", "ocr-db-det", "ocr-db-det@3.0");
  }

  @Override
  public void close() {}
}
