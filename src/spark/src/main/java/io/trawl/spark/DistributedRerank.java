package io.trawl.spark;

import io.trawl.core.AtomicOutput;
import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.io.CandidateFiles;
import io.trawl.io.QueryCandidates;
import io.trawl.io.RunMetadata;
import io.trawl.io.RunReader;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.rerank.IndexDocTexts;
import io.trawl.rerank.RerankJob;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.registry.Rerankers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Reranking with Spark: the queries are cut into contiguous partitions, one Spark task per
 * partition; each task runs the ordinary resumable {@link RerankJob} on its partition, so it loads
 * the model once and appends every finished query to its work file. A task that dies (executor
 * lost, out of memory, the test hook) is rerun by Spark and resumes from that work file, so no
 * query is scored twice into the output or lost. The driver concatenates the partitions' outputs
 * in input order; since {@link RerankJob} scores each query on its own, the merged run is
 * byte-identical to a single-process {@code trawl rerank}.
 *
 * <p>Work folder ({@code <output>.parts} unless given): {@code job.json} (what is being done),
 * {@code part-NNNNN.jsonl} (inputs), {@code part-NNNNN.work} (per-query progress),
 * {@code part-NNNNN.out} (finished partitions). With {@code resume}, a rerun of the whole job
 * keeps finished partitions and resumes the others; the folder is removed at the end.
 * The work folder must be on a file system shared by the executors and the driver.
 */
public final class DistributedRerank {

  /** What to rerank; serializable for the executors. */
  public record Options(String reranker, String input, String index, String topics, Integer depth,
      String output, String format, String workDir, int partitions, boolean resume, String tag,
      int failFirstAttemptOfPartition) implements Serializable {}

  /** The queries with their candidates' texts, and what made them ({@link RerankJob#source}). */
  record Input(List<QueryCandidates> queries, String source) {}

  /** What the job did. */
  public record Summary(int queries, int partitions, int resumedPartitions, double seconds) {}

  private DistributedRerank() {}

