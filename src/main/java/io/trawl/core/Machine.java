package io.trawl.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What a result was computed on: CPU model and the instruction-set flags that matter for
 * floating point, cores, operating system, JVM, the widest vector the JVM uses, and the versions
 * of the libraries that compute (Lucene, ONNX Runtime, DJL, PyTorch). Written into every run's
 * metadata and every regression report, so that a difference between two machines can be traced.
 */
public final class Machine {
  private Machine() {}

  /** The CPU flags worth recording (x86 and Arm), in this order. */
  private static final List<String> FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "f16c",
      "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile",
      "asimd", "asimddp", "sve", "sve2", "bf16", "i8mm");

  private static volatile Map<String, Object> cached;

  /** The description, as an ordered map (JSON-ready); computed once per process. */
  public static Map<String, Object> describe() {
    Map<String, Object> m = cached;
    if (m == null) {
      m = compute();
      cached = m;
    }
    return m;
  }

  private static Map<String, Object> compute() {
    Map<String, Object> m = new LinkedHashMap<>();
    String[] cpu = cpuInfo();
    m.put("cpu", cpu[0]);
    m.put("cpu_flags", cpu[1]);
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("jvm", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version"));
    m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    m.put("vector_bits", vectorBits());
    m.put("software", software());
    return java.util.Collections.unmodifiableMap(m);
  }

  /** One line for reports: CPU, flags, cores, JVM, vector width, library versions. */
  public static String summary() {
    Map<String, Object> m = describe();
    StringBuilder sb = new StringBuilder();
    sb.append(m.get("cpu")).append(" [").append(m.get("cpu_flags")).append("], ")
        .append(m.get("cores")).append(" cores, ").append(m.get("jvm")).append(", ")
        .append(m.get("vector_bits")).append("-bit vectors");
    @SuppressWarnings("unchecked")
    Map<String, String> libs = (Map<String, String>) m.get("software");
    for (Map.Entry<String, String> e : libs.entrySet()) {
      sb.append(", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    return sb.toString();
  }

  private static int vectorBits() {
    try {
      return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    } catch (LinkageError e) {
      return 0; // the vector module is not in this JVM
    }
  }

  /** {model name, recorded flags} from /proc/cpuinfo, or the JVM's view elsewhere. */
  private static String[] cpuInfo() {
    Path p = Path.of("/proc/cpuinfo");
    String model = null;
    Set<String> flags = Set.of();
    if (Files.isReadable(p)) {
      try {
        for (String line : Files.readAllLines(p)) {
          int colon = line.indexOf(':');
          if (colon < 0) {
            continue;
          }
          String key = line.substring(0, colon).strip();
          String value = line.substring(colon + 1).strip();
          if (model == null && (key.equals("model name") || key.equals("Model") || key.equals("CPU part"))) {
            model = value;
          } else if (flags.isEmpty() && (key.equals("flags") || key.equals("Features"))) {
            flags = Set.of(value.split("\\s+"));
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through to what the JVM knows
      }
    }
    List<String> kept = new ArrayList<>();
    for (String f : FLAGS) {
      if (flags.contains(f)) {
        kept.add(f);
      }
    }
    return new String[] {model != null ? model : System.getProperty("os.arch"), String.join(" ", kept)};
  }

  /**
   * Trawl's version (with the git commit of the source tree when the launcher names it) and the
   * computing libraries' versions, from the build's {@code version.properties}.
   */
  private static Map<String, String> software() {
    Map<String, String> libs = new LinkedHashMap<>();
    Properties p = new Properties();
    try (InputStream in = Machine.class.getResourceAsStream("/io/trawl/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // versions unknown
    }
    String trawl = p.getProperty("version", "dev");
    String commit = gitCommit();
    libs.put("trawl", commit == null ? trawl : trawl + " (git " + commit + ")");
    for (String lib : List.of("lucene", "onnxruntime", "djl", "pytorch-native")) {
      String v = p.getProperty(lib);
      if (v != null && !v.startsWith("${")) {
        libs.put(lib, v);
      }
    }
    return libs;
  }

  /** The commit checked out in {@code trawl.home} (set by bin/trawl), if it is a git tree. */
  private static String gitCommit() {
    String home = System.getProperty("trawl.home");
    if (home == null) {
      return null;
    }
    try {
      Path git = Path.of(home, ".git");
      if (!Files.isDirectory(git)) {
        return null;
      }
      String head = Files.readString(git.resolve("HEAD")).strip();
      if (!head.startsWith("ref: ")) {
        return head.length() >= 12 ? head.substring(0, 12) : head;
      }
      String ref = head.substring(5);
      Path loose = git.resolve(ref);
      if (Files.isRegularFile(loose)) {
        return Files.readString(loose).strip().substring(0, 12);
      }
      Path packed = git.resolve("packed-refs");
      if (Files.isRegularFile(packed)) {
        for (String line : Files.readAllLines(packed)) {
          if (line.endsWith(" " + ref)) {
            return line.substring(0, 12);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a readable git tree
    }
    return null;
  }
}
