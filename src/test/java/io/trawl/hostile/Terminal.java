package io.trawl.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;

/**
 * The real launcher, {@code bin/trawl}, run under a pseudo-terminal ({@code script} from
 * util-linux), as a user at a terminal runs it: stdout and stderr go to the terminal, and Ctrl-C
 * is the character {@code \x03} typed into it (the terminal sends SIGINT to the whole foreground
 * process group: the JVM and the launcher's stderr filter).
 *
 * <p>The launcher runs from a copy of {@code bin/} beside a stand-in {@code target/trawl.jar}: an
 * empty jar whose manifest names {@code io.trawl.cli.Trawl} and puts this JVM's class path (the
 * compiled classes and the dependency jars) on its own, so no packaging is needed and the classes
 * under test are the ones that run. Tests skip, saying why, where {@code script} or {@code bash}
 * is missing.
 */
final class Terminal implements AutoCloseable {
  private final Process process;
  private final OutputStream keys;
  private final StringBuffer screen = new StringBuffer();
  private final List<long[]> arrivals = new ArrayList<>(); // {nanoTime, length of screen after}
  private final Thread reader;

  private Terminal(Process process) {
    this.process = process;
    this.keys = process.getOutputStream();
    InputStream in = process.getInputStream();
    reader = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (this) {
            screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            arrivals.add(new long[] {System.nanoTime(), screen.length()});
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "terminal-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Skips the test unless {@code script} and {@code bash} can run. */
  static void assumeAvailable() {
    for (String tool : List.of("script", "bash")) {
      boolean found = false;
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool));
      }
      Assumptions.assumeTrue(found, "'" + tool + "' (util-linux script, bash) is not installed:"
          + " the launcher cannot be run under a pseudo-terminal here");
    }
  }

  /**
   * A launcher root under {@code tmp}: {@code bin/trawl}, {@code bin/find-java}, {@code bin/native-env}, the stand-in jar
   * and a link to {@code topics-and-qrels/}.
   */
  static Path launcher(Path tmp) throws IOException {
    Path root = tmp.resolve("trawl-home");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("target"));
    for (String s : List.of("trawl", "find-java", "native-env")) {
      Path to = root.resolve("bin").resolve(s);
      Files.copy(Path.of("bin", s), to);
      to.toFile().setExecutable(true);
    }
    Files.createSymbolicLink(root.resolve("topics-and-qrels"), Path.of("topics-and-qrels").toAbsolutePath());
    Manifest m = new Manifest();
    Attributes a = m.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.put(Attributes.Name.MAIN_CLASS, "io.trawl.cli.Trawl");
    StringBuilder cp = new StringBuilder();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!e.isEmpty()) {
        cp.append(cp.isEmpty() ? "" : " ").append(Path.of(e).toAbsolutePath().toUri());
      }
    }
    a.put(Attributes.Name.CLASS_PATH, cp.toString());
    a.putValue("Add-Opens", "java.base/java.lang");
    a.putValue("Enable-Native-Access", "ALL-UNNAMED");
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(root.resolve("target/trawl.jar")), m)) {
      // the manifest is the whole jar
    }
    return root;
  }

  /** Starts {@code trawl ARGS} (the launcher) in {@code dir} under a pseudo-terminal. */
  static Terminal start(Path root, Path dir, Map<String, String> env, String... args) throws IOException {
    StringBuilder line = new StringBuilder("exec ").append(quote(root.resolve("bin/trawl").toString()));
    for (String a : args) {
      line.append(' ').append(quote(a));
    }
    // -q quiet, -e the command's exit status, -f flush at once; the typescript is discarded
    ProcessBuilder pb = new ProcessBuilder("script", "-qefc", line.toString(), "/dev/null")
        .directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("TRAWL_JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("TRAWL_HEAP", "1g");
    pb.environment().put("TERM", "dumb");
    pb.environment().putAll(env);
    return new Terminal(pb.start());
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Waits until the screen holds {@code text}; false when the process ended or the time ran out. */
  synchronized boolean await(String text, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (screen.indexOf(text) < 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
        return screen.indexOf(text) >= 0;
      }
      wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
    }
    return true;
  }

  /** When the screen first held {@code text} ({@link System#nanoTime()}), or -1. */
  synchronized long arrival(String text) {
    int at = screen.indexOf(text);
    if (at < 0) {
      return -1;
    }
    for (long[] a : arrivals) {
      if (a[1] >= at + text.length()) {
        return a[0];
      }
    }
    return -1;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Types Ctrl-C. */
  void ctrlC() throws IOException {
    keys.write(3);
    keys.flush();
  }

  /** Waits for the command to end and returns its exit status (-1: still running after the wait). */
  int waitFor(long seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      return -1;
    }
    reader.join(5000);
    return process.exitValue();
  }

  /** Everything the terminal showed, with {@code \r} written as {@code \r}. */
  String screen() {
    return screen.toString();
  }

  String printable() {
    return screen().replace("\r", "\\r");
  }

  @Override
  public void close() throws IOException {
    keys.close();
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
