package io.camstream.topology.replay;

import java.io.PrintStream;

/** A one-line text progress bar, redrawn in place with a carriage return; at most one redraw per percent. */
final class ProgressBar {

  private static final int WIDTH = 30;
  private final PrintStream out;
  private final long total;
  private int lastPercent = -1;

  ProgressBar(PrintStream out, long total) {
    this.out = out;
    this.total = total;
  }

  void update(long done, String detail) {
    int percent = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
    if (percent == lastPercent) {
      return;
    }
    lastPercent = percent;
    int filled = percent * WIDTH / 100;
    out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + String.format("%3d%%", percent)
        + " " + done + "/" + total + " events " + detail);
    out.flush();
  }

  void finish() {
    out.println();
  }
}
