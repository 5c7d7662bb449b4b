package io.camstream.model.onnx;

import com.google.protobuf.ByteString;
import io.camstream.model.onnx.proto.Onnx.AttributeProto;
import io.camstream.model.onnx.proto.Onnx.GraphProto;
import io.camstream.model.onnx.proto.Onnx.NodeProto;
import io.camstream.model.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph under construction: nodes in order, initializers, and single-assignment names. Paddle programs may
 * write a variable twice (in-place ops); each write gets a fresh ONNX name and {@link #use} returns the latest.
 */
final class OnnxGraph {

  static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  static final int INT64 = TensorProto.DataType.INT64_VALUE;
  static final int INT32 = TensorProto.DataType.INT32_VALUE;
  static final int BOOL = TensorProto.DataType.BOOL_VALUE;

  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("camstream");
  private final Map<String, String> current = new HashMap<>();
  private final Set<String> defined = new HashSet<>();
  private final Map<String, Integer> types = new HashMap<>();
  private int counter;

  GraphProto.Builder proto() {
    return graph;
  }

  /** Marks a name as defined from outside the node list (graph input or initializer). */
  void defineExternal(String name, int elemType) {
    defined.add(name);
    current.put(name, name);
    types.put(name, elemType);
  }

  boolean isDefined(String paddleName) {
    return current.containsKey(paddleName);
  }

  /** The ONNX name currently holding a Paddle variable. */
  String use(String paddleName) {
    String n = current.get(paddleName);
    if (n == null) {
      throw new IllegalStateException("variable " + paddleName + " is read before any op writes it");
    }
    return n;
  }

  /** A fresh ONNX name for a write of a Paddle variable. */
  String def(String paddleName, int elemType) {
    String n = paddleName;
    while (defined.contains(n)) {
      n = paddleName + "__" + (counter++);
    }
    defined.add(n);
    current.put(paddleName, n);
    types.put(paddleName, elemType);
    return n;
  }

  /** Element type a Paddle variable was written with (float unless recorded otherwise). */
  int type(String paddleName) {
    return types.getOrDefault(paddleName, FLOAT);
  }

  /** A graph-internal temporary name. */
  String tmp(String base) {
    String n;
    do {
      n = "cs_" + base + "_" + (counter++);
    } while (defined.contains(n));
    defined.add(n);
    return n;
  }

  /** Appends a node; attributes as alternating name, value pairs (Integer/Long, Float, String, long[], float[]). */
  void node(String opType, List<String> inputs, List<String> outputs, Object... attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + graph.getNodeCount());
    n.addAllInput(inputs).addAllOutput(outputs);
    for (int i = 0; i < attrs.length; i += 2) {
      n.addAttribute(attr((String) attrs[i], attrs[i + 1]));
    }
    graph.addNode(n);
  }

  /** One-output node into a fresh temporary. */
  String op(String opType, List<String> inputs, Object... attrs) {
    String out = tmp(opType.toLowerCase(java.util.Locale.ROOT));
    node(opType, inputs, List.of(out), attrs);
    return out;
  }

  String op(String opType, String input, Object... attrs) {
    return op(opType, List.of(input), attrs);
  }

  static AttributeProto attr(String name, Object v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (v instanceof Integer || v instanceof Long) {
      a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
    } else if (v instanceof Float || v instanceof Double) {
      a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
    } else if (v instanceof String s) {
      a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
    } else if (v instanceof long[] ls) {
      a.setType(AttributeProto.AttributeType.INTS);
      for (long l : ls) {
        a.addInts(l);
      }
    } else if (v instanceof float[] fs) {
      a.setType(AttributeProto.AttributeType.FLOATS);
      for (float f : fs) {
        a.addFloats(f);
      }
    } else if (v instanceof TensorProto t) {
      a.setType(AttributeProto.AttributeType.TENSOR).setT(t);
    } else {
      throw new IllegalArgumentException("attribute " + name + ": unsupported value " + v);
    }
    return a.build();
  }

  /** An int64 constant as an initializer (1-D, or a scalar with {@code scalar}). */
  String longs(long... values) {
    String name = tmp("i64");
    graph.addInitializer(tensor(name, INT64, new long[] {values.length}, values, null));
    return name;
  }

  /** An int64 scalar (rank 0) constant. */
  String longScalar(long v) {
    String name = tmp("i64s");
    graph.addInitializer(tensor(name, INT64, new long[0], new long[] {v}, null));
    return name;
  }

  /** A float constant of the given shape. */
  String floats(long[] dims, float... values) {
    String name = tmp("f32");
    graph.addInitializer(tensor(name, FLOAT, dims, null, values));
    return name;
  }

  /** A float scalar constant (rank 0), broadcastable against anything. */
  String scalar(float v) {
    return floats(new long[0], v);
  }

  void initializer(String name, long[] dims, float[] values) {
    graph.addInitializer(tensor(name, FLOAT, dims, null, values));
  }

  static TensorProto tensor(String name, int type, long[] dims, long[] longValues, float[] floatValues) {
    TensorProto.Builder t = TensorProto.newBuilder().setDataType(type);
    if (name != null) {
      t.setName(name);
    }
    for (long d : dims) {
      t.addDims(d);
    }
    if (longValues != null) {
      ByteBuffer b = ByteBuffer.allocate(longValues.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (long l : longValues) {
        b.putLong(l);
      }
      t.setRawData(ByteString.copyFrom(b.array()));
    } else {
      ByteBuffer b = ByteBuffer.allocate(floatValues.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : floatValues) {
        b.putFloat(f);
      }
      t.setRawData(ByteString.copyFrom(b.array()));
    }
    return t.build();
  }
}
