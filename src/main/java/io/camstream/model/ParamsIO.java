package io.camstream.model;

import io.camstream.io.AtomicFiles;
import io.camstream.model.proto.Framework.BlockDesc;
import io.camstream.model.proto.Framework.ProgramDesc;
import io.camstream.model.proto.Framework.VarDesc;
import io.camstream.model.proto.Framework.VarType;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes combined {@code .pdiparams} files (Paddle's {@code save_combine} format): the persistable
 * variables of block 0 except feed/fetch, sorted by name, each as
 * {@code u32 version, u64 lod_level, u32 tensor version, i32 desc length, TensorDesc, raw little-endian data}.
 */
public final class ParamsIO {

  private ParamsIO() {}

  /** Names of the variables a combined params file holds for this program, in file order. */
  public static List<String> paramNames(ProgramDesc program) {
    BlockDesc block = program.getBlocks(0);
    List<String> names = new ArrayList<>();
    for (VarDesc v : block.getVarsList()) {
      VarType.Type t = v.getType().getType();
      if (v.getPersistable() && t != VarType.Type.FEED_MINIBATCH && t != VarType.Type.FETCH_LIST) {
        names.add(v.getName());
      }
    }
    names.sort(null);
    return names;
  }

  public static Map<String, Tensor> read(Path pdiparams, ProgramDesc program) throws IOException {
    List<String> names = paramNames(program);
    Map<String, Tensor> out = new LinkedHashMap<>();
    long size = Files.size(pdiparams);
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(pdiparams)))) {
      for (String name : names) {
        out.put(name, readOne(in, name, pdiparams));
      }
      if (in.read() != -1) {
        throw new IOException(pdiparams + ": trailing bytes after " + names.size() + " tensors (file " + size
            + " bytes); the params file does not belong to this program");
      }
    }
    return out;
  }

  private static Tensor readOne(DataInputStream in, String name, Path file) throws IOException {
    try {
      readIntLE(in); // LoDTensor version
      long lodLevel = readLongLE(in);
      for (long i = 0; i < lodLevel; i++) {
        long bytes = readLongLE(in);
        in.skipNBytes(bytes);
      }
      readIntLE(in); // Tensor version
      int descLen = readIntLE(in);
      VarType.TensorDesc desc = VarType.TensorDesc.parseFrom(in.readNBytes(descLen));
      if (desc.getDataType() != VarType.Type.FP32) {
        throw new IOException(file + ": tensor " + name + " has type " + desc.getDataType() + "; only FP32 is supported");
      }
      long[] dims = desc.getDimsList().stream().mapToLong(Long::longValue).toArray();
      long n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
      byte[] raw = in.readNBytes(Math.toIntExact(n * 4));
      if (raw.length != n * 4) {
        throw new IOException(file + ": truncated at tensor " + name);
      }
      float[] data = new float[(int) n];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      return new Tensor(name, dims, data);
    } catch (java.io.EOFException e) {
      throw new IOException(file + ": ends before tensor " + name + "; the params file does not belong to this program", e);
    }
  }

  /** Writes tensors in name order, which is the order Paddle's load_combine expects. */
  public static void write(Path pdiparams, Collection<Tensor> tensors) throws IOException {
    List<Tensor> sorted = new ArrayList<>(tensors);
    sorted.sort((a, b) -> a.name().compareTo(b.name()));
    AtomicFiles.write(pdiparams, raw -> {
      OutputStream out = new BufferedOutputStream(raw, 1 << 16);
      for (Tensor t : sorted) {
        writeOne(out, t);
      }
      out.flush();
    });
  }

  private static void writeOne(OutputStream out, Tensor t) throws IOException {
    VarType.TensorDesc.Builder desc = VarType.TensorDesc.newBuilder().setDataType(VarType.Type.FP32);
    for (long d : t.dims()) {
      desc.addDims(d);
    }
    byte[] descBytes = desc.build().toByteArray();
    ByteBuffer head = ByteBuffer.allocate(4 + 8 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
    head.putInt(0).putLong(0).putInt(0).putInt(descBytes.length);
    out.write(head.array());
    out.write(descBytes);
    ByteBuffer data = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(t.data());
    out.write(data.array());
  }

  private static int readIntLE(InputStream in) throws IOException {
    byte[] b = in.readNBytes(4);
    if (b.length < 4) {
      throw new java.io.EOFException();
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static long readLongLE(InputStream in) throws IOException {
    byte[] b = in.readNBytes(8);
    if (b.length < 8) {
      throw new java.io.EOFException();
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
