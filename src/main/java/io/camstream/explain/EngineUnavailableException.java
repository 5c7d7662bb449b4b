package io.camstream.explain;

/**
 * The engine cannot take work right now (its workers are restarting, none came up in time): an infrastructure
 * failure, never the request's fault. Callers keep the requests and retry with backoff; nothing is dead-lettered
 * and no attempt is counted.
 */
public final class EngineUnavailableException extends RuntimeException {

  public EngineUnavailableException(String message) {
    super(message);
  }

  public EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
