package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher scripts under an address-space limit ({@code ulimit -v}, common on shared clusters):
 * {@code bin/find-java} finds the JDK (it used to start it with a default heap that did not fit and
 * then say "no JDK found"), says why a JDK it found cannot start, and {@code bin/trawl} sizes the
 * heap to the limit. The launcher runs in a copy of {@code bin/} beside a stand-in jar, with a
 * stand-in {@code java} that records its arguments (and starts the real JDK only to answer
 * {@code -version}).
 */
class LauncherTest {
  static final String LIMIT_KIB = "3000000";

  @TempDir Path tmp;

  static String javaHome() {
    return Path.of(System.getProperty("java.home")).toString();
  }

  static Result bash(String script, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(Path.of("").toAbsolutePath().toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out, err);
  }

  record Result(int code, String out, String err) {}

  @Test
  void findJavaWorksUnderAnAddressSpaceLimit() throws Exception {
    Result r = bash("ulimit -v " + LIMIT_KIB + " && bin/find-java", Map.of("JAVA_HOME", javaHome()));
    assertEquals(0, r.code(), r.err());
    assertEquals(javaHome(), r.out().strip());
    assertFalse(r.err().contains("no JDK"), r.err());
  }

  @Test
  void findJavaSaysWhyAJdkCannotStart() throws Exception {
    Path bad = Files.createDirectories(tmp.resolve("bad/bin"));
    Path java = bad.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'Error occurred during initialization of VM' >&2\n"
        + "echo 'Could not reserve enough space for object heap' >&2\nexit 1\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Result r = bash("bin/find-java", Map.of("JAVA_HOME", bad.getParent().toString()));
    assertTrue(r.err().contains(java + " could not start: Could not reserve enough space for object heap"), r.err());
  }

  /**
   * A copy of {@code bin/trawl} (and the scripts it runs) beside a stand-in jar, under {@code
   * tmp/trawl}, and the stand-in JDK of {@link #standInJava} running {@code record}. Returns the
   * launcher.
   */
  Path recordingLauncher(String record) throws Exception {
    Path root = launcherCopy();
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/trawl.jar"), "stand-in");
    standInJava(record);
    return root.resolve("bin/trawl");
  }

  /** {@code tmp/trawl/bin} with copies of {@code bin/trawl} and the scripts it runs; returns {@code tmp/trawl}. */
  Path launcherCopy() throws Exception {
    Path root = tmp.resolve("trawl");
    Files.createDirectories(root.resolve("bin"));
    for (String s : List.of("trawl", "find-java", "native-env")) {
      Files.copy(Path.of("bin", s), root.resolve("bin").resolve(s));
    }
    return root;
  }

