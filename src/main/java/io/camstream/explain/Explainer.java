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

  /** Model ids this explainer serves, both {@code id} and {@code id@version}. */
  Set<String> modelIds();

  @Override
  void close();
}
