package io.camstream.review;

/**
 * A change counter the stream threads bump whenever a review or decision is stored, and that live-update
 * connections wait on. It says only that something changed; clients then re-read the queue.
 */
public final class ReviewFeed {

  private long version;

  /** Records one change and wakes every waiter. */
  public synchronized void changed() {
    version++;
    notifyAll();
  }

  /** The current version. */
  public synchronized long version() {
    return version;
  }

  /**
   * Waits until the version differs from {@code seen} or {@code timeoutMs} passes; returns the version then.
   */
  public synchronized long awaitChange(long seen, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (version == seen) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return version;
  }
}
