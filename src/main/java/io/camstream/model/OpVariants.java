package io.camstream.model;

import io.camstream.model.proto.Framework.BlockDesc;
import io.camstream.model.proto.Framework.OpDesc;
import io.camstream.model.proto.Framework.ProgramDesc;
import io.camstream.model.proto.Framework.VarDesc;
import io.camstream.model.proto.Framework.VarType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites op variants that newer Paddle exporters (2.5 to 3.x, legacy program format) write into the form Paddle
 * Inference 2.3.2 runs. Newer exporters leave out the XShape output of reshape-type ops (or leave its slot empty);
 * 2.3.2's reshape2 refuses to run without one ("Operator reshape2's output (XShape) is not set"), so such a model
 * would not even run forward. XShape holds no data ({@code [0, dims of X]}), so adding it changes nothing else.
 */
public final class OpVariants {

  /** Forward ops that Paddle 2.3.2 runs only with an XShape output (checked by running them: OpVariantsIT). */
  static final Set<String> NEED_XSHAPE = Set.of("reshape2", "squeeze2", "unsqueeze2");

  private OpVariants() {}

  /** A model's program graph in runnable form, and whether variants had to be rewritten for it. */
  public record Loaded(ProgramGraph graph, boolean rewritten) {}

  /** Reads a {@code .pdmodel} and rewrites its variants; a file that is not a program fails in one line. */
  public static Loaded load(java.nio.file.Path pdmodel) throws java.io.IOException {
    ProgramDesc read;
    try {
      read = ProgramIO.read(pdmodel);
    } catch (java.io.IOException | RuntimeException e) {
      throw new java.io.IOException("model file " + pdmodel + " is not a Paddle program (" + e.getMessage()
          + "); point files.model at the exported .pdmodel", e);
    }
    ProgramDesc runnable = normalise(read);
    return new Loaded(new ProgramGraph(runnable), runnable != read);
  }

  /** The program with the variants rewritten; the same instance when there was nothing to rewrite. */
  public static ProgramDesc normalise(ProgramDesc program) {
    if (program.getBlocksCount() == 0) {
      return program;
    }
    BlockDesc block = program.getBlocks(0);
    Map<String, VarDesc> vars = new HashMap<>();
    block.getVarsList().forEach(v -> vars.put(v.getName(), v));
    Set<String> added = new HashSet<>();
    BlockDesc.Builder b = block.toBuilder().clearOps();
    boolean changed = false;
    for (OpDesc op : block.getOpsList()) {
      List<String> xs = Ops.args(op, false, "XShape");
      List<String> in = Ops.args(op, true, "X");
      boolean lacks = xs.isEmpty() || xs.get(0).equals(Ops.EMPTY) || !vars.containsKey(xs.get(0));
      if (!NEED_XSHAPE.contains(op.getType()) || !lacks || in.size() != 1 || !vars.containsKey(in.get(0))) {
        b.addOps(op);
        continue;
      }
      String name = in.get(0) + "@camstream_xshape";
      if (added.add(name)) {
        VarDesc x = vars.get(in.get(0));
        VarType.TensorDesc.Builder t = x.getType().getLodTensor().getTensor().toBuilder().clearDims().addDims(0);
        t.addAllDims(x.getType().getLodTensor().getTensor().getDimsList());
        b.addVars(VarDesc.newBuilder().setName(name).setType(x.getType().toBuilder()
            .setLodTensor(x.getType().getLodTensor().toBuilder().setTensor(t))));
      }
      OpDesc.Builder o = op.toBuilder();
      for (int i = o.getOutputsCount() - 1; i >= 0; i--) {
        if (o.getOutputs(i).getParameter().equals("XShape")) {
          o.removeOutputs(i);
        }
      }
      b.addOps(o.addOutputs(Ops.var("XShape", name)));
      changed = true;
    }
    if (!changed) {
      return program;
    }
    ProgramDesc.Builder p = program.toBuilder().setBlocks(0, b);
    return p.build();
  }
}
