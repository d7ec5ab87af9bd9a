package io.trawl.fetch;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.model.SafeTensors.DType;
import io.trawl.model.SafeTensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch checkpoint ({@code torch.save} of a state dict: a zip holding {@code data.pkl}
 * and one {@code data/KEY} file per storage) without running any of its code, and writes it as
 * safetensors. The pickle is read by a restricted machine that knows only the opcodes a state dict
 * uses and only these globals: {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter} and the storage types {@code torch.FloatStorage},
 * {@code HalfStorage}, {@code BFloat16Storage}, {@code LongStorage}, {@code IntStorage}. Anything
 * else ({@code os.system}, {@code builtins.eval}, another class's {@code __reduce__}) is refused with
 * the file and the offending global or opcode; nothing is called, imported or instantiated.
 */
public final class TorchCheckpoint {
  /** A tensor of the checkpoint: a view (offset, shape, strides in elements) of a storage. */
  public record Tensor(String name, DType dtype, String storage, long storageNumel, long offset, long[] shape,
      long[] stride) {}

  private TorchCheckpoint() {}

  private record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  private record Tuple(List<Object> items) {}

  private record StorageRef(DType dtype, String key, long numel) {}

  private record Persistent(Object id) {}

  private static final Object NONE = new Object() {
    @Override
    public String toString() {
      return "None";
    }
  };

  private static final Map<String, DType> STORAGES = Map.of(
      "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
      "LongStorage", DType.I64, "IntStorage", DType.I32);

  /** The tensors of the state dict in {@code file}, in the pickle's order. */
  public static List<Tensor> read(Path file) {
    try (ZipFile zip = open(file)) {
      return read(file, zip);
    } catch (IOException e) {
      throw new InputException(file.toString(), "cannot read checkpoint: " + e.getMessage());
    }
  }

  private static ZipFile open(Path file) throws IOException {
    try {
      return new ZipFile(file.toFile());
    } catch (java.util.zip.ZipException e) {
      throw new InputException(file.toString(), "not a torch.save zip archive (checkpoints saved by torch"
          + " before 1.6 use the legacy format, which Trawl does not read; re-save with a current torch)");
    }
  }

  private static String prefix(Path file, ZipFile zip) {
    for (ZipEntry e : Collections.list(zip.entries())) {
      if (e.getName().endsWith("/data.pkl") && e.getName().indexOf('/') == e.getName().length() - 9) {
        return e.getName().substring(0, e.getName().length() - "data.pkl".length());
      }
    }
    throw new InputException(file.toString(), "no data.pkl in the archive: not a torch.save checkpoint");
  }

  private static List<Tensor> read(Path file, ZipFile zip) throws IOException {
    String prefix = prefix(file, zip);
    ZipEntry order = zip.getEntry(prefix + "byteorder");
    if (order != null) {
      String bo = new String(zip.getInputStream(order).readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (!bo.equals("little")) {
        throw new InputException(file.toString(), "byte order '" + bo + "' is not supported (little-endian only)");
      }
    }
    byte[] pkl;
    try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
      pkl = in.readAllBytes();
    }
    Object top = new Machine(file.toString(), pkl).run();
    if (!(top instanceof Map<?, ?> m)) {
      throw new InputException(file.toString(), "data.pkl holds " + describe(top) + ", not a state dict");
    }
    List<Tensor> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String name)) {
        throw new InputException(file.toString(), "state dict key " + describe(e.getKey()) + " is not a string");
      }
      if (!(e.getValue() instanceof Tensor t)) {
        throw new InputException(file.toString(), "state dict entry '" + name + "' is " + describe(e.getValue())
            + ", not a tensor");
      }
      out.add(new Tensor(name, t.dtype(), t.storage(), t.storageNumel(), t.offset(), t.shape(), t.stride()));
    }
    return out;
  }

  /**
   * Writes the state dict of {@code bin} as safetensors at {@code out} (atomically), every tensor
   * contiguous, with its own dtype. Returns the number of tensors.
   */
  public static int toSafetensors(Path bin, Path out) {
    try (ZipFile zip = open(bin)) {
      String prefix = prefix(bin, zip);
      List<Tensor> tensors = read(bin, zip);
      SafeTensorsWriter w = new SafeTensorsWriter();
      for (Tensor t : tensors) {
        ZipEntry data = zip.getEntry(prefix + "data/" + t.storage());
        if (data == null) {
          throw new InputException(bin.toString(), "tensor '" + t.name() + "': storage data/" + t.storage() + " is missing");
        }
        long extent = t.offset();
        for (int i = 0; i < t.shape().length; i++) {
          if (t.shape()[i] == 0) {
            extent = t.offset() - 1;
            break;
          }
          extent += (t.shape()[i] - 1) * t.stride()[i];
        }
        long size = t.dtype().size;
        if (extent >= t.storageNumel() || (data.getSize() >= 0 && data.getSize() < t.storageNumel() * size)) {
          throw new InputException(bin.toString(), "tensor '" + t.name() + "' reads past the end of its storage");
        }
        w.add(t.name(), t.dtype(), t.shape(), buf -> gather(zip, data, t, buf));
      }
      w.metadata("converted_from", bin.getFileName().toString());
      w.write(out);
      return tensors.size();
    } catch (IOException e) {
      throw new InputException(bin.toString(), "cannot read checkpoint: " + e.getMessage());
    }
  }

  /** Copies a tensor's elements in row-major order of its shape from its storage. */
  private static void gather(ZipFile zip, ZipEntry data, Tensor t, ByteBuffer out) {
    int size = t.dtype().size;
    long numel = 1;
    for (long d : t.shape()) {
      numel *= d;
    }
    if (numel == 0) {
      return;
    }
    long lo = t.offset();
    long hi = t.offset();
    for (int i = 0; i < t.shape().length; i++) {
      hi += (t.shape()[i] - 1) * t.stride()[i];
    }
    byte[] span;
    try (InputStream in = zip.getInputStream(data)) {
      in.skipNBytes(lo * size);
      span = in.readNBytes(Math.toIntExact((hi - lo + 1) * size));
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot read storage " + t.storage() + ": " + e.getMessage(), e);
    }
    int rank = t.shape().length;
    boolean contiguous = true;
    long expect = 1;
    for (int i = rank - 1; i >= 0; i--) {
      if (t.shape()[i] != 1 && t.stride()[i] != expect) {
        contiguous = false;
      }
      expect *= t.shape()[i];
    }
    if (contiguous) {
      out.put(span, 0, Math.toIntExact(numel * size));
      return;
    }
    long[] idx = new long[rank];
    for (long n = 0; n < numel; n++) {
      long at = 0;
      for (int i = 0; i < rank; i++) {
        at += idx[i] * t.stride()[i];
      }
      out.put(span, (int) (at * size), size);
      for (int i = rank - 1; i >= 0; i--) {
        if (++idx[i] < t.shape()[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
  }

  private static String describe(Object o) {
    if (o == null || o == NONE) {
      return "None";
    }
    if (o instanceof Global g) {
      return "the global " + g.qualified();
    }
    return "a " + o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  /** The restricted pickle machine. */
  private static final class Machine {
    private final String file;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    Machine(String file, byte[] pkl) {
      this.file = file + " (data.pkl)";
      this.in = ByteBuffer.wrap(pkl).order(ByteOrder.LITTLE_ENDIAN);
    }

    private InputException refuse(String what) {
      return new InputException(file, "refused: " + what + "; a state dict needs only tensors, and Trawl runs"
          + " no code from a checkpoint");
    }

    Object run() {
      try {
        while (true) {
          int pos = in.position();
          int op = in.get() & 0xff;
          switch (op) {
            case 0x80 -> in.get(); // PROTO
            case 0x95 -> in.getLong(); // FRAME
            case '.' -> {
              if (stack.size() != 1) {
                throw new InputException(file, "malformed pickle: " + stack.size() + " values at STOP");
              }
              return stack.get(0);
            }
            case '(' -> marks.add(stack.size());
            case '}' -> stack.add(new LinkedHashMap<>());
            case ']' -> stack.add(new ArrayList<>());
            case ')' -> stack.add(new Tuple(List.of()));
            case 't' -> stack.add(new Tuple(popMark()));
            case 0x85 -> stack.add(new Tuple(popN(1)));
            case 0x86 -> stack.add(new Tuple(popN(2)));
            case 0x87 -> stack.add(new Tuple(popN(3)));
            case 'q' -> memo.put((long) (in.get() & 0xff), peek());
            case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
            case 0x94 -> memo.put((long) memo.size(), peek());
            case 'h' -> stack.add(memo(in.get() & 0xff));
            case 'j' -> stack.add(memo(in.getInt() & 0xffffffffL));
            case 'X' -> stack.add(utf8(in.getInt() & 0xffffffffL));
            case 0x8c -> stack.add(utf8(in.get() & 0xff));
            case 0x8d -> stack.add(utf8(in.getLong()));
            case 'c' -> stack.add(global(line(), line()));
            case 0x93 -> {
              Object name = pop();
              Object module = pop();
              if (!(module instanceof String m) || !(name instanceof String n)) {
                throw new InputException(file, "malformed pickle: STACK_GLOBAL of non-strings");
              }
              stack.add(global(m, n));
            }
            case 'J' -> stack.add((long) in.getInt());
            case 'K' -> stack.add((long) (in.get() & 0xff));
            case 'M' -> stack.add((long) (in.getShort() & 0xffff));
            case 0x8a -> stack.add(long1());
            case 'N' -> stack.add(NONE);
            case 0x88 -> stack.add(Boolean.TRUE);
            case 0x89 -> stack.add(Boolean.FALSE);
            case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
            case 'Q' -> stack.add(persistent(pop()));
            case 'R' -> {
              Object args = pop();
              Object callable = pop();
              stack.add(reduce(callable, args));
            }
            case 'b' -> {
              pop(); // the state: OrderedDict's _metadata; nothing of it is used
              if (!(peek() instanceof Map<?, ?>)) {
                throw refuse("BUILD (setting the state of " + describe(peek()) + ")");
              }
            }
            case 's' -> {
              Object v = pop();
              Object k = pop();
              dict(peek()).put(k, v);
            }
            case 'u' -> {
              List<Object> kv = popMark();
              Map<Object, Object> d = dict(peek());
              for (int i = 0; i + 1 < kv.size(); i += 2) {
                d.put(kv.get(i), kv.get(i + 1));
              }
            }
            case 'a' -> {
              Object v = pop();
              list(peek()).add(v);
            }
            case 'e' -> {
              List<Object> items = popMark();
              list(peek()).addAll(items);
            }
            default -> throw refuse(String.format("pickle opcode 0x%02x ('%s') at byte %d", op,
                op >= 32 && op < 127 ? Character.toString(op) : "?", pos));
          }
        }
      } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
        throw new InputException(file, "malformed pickle (truncated or unbalanced)");
      }
    }

    private Object global(String module, String name) {
      String q = module + "." + name;
      boolean ok = q.equals("collections.OrderedDict") || q.equals("torch._utils._rebuild_tensor_v2")
          || q.equals("torch._utils._rebuild_parameter")
          || (module.equals("torch") && STORAGES.containsKey(name));
      if (!ok) {
        if (module.equals("torch") && name.endsWith("Storage")) {
          throw new InputException(file, "storage type torch." + name + " is not supported (Trawl's runtime"
              + " reads float32, float16, bfloat16, int64 and int32 tensors)");
        }
        throw refuse("global " + q);
      }
      return new Global(module, name);
    }

    private Object persistent(Object id) {
      if (!(id instanceof Tuple t) || t.items().size() < 5 || !"storage".equals(t.items().get(0))
          || !(t.items().get(1) instanceof Global g) || !(t.items().get(2) instanceof String key)
          || !(t.items().get(4) instanceof Long numel)) {
        throw refuse("persistent id " + id + " (only ('storage', type, key, location, numel) is known)");
      }
      DType dt = STORAGES.get(g.name());
      if (dt == null || !g.module().equals("torch")) {
        throw refuse("persistent id of type " + g.qualified());
      }
      if (!key.matches("[0-9A-Za-z_]+")) {
        throw new InputException(file, "storage key '" + key + "' is not a plain name");
      }
      return new StorageRef(dt, key, numel);
    }

    private Object reduce(Object callable, Object args) {
      if (!(callable instanceof Global g)) {
        throw refuse("REDUCE of " + describe(callable));
      }
      if (!(args instanceof Tuple t)) {
        throw new InputException(file, "malformed pickle: REDUCE arguments are not a tuple");
      }
      List<Object> a = t.items();
      switch (g.qualified()) {
        case "collections.OrderedDict" -> {
          if (!a.isEmpty()) {
            throw refuse("OrderedDict built from arguments");
          }
          return new LinkedHashMap<>();
        }
        case "torch._utils._rebuild_tensor_v2" -> {
          if (a.size() < 4 || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Long offset)
              || !(a.get(2) instanceof Tuple size) || !(a.get(3) instanceof Tuple stride)
              || size.items().size() != stride.items().size()) {
            throw new InputException(file, "malformed _rebuild_tensor_v2 arguments");
          }
          return new Tensor("", s.dtype(), s.key(), s.numel(), offset, longs(size), longs(stride));
        }
        case "torch._utils._rebuild_parameter" -> {
          if (a.isEmpty() || !(a.get(0) instanceof Tensor data)) {
            throw new InputException(file, "malformed _rebuild_parameter arguments");
          }
          return data;
        }
        default -> throw refuse("call of " + g.qualified());
      }
    }

    private long[] longs(Tuple t) {
      long[] out = new long[t.items().size()];
      for (int i = 0; i < out.length; i++) {
        if (!(t.items().get(i) instanceof Long v) || v < 0) {
          throw new InputException(file, "malformed tensor shape or stride");
        }
        out[i] = v;
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
      if (!(o instanceof Map<?, ?> m)) {
        throw refuse("SETITEM on " + describe(o));
      }
      return (Map<Object, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
      if (!(o instanceof ArrayList<?> l)) {
        throw refuse("APPEND on " + describe(o));
      }
      return (List<Object>) l;
    }

    private Object memo(long k) {
      Object v = memo.get(k);
      if (v == null) {
        throw new InputException(file, "malformed pickle: memo " + k + " is empty");
      }
      return v;
    }

    private Object long1() {
      int n = in.get() & 0xff;
      if (n > 8) {
        throw new InputException(file, "integer of " + n + " bytes is too large");
      }
      long v = 0;
      for (int i = 0; i < n; i++) {
        v |= (in.get() & 0xffL) << (8 * i);
      }
      if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
        v -= 1L << (8 * n);
      }
      return v;
    }

    private String utf8(long n) {
      if (n > in.remaining()) {
        throw new InputException(file, "malformed pickle: string longer than the file");
      }
      byte[] b = new byte[(int) n];
      in.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    private String line() {
      StringBuilder sb = new StringBuilder();
      while (true) {
        byte b = in.get();
        if (b == '\n') {
          return sb.toString();
        }
        sb.append((char) (b & 0xff));
      }
    }

    private Object peek() {
      if (stack.isEmpty()) {
        throw new InputException(file, "malformed pickle: empty stack");
      }
      return stack.get(stack.size() - 1);
    }

    private Object pop() {
      Object o = peek();
      stack.remove(stack.size() - 1);
      return o;
    }

    private List<Object> popN(int n) {
      if (stack.size() < n) {
        throw new InputException(file, "malformed pickle: empty stack");
      }
      List<Object> sub = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
      stack.subList(stack.size() - n, stack.size()).clear();
      return sub;
    }

    private List<Object> popMark() {
      if (marks.isEmpty()) {
        throw new InputException(file, "malformed pickle: no MARK");
      }
      int at = marks.remove(marks.size() - 1);
      return popN(stack.size() - at);
    }
  }
}
