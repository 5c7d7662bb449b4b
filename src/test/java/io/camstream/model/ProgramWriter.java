package io.camstream.model;

import io.camstream.model.proto.Framework.AttrType;
import io.camstream.model.proto.Framework.BlockDesc;
import io.camstream.model.proto.Framework.OpDesc;
import io.camstream.model.proto.Framework.ProgramDesc;
import io.camstream.model.proto.Framework.VarDesc;
import io.camstream.model.proto.Framework.VarType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes small Paddle programs from tests, with the project's own {@link ProgramIO} and {@link ParamsIO}. */
public final class ProgramWriter {

  private final Map<String, VarDesc> vars = new LinkedHashMap<>();
  private final List<OpDesc> ops = new ArrayList<>();
  private final List<Tensor> params = new ArrayList<>();
  private final List<String> feeds = new ArrayList<>();
  private final List<String> fetches = new ArrayList<>();

  public ProgramWriter var(String name, long... dims) {
    return var(name, VarType.Type.FP32, false, dims);
  }

  public ProgramWriter var(String name, VarType.Type dtype, boolean persistable, long... dims) {
    VarType.TensorDesc.Builder t = VarType.TensorDesc.newBuilder().setDataType(dtype);
    for (long d : dims) {
      t.addDims(d);
    }
    vars.put(name, VarDesc.newBuilder().setName(name).setPersistable(persistable)
        .setType(VarType.newBuilder().setType(VarType.Type.LOD_TENSOR)
            .setLodTensor(VarType.LoDTensorDesc.newBuilder().setTensor(t))).build());
    return this;
  }

  public ProgramWriter param(String name, long[] dims, float[] data) {
    var(name, VarType.Type.FP32, true, dims);
    params.add(new Tensor(name, dims, data));
    return this;
  }

  public ProgramWriter feed(String name, long... dims) {
    var(name, dims);
    vars.put(name, vars.get(name).toBuilder().setNeedCheckFeed(true).build());
    feeds.add(name);
    return this;
  }

  public ProgramWriter fetch(String name) {
    fetches.add(name);
    return this;
  }

  /** Starts an op; finish with {@link Op#add()}. */
  public Op op(String type) {
    return new Op(type);
  }

  /** One op under construction. */
  public final class Op {
    private final OpDesc.Builder b;

    Op(String type) {
      b = OpDesc.newBuilder().setType(type);
    }

    public Op in(String slot, String... args) {
      b.addInputs(Ops.var(slot, args));
      return this;
    }

    public Op out(String slot, String... args) {
      b.addOutputs(Ops.var(slot, args));
      return this;
    }

    public Op i(String name, int v) {
      b.addAttrs(Ops.intA(name, v));
      return this;
    }

    public Op f(String name, float v) {
      b.addAttrs(Ops.floatA(name, v));
      return this;
    }

    public Op s(String name, String v) {
      b.addAttrs(Ops.stringA(name, v));
      return this;
    }

    public Op b(String name, boolean v) {
      b.addAttrs(Ops.boolA(name, v));
      return this;
    }

    public Op ints(String name, int... v) {
      b.addAttrs(Ops.intsA(name, v));
      return this;
    }

    public Op longs(String name, long... v) {
      OpDesc.Attr.Builder a = OpDesc.Attr.newBuilder().setName(name).setType(AttrType.LONGS);
      for (long x : v) {
        a.addLongs(x);
      }
      b.addAttrs(a);
      return this;
    }

    public Op floats(String name, float... v) {
      OpDesc.Attr.Builder a = OpDesc.Attr.newBuilder().setName(name).setType(AttrType.FLOATS);
      for (float x : v) {
        a.addFloats(x);
      }
      b.addAttrs(a);
      return this;
    }

    public ProgramWriter add() {
      ops.add(b.build());
      return ProgramWriter.this;
    }
  }

  public ProgramDesc program() {
    BlockDesc.Builder block = BlockDesc.newBuilder().setIdx(0).setParentIdx(-1);
    block.addVars(VarDesc.newBuilder().setName("feed").setPersistable(true)
        .setType(VarType.newBuilder().setType(VarType.Type.FEED_MINIBATCH)));
    block.addVars(VarDesc.newBuilder().setName("fetch").setPersistable(true)
        .setType(VarType.newBuilder().setType(VarType.Type.FETCH_LIST)));
    vars.values().forEach(block::addVars);
    for (int i = 0; i < feeds.size(); i++) {
      block.addOps(Ops.feed(feeds.get(i), i));
    }
    ops.forEach(block::addOps);
    for (int i = 0; i < fetches.size(); i++) {
      block.addOps(Ops.fetch(fetches.get(i), i));
    }
    return ProgramDesc.newBuilder().addBlocks(block).build();
  }

  /** Writes {@code inference.pdmodel} and {@code inference.pdiparams} into {@code dir}. */
  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ProgramIO.write(program(), dir.resolve("inference.pdmodel"));
    ParamsIO.write(dir.resolve("inference.pdiparams"), params);
    return dir;
  }

  /** Deterministic values in [-scale, scale]. */
  public static float[] random(int n, long seed, float scale) {
    java.util.Random r = new java.util.Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (r.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }
}
