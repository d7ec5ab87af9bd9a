package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.cli.Trawl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs the {@code trawl} command line in-process with captured stdout and stderr. */
final class Cli {
  private Cli() {}

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  /** The command that starts a JVM like this one (same JDK, modules, properties and class path). */
  static List<String> java(String... jvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-D") || a.startsWith("--add-modules") || a.startsWith("--enable-native-access")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    return cmd;
  }

  /**
   * Runs the cases of {@code caseFile} (see {@link HugeLineMain}) in a child JVM with the given
   * heap, optionally under {@code umask}; returns name -> [name, exit, stderr].
   */
  static Map<String, String[]> inChild(Path caseFile, String heap, String umask) throws Exception {
    List<String> cmd = java(heap);
    cmd.addAll(List.of(HugeLineMain.class.getName(), caseFile.toString()));
    if (umask != null) {
      List<String> sh = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
      sh.addAll(cmd);
      cmd = sh;
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), output);
    assertEquals(0, p.exitValue(), output);
    Map<String, String[]> results = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      String[] f = line.split("\t", 3);
      if (f.length == 3) {
        results.put(f[0], f);
      }
    }
    for (String c : Files.readAllLines(caseFile)) {
      String name = c.substring(0, c.indexOf('\t'));
      assertTrue(results.containsKey(name), "no result for " + name + ":\n" + output);
    }
    return results;
  }
}
