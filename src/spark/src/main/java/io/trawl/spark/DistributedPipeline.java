package io.trawl.spark;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import io.trawl.io.RunMetadata;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.pipeline.Pipeline;
import io.trawl.pipeline.PipelineRunner;
import io.trawl.search.SearchOptions;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code trawl run --pipeline} on Spark: the topics are cut into contiguous partitions, each task
 * runs the whole pipeline ({@link PipelineRunner}: retrievers, {@code dense(...)}, {@code
 * fuse(...)}, rerankers) over its queries and writes {@code part-NNNNN.run} into a work folder, and
 * the driver joins the parts in topic order into one run. A query's ranking depends on that query
 * alone (retrievers score one query at a time, fusion fuses per query, and every reranker gives
 * the same output alone or in a batch: {@code RerankerContractTest}), so the run equals {@code
 * trawl run}'s byte for byte, whatever the partitions.
 *
 * <p>Indexes (lexical and dense) and model folders must be readable at the same paths on every
 * executor (a shared file system). With {@code resume}, a rerun of the same job keeps finished
 * partitions; the work folder is removed at the end.
 */
public final class DistributedPipeline {

  /** What to run; serializable for the executors. */
  public record Options(String pipeline, String index, String topics, String fields, boolean removeQuery,
      int threads, String output, String workDir, int partitions, boolean resume, String tag,
      int failFirstAttemptOfPartition) implements Serializable {}

  /** What the job did. */
  public record Summary(int queries, int partitions, int resumedPartitions, long lines, String tag,
      double seconds) {}

  /** One task's share: its partition number and its queries. */
  record Part(int number, List<Topic> topics) implements Serializable {}

  private DistributedPipeline() {}

  public static Summary run(JavaSparkContext sc, Options o) {
    long t0 = System.nanoTime();
    if (o.output() == null || o.output().equals("-")) {
      throw TrawlException.invalid("distributed run writes a file: give --output");
    }
    Pipeline pipeline = Pipeline.parse(o.pipeline());
    PipelineRunner.check(pipeline); // names and parameters, before any task starts
    if (o.fields() != null) {
      SearchOptions.parseFields(o.fields());
    }
    List<Topic> topics = Topic.of(Topics.read(o.topics()));
    if (topics.isEmpty()) {
      throw TrawlException.invalid(o.topics() + ": no topics");
    }
    int parts = Math.max(1, Math.min(o.partitions() > 0 ? o.partitions() : sc.defaultParallelism(),
        topics.size()));
    Path work = Path.of(o.workDir() != null ? o.workDir() : o.output() + ".parts").toAbsolutePath();
    String job = String.format(Locale.ROOT,
        "{\"pipeline\":%s,\"index\":%s,\"topics\":%s,\"fields\":%s,\"remove-query\":%b,\"tag\":%s,\"partitions\":%d,\"queries\":%d}%n",
        WorkFolder.quote(pipeline.toString()), WorkFolder.quote(o.index() == null ? null : Path.of(o.index()).toAbsolutePath().toString()),
        WorkFolder.quote(o.topics()), WorkFolder.quote(o.fields()), o.removeQuery(), WorkFolder.quote(o.tag()), parts, topics.size());
    int resumed = WorkFolder.prepare(work, job, o.resume(), parts, i -> Files.exists(work.resolve(name(i)))
        && Files.exists(work.resolve(name(i) + RunMetadata.SUFFIX)));
    List<Part> shares = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      int from = (int) ((long) topics.size() * i / parts);
      int to = (int) ((long) topics.size() * (i + 1) / parts);
      shares.add(new Part(i, new ArrayList<>(topics.subList(from, to))));
    }
    Options task = new Options(o.pipeline(), o.index(), null, o.fields(), o.removeQuery(), o.threads(),
        null, work.toString(), parts, true, o.tag(), o.failFirstAttemptOfPartition());
    List<Integer> done = sc.parallelize(shares, parts).map(p -> runPart(task, p)).collect();
    if (done.size() != parts) {
      throw new IllegalStateException("expected " + parts + " partitions, got " + done.size());
    }
    long lines = 0;
    try (io.trawl.core.AtomicOutput out = io.trawl.core.AtomicOutput.open(o.output())) {
      java.io.Writer w = out.writer();
      for (int i = 0; i < parts; i++) {
        String text = Files.readString(work.resolve(name(i)), StandardCharsets.UTF_8);
        lines += text.chars().filter(c -> c == '\n').count();
        w.write(text);
      }
      RunMetadata.delete(o.output()); // never an earlier run's description beside this run
      out.commit();
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(o.output(), e);
    }
    // the tag and the rerankers' settings (engines, threads, batches) the tasks wrote, each the same
    com.fasterxml.jackson.databind.JsonNode meta = WorkFolder.partMetadata(work.resolve(name(0)));
    String tag = meta.path("tag").asText();
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = new LinkedHashMap<>(new com.fasterxml.jackson.databind.ObjectMapper()
        .convertValue(meta.path("settings"), Map.class));
    settings.put("partitions", parts);
    settings.put("threads", o.threads());
    RunMetadata.write(o.output(), tag, settings);
    WorkFolder.delete(work);
    return new Summary(topics.size(), parts, resumed, lines, tag, (System.nanoTime() - t0) / 1e9);
  }

  static String name(int part) {
    return String.format(Locale.ROOT, "part-%05d.run", part);
  }


  /** Runs on an executor: the whole pipeline over one partition's queries. */
  static int runPart(Options o, Part part) {
    Path out = Path.of(o.workDir()).resolve(name(part.number()));
    if (Files.exists(out) && Files.exists(Path.of(out + RunMetadata.SUFFIX))) {
      return part.number(); // finished by an earlier run of the job
    }
    TaskContext tc = TaskContext.get();
    if (tc != null && tc.attemptNumber() == 0 && part.number() == o.failFirstAttemptOfPartition()) {
      throw new IllegalStateException("test hook: the first attempt of partition " + part.number() + " dies");
    }
    List<Query> queries = part.topics().stream().map(Topic::query).toList();
    Map<String, Float> fields = o.fields() == null ? null : SearchOptions.parseFields(o.fields());
    PipelineRunner.Result result = PipelineRunner.execute(Pipeline.parse(o.pipeline()), queries,
        new PipelineRunner.Context(o.index() == null ? null : Path.of(o.index()), fields, o.removeQuery(),
            o.threads() > 0 ? o.threads() : Runtime.getRuntime().availableProcessors()));
    Run run = result.run();
    if (o.tag() != null) {
      Map<String, RankedList> lists = new LinkedHashMap<>(run.lists());
      run = new Run(o.tag(), lists);
    }
    // atomic: a retried or speculative task never leaves half a part
    RunWriter.write(out.toString(), RunWriter.Format.TREC, run, result.settings());
    return part.number();
  }
}
