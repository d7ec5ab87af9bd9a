package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trawl.core.VectorFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * trawl-spark on a real multi-process cluster: a Spark standalone master and two workers started
 * as separate JVMs on 127.0.0.1 from the test classpath (no Spark installation: a stub SPARK_HOME
 * and SPARK_DIST_CLASSPATH give the workers' executors the same classpath), one core and a small
 * heap each, plus the in-JVM HDFS ({@link TestHdfs}). The driver is this JVM, running the
 * {@code trawl-spark} command line. One cluster serves every case; all processes are destroyed in
 * {@link #stop()} and by a shutdown hook, and end by themselves if this JVM dies ({@link Child}).
 * Logs: target/standalone-cluster/.
 *
 * <p>SciFact (BEIR flat, 300 test queries, top 1000): the 2-shard index built on HDFS by the
 * cluster gives {@code trawl search}'s BM25 and QL runs on one index byte for byte; the cluster's
 * monoT5 (tiny golden T5) rerank equals {@code trawl rerank}; its all-MiniLM-L6-v2 encoding (fp32,
 * batch 1, 2 partitions) equals {@code trawl encode} bit for bit; SIGKILLing one worker (and its
 * executor) while it builds a shard still gives the identical run, with nothing left in temporary
 * names on HDFS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
  static final String BM25 = "bm25(k1=0.9,b=0.4)";
  static final String QL = "qld(mu=1000)";
  static final Path HOME = Path.of("target", "standalone-cluster").toAbsolutePath();
  /** The longest a master or worker JVM lives, whatever happens to this JVM. */
  static final int LIFETIME_SECONDS = 1200;
  /** Every Spark property this test sets as a system property (the driver's SparkConf reads them). */
  static final List<String> PROPERTIES = new ArrayList<>();

  final List<Process> processes = new ArrayList<>();
  final List<Process> workers = new ArrayList<>();
  final List<Path> workerDirs = new ArrayList<>();
  Thread hook;
  String master;
  String hdfs;
  Path corpus;
  Path single;
  long started;

  @BeforeAll
  void start() throws Exception {
    started = System.nanoTime();
    corpus = SparkTests.sharedData("beir-scifact/corpus.jsonl");
    SparkTests.sharedData("beir-scifact/topics.test.tsv");
    assumeTrue(canStartProcesses(), "skipped: this environment cannot start processes (java -version failed)");
    SparkTests.release(); // this JVM's driver runs against the cluster now
    ShardStore.deleteTree(HOME, true);
    Files.createDirectories(HOME.resolve("spark-home/jars"));
    hook = new Thread(this::destroyAll);
    Runtime.getRuntime().addShutdownHook(hook);
    String cp = classpath();
    List<String> jvm = jvmFlags();
    int port = freePort();
    master = "spark://127.0.0.1:" + port;
    List<String> m = new ArrayList<>(List.of(java(), "-Xmx256m"));
    m.addAll(jvm);
    m.addAll(List.of("-cp", cp, Child.class.getName(), String.valueOf(LIFETIME_SECONDS),
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
    Process mp = launch("master", m, Map.of());
    log("master pid %d at %s", mp.pid(), master);
    waitFor(() -> listening(port), 60, "the master to listen on " + port);
    for (int i = 1; i <= 2; i++) {
      Path dir = HOME.resolve("worker-" + i);
      Files.createDirectories(dir);
      workerDirs.add(dir);
      List<String> w = new ArrayList<>(List.of(java(), "-Xmx256m"));
      w.addAll(jvm);
      w.addAll(List.of("-cp", cp, Child.class.getName(), String.valueOf(LIFETIME_SECONDS),
          "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()),
          "--work-dir", dir.toString(), master));
      Process wp = launch("worker-" + i, w, Map.of("SPARK_HOME", HOME.resolve("spark-home").toString(),
          "SPARK_DIST_CLASSPATH", cp, "SPARK_SCALA_VERSION", "2.13"));
      workers.add(wp);
      log("worker-%d pid %d (1 core, 1g), work dir %s", i, wp.pid(), dir);
    }
    // the single index (trawl index) while the workers start and register
    single = HOME.resolve("scifact-single");
    assertEquals(0, trawl("index", "--collection", "beir", "--input", corpus.toString(), "--index",
        single.toString(), "--threads", "2"));
    waitFor(() -> count(HOME.resolve("worker-1.log"), "Successfully registered with master") > 0
        && count(HOME.resolve("worker-2.log"), "Successfully registered with master") > 0, 120,
        "both workers to register");
    hdfs = TestHdfs.uri() + "/cluster";
    // the application's settings, as spark-submit would pass them
    String executorFlags = String.join(" ", jvm) + " -Dorg.slf4j.simpleLogger.defaultLogLevel=info"
        + " -D" + ShardStore.CACHE_PROPERTY + "=" + HOME.resolve("executor-shard-cache");
    set("spark.executor.memory", "768m");
    set("spark.executor.cores", "1");
    set("spark.executor.extraJavaOptions", executorFlags);
    set("spark.ui.enabled", "false");
    set("spark.driver.host", "127.0.0.1");
    set("spark.driver.bindAddress", "127.0.0.1");
    log("cluster up (and the single index built) in %.1f s", (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  void stop() {
    destroyAll();
    if (hook != null) {
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    for (String p : PROPERTIES) {
      System.clearProperty(p);
    }
    PROPERTIES.clear();
    if (started > 0) {
      log("cluster test took %.1f s in all", (System.nanoTime() - started) / 1e9);
    }
  }

  // ---- the cases --------------------------------------------------------------------------------

  @Test
  @Order(1)
  void shardedBm25AndQlOnHdfsEqualTrawlSearchOnOneIndex() throws Exception {
    String index = hdfs + "/scifact-2";
    long t0 = System.nanoTime();
    assertEquals(0, spark("index", "--shards", "2", "--collection", "beir", "--input", corpus.toString(),
        "--index", index));
    log("trawl-spark index on the cluster: %.1f s; HDFS: %s", (System.nanoTime() - t0) / 1e9, listing(index));
    for (String retriever : List.of(BM25, QL)) {
      Path expected = HOME.resolve("single." + name(retriever) + ".run");
      Path got = HOME.resolve("cluster." + name(retriever) + ".run");
      assertEquals(0, trawl("search", "--index", single.toString(), "--topics", topics(), "--retriever",
          retriever, "--remove-query", "--run-tag", "t", "-o", expected.toString()));
      t0 = System.nanoTime();
      assertEquals(0, spark("search", "--index", index, "--topics", topics(), "--retriever", retriever,
          "--remove-query", "--run-tag", "t", "-o", got.toString()));
      byte[] a = Files.readAllBytes(expected);
      byte[] b = Files.readAllBytes(got);
      assertTrue(a.length > 200_000, "a full run");
      assertTrue(java.util.Arrays.equals(a, b), retriever + ": the cluster's run differs from trawl search");
      log("%s: cluster run == trawl search run (%d bytes, %d lines), search %.1f s", retriever, b.length,
          Files.readAllLines(got).size(), (System.nanoTime() - t0) / 1e9);
    }
    assertTrue(executorLogs().stream().anyMatch(p -> p.toString().contains("worker-1"))
        && executorLogs().stream().anyMatch(p -> p.toString().contains("worker-2")),
        "both workers ran executors: " + executorLogs());
  }

  @Test
  @Order(2)
  void distributedMonoT5EqualsTrawlRerank() throws Exception {
    Path model = SparkTests.tinyMonoT5(HOME);
    Path input = SparkTests.dl19Candidates(HOME.resolve("dl19-6.jsonl"));
    String spec = "monot5(model=\"" + model + "\",threads=1)";
    Path expected = HOME.resolve("single.monot5.run");
    Path got = HOME.resolve("cluster.monot5.run");
    assertEquals(0, trawl("rerank", "--reranker", spec, "--input", input.toString(), "--depth", "8",
        "-o", expected.toString()));
    long t0 = System.nanoTime();
    assertEquals(0, spark("rerank", "--reranker", spec, "--input", input.toString(), "--depth", "8",
        "--partitions", "3", "-o", got.toString()));
    assertEquals(6 * 12, Files.readAllLines(expected).size());
    assertEquals(Files.readString(expected), Files.readString(got));
    log("monoT5: cluster rerank == trawl rerank (%d lines), %.1f s", 6 * 12, (System.nanoTime() - t0) / 1e9);
  }

  @Test
  @Order(3)
  void distributedEncodeEqualsTrawlEncode() throws Exception {
    Path small = HOME.resolve("scifact-32.jsonl");
    try (Stream<String> lines = Files.lines(corpus)) {
      Files.write(small, lines.limit(32).toList());
    }
    Path expected = HOME.resolve("single.minilm.vec");
    Path got = HOME.resolve("cluster.minilm");
    assertEquals(0, trawl("encode", "--corpus", small.toString(), "--encoder", "all-minilm-l6-v2",
        "--batch", "1", "--threads", "1", "-o", expected.toString()));
    long t0 = System.nanoTime();
    assertEquals(0, spark("encode", "--corpus", small.toString(), "--encoder", "all-minilm-l6-v2",
        "--batch", "1", "--partitions", "2", "--output", got.toString()));
    VectorFile a = VectorFile.read(expected);
    VectorFile b = VectorFile.read(got);
    assertEquals(32, a.ids().size());
    assertEquals(a.ids(), b.ids());
    for (int i = 0; i < a.ids().size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(a.vectors()[i], b.vectors()[i], 0f,
          "document " + a.ids().get(i));
    }
    log("all-MiniLM-L6-v2: the cluster's 2 vector shards == trawl encode, bit for bit (32 x %d floats), %.1f s",
        a.vectors()[0].length, (System.nanoTime() - t0) / 1e9);
  }

  @Test
  @Order(4)
  void killingAWorkerMidJobStillGivesTheIdenticalRun() throws Exception {
    String index = hdfs + "/scifact-4-killed";
    List<Path> before = executorLogs();
    long t0 = System.nanoTime();
    CompletableFuture<Integer> job = CompletableFuture.supplyAsync(() -> spark("index", "--shards", "4",
        "--collection", "beir", "--input", corpus.toString(), "--index", index));
    // what passes through _temporary while the job runs (uploads before their rename)
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread watcher = new Thread(() -> {
      while (!job.isDone()) {
        try {
          for (String n : listing(index + "/" + ShardStore.TEMPORARY)) {
            seen.add(n);
          }
          Thread.sleep(20);
        } catch (IOException e) {
          // not there (yet, or any more)
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    watcher.setDaemon(true);
    watcher.start();
    // wait until an executor of this application runs its first task, then kill that worker
    Path victimLog = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (victimLog == null && System.nanoTime() < deadline && !job.isDone()) {
      for (Path p : executorLogs()) {
        if (!before.contains(p) && count(p, "Running task") > 0) {
          victimLog = p;
          break;
        }
      }
      Thread.sleep(20);
    }
    assertTrue(victimLog != null, "no executor of the job started a task");
    int victim = victimLog.startsWith(workerDirs.get(0)) ? 0 : 1;
    Process w = workers.get(victim);
    List<ProcessHandle> children = w.descendants().toList();
    for (ProcessHandle c : children) {
      c.destroyForcibly(); // SIGKILL: the executor
    }
    w.destroyForcibly(); // SIGKILL: the worker
    w.waitFor(30, TimeUnit.SECONDS);
    log("killed worker-%d (SIGKILL, pid %d) and its executor(s) %s while it ran a task (%s)", victim + 1,
        w.pid(), children.stream().map(ProcessHandle::pid).toList(), HOME.relativize(victimLog));
    int code = job.get(300, TimeUnit.SECONDS);
    watcher.join(5000);
    assertEquals(0, code, "the job survives the lost worker");
    log("seen in %s/%s during the job: %s", index, ShardStore.TEMPORARY, new java.util.TreeSet<>(seen));
    String killed = Files.readString(victimLog);
    assertFalse(killed.contains("Finished task"), "the killed executor finished no task: it died mid-task");
    log("index with a killed worker: %.1f s; HDFS listing after the job:%n%s", (System.nanoTime() - t0) / 1e9,
        recursiveListing(index));
    assertEquals(List.of("shard-00000", "shard-00001", "shard-00002", "shard-00003", ShardManifest.FILE),
        listing(index), "no temporary names left, one copy of each shard");
    Path expected = HOME.resolve("single.bm25.run");
    Path got = HOME.resolve("killed.bm25.run");
    assertEquals(0, spark("search", "--index", index, "--topics", topics(), "--retriever", BM25,
        "--remove-query", "--run-tag", "t", "-o", got.toString()));
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(expected), Files.readAllBytes(got)),
        "the run after a lost worker differs from trawl search");
    log("BM25 on the index built despite the killed worker == trawl search run");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static String topics() {
    return SparkTests.sharedData("beir-scifact/topics.test.tsv").toString();
  }

  static String name(String retriever) {
    return retriever.substring(0, retriever.indexOf('('));
  }

  /** {@code trawl-spark ARGS --master <cluster>} in this JVM (the driver); returns the exit code. */
  int spark(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.add(1, "--master");
    a.add(2, master);
    return run("trawl-spark", TrawlSpark.commandLine(), a);
  }

  int trawl(String... args) {
    return run("trawl", io.trawl.cli.Trawl.commandLine(), List.of(args));
  }

  static int run(String program, CommandLine cl, List<String> args) {
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args.toArray(String[]::new));
    if (code != 0) {
      log("%s %s -> exit %d: %s", program, args, code, err);
    }
    return code;
  }

  static void set(String key, String value) {
    System.setProperty(key, value);
    PROPERTIES.add(key);
  }

  List<String> listing(String dir) throws IOException {
    FileSystem fs = TestHdfs.cluster().getFileSystem();
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path(dir))) {
      names.add(s.getPath().getName());
    }
    names.sort(null);
    return names;
  }

  String recursiveListing(String dir) throws IOException {
    FileSystem fs = TestHdfs.cluster().getFileSystem();
    List<String> lines = new ArrayList<>();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
    for (FileStatus s : fs.listStatus(root)) {
      lines.add(String.format(Locale.ROOT, "  %s %s", s.isDirectory() ? "d" : "-", s.getPath().toUri().getPath()));
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    int files = 0;
    long bytes = 0;
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      files++;
      bytes += f.getLen();
    }
    lines.sort(null);
    lines.add(String.format(Locale.ROOT, "  (%d files, %d bytes in all)", files, bytes));
    return String.join("\n", lines);
  }

  /** The executors' stderr logs under the workers' work folders. */
  List<Path> executorLogs() throws IOException {
    List<Path> logs = new ArrayList<>();
    for (Path d : workerDirs) {
      if (Files.isDirectory(d)) {
        try (Stream<Path> s = Files.walk(d, 3)) {
          s.filter(p -> p.getFileName().toString().equals("stderr")).forEach(logs::add);
        }
      }
    }
    logs.sort(null);
    return logs;
  }

  static long count(Path log, String text) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1).split(java.util.regex.Pattern.quote(text), -1).length - 1 : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  Process launch(String name, List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile())
        .redirectErrorStream(true).redirectOutput(HOME.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  synchronized void destroyAll() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }

  /**
   * Runs a Spark daemon's main class in a child JVM that ends by itself: when the test JVM goes
   * away, even killed (the child's stdin, a pipe from the test JVM, reaches end of file), or after
   * {@code args[0]} seconds. Its executors end with it (Spark's WorkerWatcher).
   */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      long seconds = Long.parseLong(args[0]);
      Thread orphan = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // the test JVM writes nothing; end of file means it is gone
          }
        } catch (IOException e) {
          // the same
        }
        Runtime.getRuntime().halt(3);
      }, "parent-watch");
      Thread deadline = new Thread(() -> {
        try {
          Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
          return;
        }
        Runtime.getRuntime().halt(4);
      }, "deadline");
      for (Thread t : List.of(orphan, deadline)) {
        t.setDaemon(true);
        t.start();
      }
      Class.forName(args[1]).getMethod("main", String[].class)
          .invoke(null, (Object) java.util.Arrays.copyOfRange(args, 2, args.length));
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static boolean canStartProcesses() {
    try {
      Process p = new ProcessBuilder(java(), "-version").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** The test JVM's classpath (surefire's, not its manifest-only booter jar). */
  static String classpath() {
    String cp = Optional.ofNullable(System.getProperty("surefire.test.class.path"))
        .orElse(System.getProperty("java.class.path"));
    assertTrue(cp.contains("spark-core"), "the test classpath has no Spark: " + cp);
    return cp;
  }

  /** This JVM's module flags (the --add-opens Spark needs, the vector module), for the children. */
  static List<String> jvmFlags() {
    List<String> flags = new ArrayList<>();
    List<String> in = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (int i = 0; i < in.size(); i++) {
      String a = in.get(i);
      if (a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("--enable-native-access")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty") || a.startsWith("-Dai.djl")
          || a.startsWith("-DENGINE_CACHE_DIR")) {
        if ((a.equals("--add-opens") || a.equals("--add-modules")) && i + 1 < in.size()) {
          flags.add(a + "=" + in.get(++i));
        } else {
          flags.add(a);
        }
      }
    }
    return flags;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  void waitFor(Check c, int seconds, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!c.ok()) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster process exited (" + p.exitValue() + "); see " + HOME);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what + "; see " + HOME);
      }
      Thread.sleep(100);
    }
  }

  static void log(String format, Object... args) {
    System.out.println("[cluster] " + String.format(Locale.ROOT, format, args));
    System.out.flush();
  }
}
