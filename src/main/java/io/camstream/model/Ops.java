package io.camstream.model;

import io.camstream.model.proto.Framework.AttrType;
import io.camstream.model.proto.Framework.OpDesc;
import java.util.ArrayList;
import java.util.List;

/** Small accessors and builders for {@link OpDesc}, so makers read like the ops they describe. */
public final class Ops {

  /** Paddle's name for "no variable" in a positional output list. */
  public static final String EMPTY = "@EMPTY@";

  private Ops() {}

  public static List<String> args(OpDesc op, boolean input, String slot) {
    for (OpDesc.Var v : input ? op.getInputsList() : op.getOutputsList()) {
      if (v.getParameter().equals(slot)) {
        return v.getArgumentsList();
      }
    }
    return List.of();
  }

  public static String single(OpDesc op, boolean input, String slot) {
    List<String> a = args(op, input, slot);
    if (a.size() != 1) {
      throw new IllegalArgumentException(
          op.getType() + ": expected one " + (input ? "input" : "output") + " in slot " + slot + ", found " + a);
    }
    return a.get(0);
  }

  public static String in(OpDesc op, String slot) {
    return single(op, true, slot);
  }

  public static String out(OpDesc op, String slot) {
    return single(op, false, slot);
  }

  public static List<String> allInputs(OpDesc op) {
    List<String> out = new ArrayList<>();
    op.getInputsList().forEach(v -> out.addAll(v.getArgumentsList()));
    return out;
  }

  public static List<String> allOutputs(OpDesc op) {
    List<String> out = new ArrayList<>();
    op.getOutputsList().forEach(v -> out.addAll(v.getArgumentsList()));
    return out;
  }

  public static OpDesc.Attr attr(OpDesc op, String name) {
    for (OpDesc.Attr a : op.getAttrsList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  public static int intAttr(OpDesc op, String name, int dflt) {
    OpDesc.Attr a = attr(op, name);
    return a == null ? dflt : a.getI();
  }

  /** An integer-list attribute written as INTS or (newer exporters) LONGS; null when absent. */
  public static int[] intsAttr(OpDesc op, String name) {
    OpDesc.Attr a = attr(op, name);
    if (a == null) {
      return null;
    }
    return a.getLongsCount() > 0 && a.getIntsCount() == 0
        ? a.getLongsList().stream().mapToInt(Long::intValue).toArray()
        : a.getIntsList().stream().mapToInt(Integer::intValue).toArray();
  }

  public static float floatAttr(OpDesc op, String name, float dflt) {
    OpDesc.Attr a = attr(op, name);
    return a == null ? dflt : a.getF();
  }

  public static String stringAttr(OpDesc op, String name, String dflt) {
    OpDesc.Attr a = attr(op, name);
    return a == null ? dflt : a.getS();
  }

  public static OpDesc.Var var(String slot, String... args) {
    return OpDesc.Var.newBuilder().setParameter(slot).addAllArguments(List.of(args)).build();
  }

  public static OpDesc.Var var(String slot, List<String> args) {
    return OpDesc.Var.newBuilder().setParameter(slot).addAllArguments(args).build();
  }

  public static OpDesc.Attr intA(String name, int v) {
    return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.INT).setI(v).build();
  }

  public static OpDesc.Attr longA(String name, long v) {
    return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.LONG).setL(v).build();
  }

  public static OpDesc.Attr floatA(String name, float v) {
    return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.FLOAT).setF(v).build();
  }

  public static OpDesc.Attr boolA(String name, boolean v) {
    return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.BOOLEAN).setB(v).build();
  }

  public static OpDesc.Attr stringA(String name, String v) {
    return OpDesc.Attr.newBuilder().setName(name).setType(AttrType.STRING).setS(v).build();
  }

  public static OpDesc.Attr intsA(String name, int... v) {
    OpDesc.Attr.Builder b = OpDesc.Attr.newBuilder().setName(name).setType(AttrType.INTS);
    for (int i : v) {
      b.addInts(i);
    }
    return b.build();
  }

  /** A feed op for column {@code col}. */
  public static OpDesc feed(String var, int col) {
    return OpDesc.newBuilder().setType("feed").addInputs(var("X", "feed")).addOutputs(var("Out", var))
        .addAttrs(intA("col", col)).build();
  }

  /** A fetch op for column {@code col}. */
  public static OpDesc fetch(String var, int col) {
    return OpDesc.newBuilder().setType("fetch").addInputs(var("X", var)).addOutputs(var("Out", "fetch"))
        .addAttrs(intA("col", col)).build();
  }
}