  /**
   * A stand-in JDK under {@code tmp/jdk} ({@link #standInJdk} points the launcher at it) whose
   * {@code java} runs {@code record} (a shell command) instead of the JVM, except for {@code
   * -version}, which the real JDK answers.
   */
  void standInJava(String record) throws Exception {
    Path jdk = tmp.resolve("jdk");
    Files.createDirectories(jdk.resolve("bin"));
    Files.copy(Path.of(javaHome(), "release"), jdk.resolve("release"));
    Path java = jdk.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in -version) exec '" + javaHome()
        + "/bin/java' \"$@\";; esac; done\n" + record + "\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  Map<String, String> standInJdk() {
    return Map.of("TRAWL_JAVA_HOME", tmp.resolve("jdk").toString(), "TRAWL_CACHE", tmp.resolve("cache").toString());
  }

  /**
   * {@code bin/native-env}: the launcher sets glibc's allocator tunables for the JVM, but leaves a
   * {@code GLIBC_TUNABLES} or {@code MALLOC_*_} the user set alone, and sets nothing under {@code
   * ulimit -v}.
   */
  @Test
  void theLauncherSetsTheAllocatorUnlessTheUserDid() throws Exception {
    Path seen = tmp.resolve("tunables.txt");
    Path trawl = recordingLauncher("printf '[%s]\\n' \"$GLIBC_TUNABLES\" > '" + seen + "'");
    String clean = "unset GLIBC_TUNABLES MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_ MALLOC_TOP_PAD_; ";
    String[][] cases = {
      {"", "[glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456]"},
      {"export GLIBC_TUNABLES=glibc.malloc.perturb=0; ", "[glibc.malloc.perturb=0]"},
      {"export MALLOC_TOP_PAD_=4096; ", "[]"},
      {"ulimit -v " + LIMIT_KIB + "; ", "[]"},
    };
    for (String[] c : cases) {
      Files.deleteIfExists(seen);
      Result r = bash(clean + c[0] + "'" + trawl + "' --version", standInJdk());
      assertEquals(0, r.code(), c[0] + r.out() + r.err());
      assertEquals(c[1], Files.readString(seen).strip(), c[0]);
    }
  }

  @Test
  void theLauncherFitsTheHeapToTheLimit() throws Exception {
    Path args = tmp.resolve("args.txt");
    Path trawl = recordingLauncher("printf '%s\\n' \"$@\" > '" + args + "'");
    Result r = bash("ulimit -v " + LIMIT_KIB + " && '" + trawl + "' --version", standInJdk());
    assertEquals(0, r.code(), r.out() + r.err());
    List<String> a = Files.readAllLines(args);
    // (3000000 KiB / 1024 - 1024) / 2 MiB, unless half the RAM is less
    long expected = (Long.parseLong(LIMIT_KIB) / 1024 - 1024) / 2;
    String xmx = a.stream().filter(s -> s.startsWith("-Xmx")).findFirst().orElse("none");
    assertTrue(xmx.matches("-Xmx\\d+m") && Long.parseLong(xmx.substring(4, xmx.length() - 1)) <= expected, a.toString());
    assertFalse(a.contains("-XX:MaxRAMPercentage=50"), a.toString());
    assertTrue(a.contains("--version"), a.toString());
  }

  /**
   * A first build on a fresh machine: Maven's offline attempt fails with "[ERROR] Non-resolvable
   * import POM" lines (the dependencies are not there yet); the launcher must not show them, but
   * say in one line that it downloads, build online, and run. A stand-in {@code mvn} plays both
   * attempts; a stand-in {@code java} records its arguments.
   */
  @Test
  void aFirstBuildShowsNoOfflineErrors() throws Exception {
    Path root = launcherCopy();
    Files.createDirectories(root.resolve("src/main"));
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Path fakeBin = Files.createDirectories(tmp.resolve("path"));
    Path calls = tmp.resolve("mvn-calls.txt");
    Path mvn = fakeBin.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
        + "case \" $* \" in *\" -o \"*) echo '[ERROR] Non-resolvable import POM: Cannot access central"
        + " in offline mode'; echo '[ERROR] BUILD FAILURE' >&2; exit 1;; esac\n"
        + "mkdir -p target && echo jar > target/trawl.jar\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path args = tmp.resolve("args.txt");
    standInJava("printf '%s\\n' \"$@\" > '" + args + "'");
    Result r = bash("PATH='" + fakeBin + "':\"$PATH\" '" + root.resolve("bin/trawl") + "' --version", standInJdk());
    assertEquals(0, r.code(), r.out() + r.err());
    assertFalse((r.out() + r.err()).contains("[ERROR]"), r.out() + r.err());
    assertTrue(r.err().contains("trawl: downloading dependencies from Maven Central (first build) ..."), r.err());
    assertEquals(2, r.err().strip().lines().count(), r.err());
    List<String> mvnCalls = Files.readAllLines(calls);
    assertEquals(2, mvnCalls.size(), mvnCalls.toString());
    assertTrue(mvnCalls.get(0).contains(" -o "), mvnCalls.toString());
    assertFalse(mvnCalls.get(1).contains(" -o "), mvnCalls.toString());
    assertTrue(Files.readAllLines(args).contains("--version"));
  }
}
