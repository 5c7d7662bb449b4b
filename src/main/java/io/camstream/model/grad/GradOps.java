package io.camstream.model.grad;

import io.camstream.model.Ops;
import io.camstream.model.proto.Framework.OpDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Helpers shared by makers. */
final class GradOps {

  /** Attributes that describe provenance, not computation: dropped, so cached programs stay small. */
  private static final Set<String> DROPPED = Set.of("op_callstack", "op_role", "op_role_var", "op_namescope");

  private GradOps() {}

  /** A builder of type {@code type} carrying all the forward op's attributes. */
  static OpDesc.Builder like(OpDesc forward, String type) {
    OpDesc.Builder b = OpDesc.newBuilder().setType(type);
    for (OpDesc.Attr a : forward.getAttrsList()) {
      if (!DROPPED.contains(a.getName())) {
        b.addAttrs(a);
      }
    }
    return b;
  }

  static OpDesc.Builder like(OpDesc forward, String type, OpDesc.Attr... overrides) {
    OpDesc.Builder b = like(forward, type);
    for (OpDesc.Attr o : overrides) {
      for (int i = 0; i < b.getAttrsCount(); i++) {
        if (b.getAttrs(i).getName().equals(o.getName())) {
          b.removeAttrs(i);
          break;
        }
      }
      b.addAttrs(o);
    }
    return b;
  }

  /** Adds {@code slot@GRAD} output for an input slot if it needs a gradient. */
  static void gradOutput(OpDesc.Builder b, OpDesc forward, String slot, GradContext ctx) {
    List<String> ins = Ops.args(forward, true, slot);
    if (ins.size() == 1 && ctx.needs(ins.get(0))) {
      b.addOutputs(Ops.var(slot + "@GRAD", ctx.inGrad(ins.get(0))));
    }
  }

  /** Copies forward input slots verbatim onto the grad op. */
  static void copyInputs(OpDesc.Builder b, OpDesc forward, String... slots) {
    for (String s : slots) {
      List<String> a = Ops.args(forward, true, s);
      if (!a.isEmpty()) {
        b.addInputs(Ops.var(s, a));
      }
    }
  }

  /** Positional gradient outputs for a list slot, {@link Ops#EMPTY} where no gradient is needed. */
  static List<String> gradList(List<String> forwardArgs, GradContext ctx) {
    List<String> out = new ArrayList<>();
    for (String a : forwardArgs) {
      out.add(ctx.needs(a) ? ctx.inGrad(a) : Ops.EMPTY);
    }
    return out;
  }

  /** {@code out = scale * x} as a forward {@code scale} op. */
  static OpDesc scale(String x, String out, float scale) {
    return OpDesc.newBuilder().setType("scale")
        .addInputs(Ops.var("X", x)).addOutputs(Ops.var("Out", out))
        .addAttrs(Ops.floatA("scale", scale)).addAttrs(Ops.floatA("bias", 0f))
        .addAttrs(Ops.boolA("bias_after_scale", true)).build();
  }
}
