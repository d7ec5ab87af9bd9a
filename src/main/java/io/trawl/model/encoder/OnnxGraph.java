package io.trawl.model.encoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model file that the exact encoder needs: the graph's nodes (operator,
 * inputs, outputs) and its float initializers (the weights), read straight from the protobuf
 * wire format (ModelProto field 7 = graph; GraphProto 1 = node, 5 = initializer; NodeProto 1 =
 * input, 2 = output, 4 = op_type; TensorProto 1 = dims, 2 = data_type, 4 = float_data, 8 = name,
 * 9 = raw_data). Nothing is executed; the forward pass is {@link BertModel}'s.
 */
final class OnnxGraph {
  record Node(String op, List<String> inputs, List<String> outputs) {}

  record Tensor(String name, long[] dims, int dataType, float[] data) {}

  private static final int FLOAT = 1;

  final List<Node> nodes = new ArrayList<>();
  final Map<String, Tensor> initializers = new LinkedHashMap<>();

  private OnnxGraph() {}

  /** Parses a model; {@code what} names it in errors. */
  static OnnxGraph parse(byte[] model, String what) {
    OnnxGraph g = new OnnxGraph();
    try {
      Reader r = new Reader(ByteBuffer.wrap(model), what);
      while (r.more()) {
        int tag = r.tag();
        if (tag >>> 3 == 7 && (tag & 7) == 2) {
          g.readGraph(r.sub());
        } else {
          r.skip(tag);
        }
      }
    } catch (RuntimeException e) {
      if (e instanceof FormatError) {
        throw e;
      }
      throw new FormatError(what + ": not a readable ONNX model (" + e + ")");
    }
    if (g.nodes.isEmpty()) {
      throw new FormatError(what + ": ONNX model has no graph");
    }
    return g;
  }

  /** Bad or unsupported model file; callers turn it into the right exit code. */
  static final class FormatError extends RuntimeException {
    FormatError(String message) {
      super(message);
    }
  }

  private void readGraph(Reader r) {
    while (r.more()) {
      int tag = r.tag();
      int field = tag >>> 3;
      if (field == 1 && (tag & 7) == 2) {
        nodes.add(readNode(r.sub()));
      } else if (field == 5 && (tag & 7) == 2) {
        Tensor t = readTensor(r.sub());
        if (t != null) {
          initializers.put(t.name(), t);
        }
      } else {
        r.skip(tag);
      }
    }
  }

  private static Node readNode(Reader r) {
    List<String> in = new ArrayList<>(), out = new ArrayList<>();
    String op = "";
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> in.add(r.string());
        case 2 -> out.add(r.string());
        case 4 -> op = r.string();
        default -> r.skip(tag);
      }
    }
    return new Node(op, in, out);
  }

  /** A float tensor, or null for other element types (not needed). */
  private Tensor readTensor(Reader r) {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = "";
    ByteBuffer raw = null;
    float[] floats = null;
    int nFloats = 0;
    while (r.more()) {
      int tag = r.tag();
      int field = tag >>> 3;
      if (field == 1) {
        if ((tag & 7) == 2) {
          Reader p = r.sub();
          while (p.more()) {
            dims.add(p.varint());
          }
        } else {
          dims.add(r.varint());
        }
      } else if (field == 2) {
        type = (int) r.varint();
      } else if (field == 8) {
        name = r.string();
      } else if (field == 9) {
        raw = r.bytes();
      } else if (field == 4 && (tag & 7) == 2) {
        ByteBuffer b = r.bytes();
        float[] add = new float[b.remaining() / 4];
        b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(add);
        floats = floats == null ? add : concat(floats, nFloats, add);
        nFloats = floats.length;
      } else if (field == 13 || field == 14) {
        if (field == 14 && r.peekVarintValue(tag) == 1) {
          throw new FormatError(r.what + ": tensor stored in an external data file is not supported");
        }
        r.skip(tag);
      } else {
        r.skip(tag);
      }
    }
    if (type != FLOAT) {
      return null;
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    long numel = 1;
    for (long x : d) {
      numel *= x;
    }
    float[] data;
    if (raw != null) {
      if (raw.remaining() != numel * 4) {
        throw new FormatError(r.what + ": initializer '" + name + "' has " + raw.remaining()
            + " bytes for " + numel + " floats");
      }
      data = new float[(int) numel];
      raw.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
    } else {
      data = floats == null ? new float[0] : floats;
      if (data.length != numel) {
        throw new FormatError(r.what + ": initializer '" + name + "' has " + data.length
            + " values for shape of " + numel);
      }
    }
    return new Tensor(name, d, type, data);
  }

  private static float[] concat(float[] a, int n, float[] b) {
    float[] c = java.util.Arrays.copyOf(a, n + b.length);
    System.arraycopy(b, 0, c, n, b.length);
    return c;
  }

  /** Which node reads each value name. */
  Map<String, List<Node>> consumers() {
    Map<String, List<Node>> m = new HashMap<>();
    for (Node n : nodes) {
      for (String in : n.inputs()) {
        m.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    return m;
  }

  /** A protobuf wire-format cursor over one message. */
  private static final class Reader {
    final ByteBuffer b;
    final String what;

    Reader(ByteBuffer b, String what) {
      this.b = b;
      this.what = what;
    }

    boolean more() {
      return b.hasRemaining();
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b.get();
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new FormatError(what + ": malformed varint in ONNX protobuf");
    }

    long peekVarintValue(int tag) {
      if ((tag & 7) != 0) {
        return -1;
      }
      int pos = b.position();
      long v = varint();
      b.position(pos);
      return v;
    }

    ByteBuffer bytes() {
      long len = varint();
      if (len < 0 || len > b.remaining()) {
        throw new FormatError(what + ": truncated ONNX protobuf (field of " + len + " bytes, "
            + b.remaining() + " left)");
      }
      ByteBuffer s = b.slice(b.position(), (int) len);
      b.position(b.position() + (int) len);
      return s;
    }

    Reader sub() {
      return new Reader(bytes(), what);
    }

    String string() {
      ByteBuffer s = bytes();
      byte[] a = new byte[s.remaining()];
      s.get(a);
      return new String(a, StandardCharsets.UTF_8);
    }

    void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> b.position(b.position() + 8);
        case 2 -> bytes();
        case 5 -> b.position(b.position() + 4);
        default -> throw new FormatError(what + ": unsupported protobuf wire type " + (tag & 7));
      }
    }
  }
}
