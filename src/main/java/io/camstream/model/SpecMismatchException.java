package io.camstream.model;

/**
 * A model spec that does not fit its program: a named variable is missing or has the wrong shape. The message
 * names the spec key and what to set instead.
 */
public class SpecMismatchException extends IllegalArgumentException {

  public SpecMismatchException(String message) {
    super(message);
  }
}