  public static Summary run(JavaSparkContext sc, Options o) {
    long t0 = System.nanoTime();
    if (o.output() == null || o.output().equals("-")) {
      throw TrawlException.invalid("distributed rerank writes a file: give --output");
    }
    String spec = Spec.parse(o.reranker()).toString();
    String format = o.format() != null ? o.format()
        : o.output().endsWith(".jsonl") || o.output().endsWith(".json") ? "jsonl" : "trec";
    if (!format.equals("trec") && !format.equals("jsonl")) {
      throw TrawlException.invalid("unknown output format '" + format + "'; valid: trec, jsonl");
    }
    Input input = readInput(o);
    List<QueryCandidates> queries = input.queries();
    int parts = Math.max(1, Math.min(o.partitions() > 0 ? o.partitions() : sc.defaultParallelism(),
        queries.size()));
    Path work = Path.of(o.workDir() != null ? o.workDir() : o.output() + ".parts").toAbsolutePath();
    String job = String.format(Locale.ROOT,
        "{\"reranker\":%s,\"input\":%s,\"depth\":%s,\"format\":%s,\"tag\":%s,\"partitions\":%d,\"queries\":%d}%n",
        WorkFolder.quote(spec), WorkFolder.quote(Path.of(o.input()).toAbsolutePath().toString()), o.depth(), WorkFolder.quote(format),
        WorkFolder.quote(o.tag()), parts, queries.size());
    int resumed = WorkFolder.prepare(work, job, o.resume(), parts, i -> finished(work, i));
    writeInputs(work, parts, queries);
    // the tag names the whole input, as trawl rerank would: each task composes it with its
    // reranker's canonical spec, the same in every task
    Task task = new Task(new Options(spec, o.input(), null, null, o.depth(), o.output(), format,
        work.toString(), parts, true, o.tag(), o.failFirstAttemptOfPartition()), input.source());
    List<Integer> ids = IntStream.range(0, parts).boxed().toList();
    List<Integer> done = sc.parallelize(ids, parts).map(i -> rerankPart(task, i)).collect();
    if (done.size() != parts) {
      throw new IllegalStateException("expected " + parts + " partitions, got " + done.size());
    }
    try (AtomicOutput out = AtomicOutput.open(o.output())) {
      Writer w = out.writer();
      for (int i = 0; i < parts; i++) {
        w.write(Files.readString(work.resolve(name(i, "out")), StandardCharsets.UTF_8));
      }
      out.commit();
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, o.output() + ": cannot write: " + e.getMessage(), e);
    }
    RunMetadata.write(o.output(), RunWriter.tag(o.tag() != null ? o.tag()
        : WorkFolder.partMetadata(work.resolve(name(0, "out"))).path("tag").asText()),
        Map.of("reranker", spec, "partitions", parts));
    WorkFolder.delete(work);
    return new Summary(queries.size(), parts, resumed, (System.nanoTime() - t0) / 1e9);
  }

  static String name(int part, String ext) {
    return String.format(Locale.ROOT, "part-%05d.%s", part, ext);
  }

  /** What an executor runs: the job's options and what made its input ({@link RerankJob#source}). */
  record Task(Options options, String source) implements Serializable {}

  /** Runs on an executor: one partition through RerankJob (resuming its work file). */
  static int rerankPart(Task t, int part) {
    Options o = t.options();
    Path work = Path.of(o.workDir());
    Path out = work.resolve(name(part, "out"));
    if (finished(work, part)) {
      return part; // finished by an earlier run of the job
    }
    TaskContext tc = TaskContext.get();
    boolean failing = tc != null && tc.attemptNumber() == 0 && part == o.failFirstAttemptOfPartition();
    RerankJob.Options jo = new RerankJob.Options(o.reranker(), work.resolve(name(part, "jsonl")).toString(),
        null, null, o.depth(), out.toString(), o.format(), work.resolve(name(part, "work")).toString(),
        true, o.tag(), t.source(), false);
    new RerankJob(jo, spec -> {
      Reranker r = Rerankers.registry().create(spec);
      return failing ? new FailAfter(r, 2) : r;
    }).run(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
    return part;
  }

  /** Test hook: a reranker that dies after {@code n} queries (like a lost executor). */
  private static final class FailAfter implements Reranker {
    private final Reranker inner;
    private int left;

    FailAfter(Reranker inner, int n) {
      this.inner = inner;
      this.left = n;
    }

    @Override
    public String spec() {
      return inner.spec();
    }

    @Override
    public RankedList rerank(Query query, RankedList candidates) {
      if (left-- <= 0) {
        throw new IllegalStateException("test hook: task dies after its first queries");
      }
      return inner.rerank(query, candidates);
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /** The queries with their candidates' texts, in input order. */
  static Input readInput(Options o) {
    if (o.input() == null) {
      throw TrawlException.invalid("no input: give a TREC run or a candidates file");
    }
    String first;
    try (Stream<String> lines = Files.lines(Path.of(o.input()), StandardCharsets.UTF_8)) {
      first = lines.filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new InputException(o.input(), "cannot read: " + e.getMessage());
    }
    if (first.startsWith("[") || first.startsWith("{")) {
      return new Input(CandidateFiles.read(o.input()), RerankJob.source(o.input(), true, "", o.depth()));
    }
    if (o.topics() == null || o.index() == null) {
      throw TrawlException.invalid("a TREC run as input needs --topics and --index (for query and document texts)");
    }
    Map<String, String> topicText = new HashMap<>();
    for (Query q : Topics.read(o.topics())) {
      topicText.put(q.id(), q.text());
    }
    List<QueryCandidates> out = new ArrayList<>();
    try (IndexDocTexts texts = new IndexDocTexts(Path.of(o.index()))) {
      var run = RunReader.readRun(o.input(), RunReader.Mode.LENIENT);
      for (Map.Entry<String, RankedList> e : run.lists().entrySet()) {
        String text = topicText.get(e.getKey());
        if (text == null) {
          throw new InputException(o.topics(), "no topic for query '" + e.getKey() + "' of " + o.input());
        }
        List<Candidate> cs = new ArrayList<>();
        for (Candidate c : e.getValue().candidates()) {
          String t = texts.text(c.docId());
          if (t == null) {
            throw new InputException(o.input(), "docid '" + c.docId() + "' (query " + e.getKey() + ") is not in the index");
          }
          cs.add(c.withText(t));
        }
        out.add(new QueryCandidates(new Query(e.getKey(), text), new RankedList(e.getKey(), cs)));
      }
      return new Input(out, RerankJob.source(o.input(), false, run.tag(), o.depth()));
    }
  }

  /** Whether partition {@code i} finished: its run and the run's metadata are there. */
  private static boolean finished(Path work, int i) {
    Path out = work.resolve(name(i, "out"));
    return Files.exists(out) && Files.exists(Path.of(out + RunMetadata.SUFFIX));
  }

  /** Writes the partitions' inputs that are not there yet, each atomically. */
  private static void writeInputs(Path work, int parts, List<QueryCandidates> queries) {
    int n = queries.size();
    for (int i = 0; i < parts; i++) {
      Path part = work.resolve(name(i, "jsonl"));
      if (Files.exists(part)) {
        continue;
      }
      int from = (int) ((long) n * i / parts);
      int to = (int) ((long) n * (i + 1) / parts);
      try (AtomicOutput out = AtomicOutput.open(part.toString())) {
        CandidateFiles.writeJsonl(out.writer(), queries.subList(from, to));
        out.commit();
      } catch (IOException e) {
        throw AtomicOutput.cannotWrite(part.toString(), e);
      }
    }
  }

}
