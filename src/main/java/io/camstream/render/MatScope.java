package io.camstream.render;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;

/** Releases the native memory of every matrix it was given, so none waits for a finalizer. */
final class MatScope implements AutoCloseable {

  private final List<Mat> mats = new ArrayList<>();

  <T extends Mat> T add(T mat) {
    mats.add(mat);
    return mat;
  }

  @Override
  public void close() {
    for (Mat m : mats) {
      m.release();
    }
    mats.clear();
  }
}
