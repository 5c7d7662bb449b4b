package io.camstream.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Predictor slots spread over the configured devices. A caller borrows a worker for one batch; the worker keeps
 * one native predictor clone per program, so no predictor is ever used by two threads at once.
 */
final class WorkerPool implements AutoCloseable {

  /** One slot: a device and the sessions it has opened so far. Used by one thread at a time. */
  static final class Worker {
    final int id;
    final String device;
    private final Map<String, Backend.Session> sessions = new HashMap<>();

    Worker(int id, String device) {
      this.id = id;
      this.device = device;
    }

    Backend.Session session(String programKey, Backend model) {
      return sessions.computeIfAbsent(programKey, k -> model.newSession());
    }

    void close() {
      sessions.values().forEach(Backend.Session::close);
      sessions.clear();
    }
  }

  private final BlockingQueue<Worker> idle;
  private final int size;

  WorkerPool(EngineOptions options) {
    size = options.devices().size() * options.poolSizePerDevice();
    idle = new ArrayBlockingQueue<>(size);
    int id = 0;
    for (int i = 0; i < options.poolSizePerDevice(); i++) {
      for (String d : options.devices()) {
        idle.add(new Worker(id++, d));
      }
    }
  }

  int size() {
    return size;
  }

  /** Batches waiting for a free predictor right now. */
  int busy() {
    return size - idle.size();
  }

  Worker borrow() throws InterruptedException {
    return idle.take();
  }

  void giveBack(Worker w) {
    idle.add(w);
  }

  @Override
  public void close() {
    Worker w;
    while ((w = idle.poll()) != null) {
      w.close();
    }
  }
}
