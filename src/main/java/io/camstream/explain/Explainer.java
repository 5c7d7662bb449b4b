package io.camstream.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The explain engine as the rest of camstream sees it: thread-safe, backed by a pool of predictors.
 * Implementations validate everything in Java first, because any Paddle error aborts the JVM.
 */
public interface Explainer extends AutoCloseable {

  /** Explains one image; throws with a reason for bad input, never crashes the process. */
  Explanation explain(ExplainInput input) throws ExplainException;

  /**
   * Explains a micro-batch. Each element is either an {@link Explanation} or an {@link ExplainException}, in input
   * order, so one bad image never fails its neighbours. Implementations may run the batch in parallel.
   */
  default List<Object> explainAll(List<ExplainInput> inputs) {
    List<Object> out = new ArrayList<>(inputs.size());
    for (ExplainInput in : inputs) {
      try {
        out.add(explain(in));
      } catch (ExplainException e) {
        out.add(e);
      }
    }
    return out;
  }

  /** The one result of a one-input {@link #explainAll}: its explanation, or its failure thrown. */
  static Explanation single(List<Object> results) throws ExplainException {
    Object r = results.get(0);
    if (r instanceof ExplainException e) {
      throw e;
    }
    return (Explanation) r;
  }

  /**
   * The engine that runs the batches, as review records name it ({@code paddle}, {@code onnxruntime}) when an
   * explanation does not say; null when not known.
   */
  default String engine() {
    return null;
  }

  /**
   * Where an explanation this explainer returned actually ran, when it knows better than the configured device
   * list (an engine worker pool knows the worker that answered); null otherwise.
   */
  default RanOn ranOn(Explanation explanation) {
    return null;
  }

  /** Batches this explainer runs at the same time (its engine worker processes); callers size their drains by it. */
  default int parallelism() {
    return 1;
  }

  /**
   * Whether an input of this (model, layer, method) can run now without building its program on the caller's
   * thread. An explainer that builds programs in the background (an engine worker pool) answers false, and starts
   * the build, until the program is built, or has failed to build (then {@link #explainAll} fails such inputs with
   * the build's reason). Null layer/method mean the model's defaults.
   */
  default boolean programReady(String modelId, String layer, String method) {
    return true;
  }

  /** The device ({@code cpu}, {@code gpu:N}) and engine that produced an explanation. */
  record RanOn(String device, String engine) {}

  /** Model ids this explainer serves, both {@code id} and {@code id@version}. */
  Set<String> modelIds();

  @Override
  void close();
}
