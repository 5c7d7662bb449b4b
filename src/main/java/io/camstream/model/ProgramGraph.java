package io.camstream.model;

import io.camstream.model.proto.Framework.BlockDesc;
import io.camstream.model.proto.Framework.OpDesc;
import io.camstream.model.proto.Framework.ProgramDesc;
import io.camstream.model.proto.Framework.VarDesc;
import io.camstream.model.proto.Framework.VarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Read-only view of block 0 of an inference program: variables, feed/fetch lists, and which op produces and which
 * ops consume each variable. Everything the explain builder decides is decided here, in Java, before any native
 * call.
 */
public final class ProgramGraph {

  private final ProgramDesc program;
  private final Map<String, VarDesc> vars = new HashMap<>();
  private final List<OpDesc> ops = new ArrayList<>();
  private final List<String> feeds;
  private final List<String> fetches;
  private final Map<String, Integer> producer = new HashMap<>();
  private final Map<String, List<Integer>> consumers = new HashMap<>();

  public ProgramGraph(ProgramDesc program) {
    if (program.getBlocksCount() == 0) {
      throw new IllegalArgumentException("program has no blocks");
    }
    this.program = program;
    BlockDesc block = program.getBlocks(0);
    for (VarDesc v : block.getVarsList()) {
      vars.put(v.getName(), v);
    }
    Map<Integer, String> feedCols = new TreeMap<>();
    Map<Integer, String> fetchCols = new TreeMap<>();
    for (OpDesc op : block.getOpsList()) {
      switch (op.getType()) {
        case "feed" -> feedCols.put(Ops.intAttr(op, "col", 0), Ops.single(op, false, "Out"));
        case "fetch" -> fetchCols.put(Ops.intAttr(op, "col", 0), Ops.single(op, true, "X"));
        default -> {
          int idx = ops.size();
          ops.add(op);
          for (String in : Ops.allInputs(op)) {
            consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(idx);
          }
          for (String out : Ops.allOutputs(op)) {
            // persistable outputs are in-place running statistics (batch_norm MeanOut): not data flow
            if (!isPersistable(out)) {
              producer.put(out, idx);
            }
          }
        }
      }
    }
    feeds = List.copyOf(feedCols.values());
    fetches = List.copyOf(fetchCols.values());
  }

  public ProgramDesc program() {
    return program;
  }

  /** Forward ops in program order, without feed and fetch ops. */
  public List<OpDesc> ops() {
    return ops;
  }

  public List<String> feeds() {
    return feeds;
  }

  public List<String> fetches() {
    return fetches;
  }

  public boolean hasVar(String name) {
    return vars.containsKey(name);
  }

  public VarDesc var(String name) {
    VarDesc v = vars.get(name);
    if (v == null) {
      throw new IllegalArgumentException("variable '" + name + "' is not declared in the program");
    }
    return v;
  }

  public boolean isPersistable(String name) {
    VarDesc v = vars.get(name);
    return v != null && v.getPersistable();
  }

  /** True for FP32 dense tensors: the only variables gradients flow through. */
  public boolean isFloatTensor(String name) {
    VarDesc v = vars.get(name);
    return v != null
        && v.getType().getType() == VarType.Type.LOD_TENSOR
        && v.getType().getLodTensor().getTensor().getDataType() == VarType.Type.FP32;
  }

  /** Declared dims (-1 for dynamic). */
  public long[] dims(String name) {
    return var(name).getType().getLodTensor().getTensor().getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** Index into {@link #ops()} of the op producing a variable, or -1 (feeds, parameters). */
  public int producerOf(String name) {
    return producer.getOrDefault(name, -1);
  }

  public List<Integer> consumersOf(String name) {
    return consumers.getOrDefault(name, List.of());
  }

  /** Float non-persistable variables that depend on {@code root} (including it), following op order. */
  public Set<String> descendants(String root) {
    Set<String> out = new HashSet<>();
    out.add(root);
    for (OpDesc op : ops) {
      boolean touched = false;
      for (String in : Ops.allInputs(op)) {
        if (out.contains(in)) {
          touched = true;
          break;
        }
      }
      if (touched) {
        for (String o : Ops.allOutputs(op)) {
          if (isFloatTensor(o) && !isPersistable(o)) {
            out.add(o);
          }
        }
      }
    }
    return out;
  }

  /** Float non-persistable variables that {@code target} depends on (including it). */
  public Set<String> ancestors(String target) {
    Set<String> need = new HashSet<>();
    need.add(target);
    for (int i = ops.size() - 1; i >= 0; i--) {
      OpDesc op = ops.get(i);
      boolean produces = false;
      for (String o : Ops.allOutputs(op)) {
        if (need.contains(o)) {
          produces = true;
          break;
        }
      }
      if (produces) {
        for (String in : Ops.allInputs(op)) {
          if (isFloatTensor(in) && !isPersistable(in)) {
            need.add(in);
          }
        }
      }
    }
    return need;
  }

  /**
   * Every 4-D float activation between the feed and {@code output}, in program order, with its producing op.
   */
  public List<Activation> activations4d(String output) {
    Set<String> need = ancestors(output);
    Set<String> fromFeed = new HashSet<>();
    for (String f : feeds) {
      fromFeed.addAll(descendants(f));
    }
    List<Activation> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (OpDesc op : ops) {
      for (String o : Ops.allOutputs(op)) {
        if (need.contains(o) && fromFeed.contains(o) && isFloatTensor(o) && !isPersistable(o)
            && dims(o).length == 4 && seen.add(o) && producerOf(o) >= 0 && ops.get(producerOf(o)) == op) {
          out.add(new Activation(o, op.getType(), dims(o)));
        }
      }
    }
    return out;
  }

  /** A 4-D activation and the op type that makes it. */
  public record Activation(String name, String opType, long[] declaredDims) {}
}
