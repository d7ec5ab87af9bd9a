package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test class path in a fresh JVM with extra flags and returns the value
 * it prints after {@code "fingerprint "}: how the cross-CPU tests run the same computation with
 * the vector width or instruction set of another machine.
 */
public final class ChildJvm {
  private ChildJvm() {}

  public static boolean x86() {
    return List.of("amd64", "x86_64").contains(System.getProperty("os.arch").toLowerCase(Locale.ROOT));
  }

  /**
   * JVM flag sets that stand in for other CPUs: 128- and 256-bit vectors, AVX2 without AVX-512
   * (x86 only). {@link #slowFlagSets()} adds software FMA and no AVX at all.
   */
  public static List<List<String>> flagSets() {
    List<List<String>> f = new ArrayList<>();
    f.add(List.of("-XX:MaxVectorSize=16"));
    f.add(List.of("-XX:MaxVectorSize=32"));
    if (x86()) {
      f.add(List.of("-XX:UseAVX=2"));
    }
    return f;
  }

  /** Flag sets that make arithmetic much slower: for small workloads only. */
  public static List<List<String>> slowFlagSets() {
    List<List<String>> f = new ArrayList<>();
    f.add(List.of("-XX:-UseFMA"));
    if (x86()) {
      f.add(List.of("-XX:UseAVX=0"));
    }
    return f;
  }

  /** What a child JVM printed (stdout and stderr together) and its exit code. */
  public record Output(int code, String text) {
    /** The word after {@code key} on the line that starts with it; the run must have succeeded. */
    public String value(String key) {
      assertEquals(0, code, "child JVM failed:\n" + text);
      for (String line : text.split("\n")) {
        if (line.startsWith(key + " ")) {
          return line.substring(key.length() + 1).strip().split("\\s+")[0];
        }
      }
      throw new AssertionError("no '" + key + "' from the child JVM:\n" + text);
    }
  }

  /** Runs {@code main} with {@code args} in a fresh JVM with the extra {@code flags}. */
  public static Output run(List<String> flags, Class<?> main, String... args)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx1g", "--add-modules",
        "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    for (String p : List.of("ENGINE_CACHE_DIR", "trawl.shared", "maven.repo.local")) {
      String v = System.getProperty(p);
      if (v != null) {
        cmd.add("-D" + p + "=" + v);
      }
    }
    cmd.addAll(flags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child JVM " + flags + " timed out");
    return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs {@code main} and returns the value it prints after {@code "fingerprint "}. */
  public static String fingerprint(List<String> flags, Class<?> main, String... args)
      throws IOException, InterruptedException {
    return run(flags, main, args).value("fingerprint");
  }
}
