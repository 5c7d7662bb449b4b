package io.camstream.model.grad;

import io.camstream.model.proto.Framework.OpDesc;

/** What a {@link GradOpMaker} may ask of the backward-pass builder. */
public interface GradContext {

  /** Gradient variable of a forward output, summed over all its consumers; null when no gradient reaches it. */
  String outGrad(String forwardVar);

  /** True when the gradient of this forward input is needed (it lies between the target layer and the target). */
  boolean needs(String forwardVar);

  /** Name to write one contribution to the gradient of a forward input; call once per contribution. */
  String inGrad(String forwardVar);

  /** A fresh temporary variable declared like {@code likeVar} (same dtype and dims). */
  String temp(String base, String likeVar);

  /** A fresh temporary FP32 variable with the given dims. */
  String temp(String base, long... dims);

  /** A fresh temporary variable of the given dtype and dims (integer shape tensors, for example). */
  String temp(String base, io.camstream.model.proto.Framework.VarType.Type dtype, long... dims);

  /** True when the variable is declared in the program (an op may name an output the exporter never declared). */
  boolean declared(String var);

  /** Declared dims of a variable of the forward program (-1 where dynamic). */
  long[] dims(String var);

  /** Appends a grad op to the program (op_role is set to backward). */
  void emit(OpDesc op);
}
