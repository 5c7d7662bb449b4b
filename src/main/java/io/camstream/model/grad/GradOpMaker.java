package io.camstream.model.grad;

import io.camstream.model.proto.Framework.OpDesc;

/**
 * Emits the gradient ops of one forward op type. Paddle's grad ops have no attribute checker, so makers copy every
 * forward attribute onto the grad op ({@link GradOps#like}); a missing attribute would abort the JVM.
 */
@FunctionalInterface
public interface GradOpMaker {

  /**
   * Emits ops that read the gradients of {@code op}'s outputs ({@link GradContext#outGrad}) and write the gradient
   * of every input for which {@link GradContext#needs} is true (through {@link GradContext#inGrad}).
   */
  void make(OpDesc op, GradContext ctx);
}
