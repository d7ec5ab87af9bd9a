package io.trawl.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.AtomicOutput;
import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.Progress;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.Shutdown;
import io.trawl.core.Spec;
import io.trawl.core.TextFiles;
import io.trawl.core.TrawlException;
import io.trawl.io.CandidateFiles;
import io.trawl.io.QueryCandidates;
import io.trawl.io.RunReader;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.io.TopicsAndQrels;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reranks a TREC run (texts from an index) or a candidates file, resumably.
 *
 * <p>The queries are reranked in consecutive groups cut from the input alone ({@link #groups}),
 * one {@link Reranker#rerankAll} call per group, and each finished group's results are appended to
 * a work file (one JSON line per query, one write, then fsync). After a crash, kill or Ctrl-C,
 * running again with {@code resume} skips the groups the work file holds (a torn last line is
 * dropped; a group only partly written is reranked whole, so every call sees the same queries as
 * in an uninterrupted run); the work file's first line records the reranker spec, the input and the
 * depth, and a mismatch is refused. Without {@code resume} a work file holding finished queries is
 * refused unless {@code force}. The final output is written atomically at the end from the input
 * order and the per-query results, so it is byte-identical to an uninterrupted run, and the work
 * file is then deleted.
 *
 * <p>The work file is locked ({@link WorkLock}) while a job runs: a second process on the same
 * output fails at once, naming the process that holds it.
 *
 * <p>With {@code depth = k} only the top k of each list are reranked; the rest keep their order
 * below them, with scores {@code min(reranked) - 1, - 2, ...}, so the run stays score-monotone.
 */
public final class RerankJob {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to do.
   *
   * @param reranker spec, e.g. {@code monot5(model=/m)}
   * @param input TREC run or candidates file (RankLLM JSON/JSONL, retrieve-results JSON)
   * @param index index folder for texts (TREC run input)
   * @param topics topics: a name from {@code topics-and-qrels/} or a file ({@link Topics}; TREC
   *     run input)
   * @param depth rerank only the top k (null: all)
   * @param output output file or {@code -}
   * @param format {@code trec} or {@code jsonl} (null: jsonl for {@code .jsonl}/{@code .json}
   *     outputs, else trec)
   * @param workFile work file (null: {@code <output>.work}; none for stdout)
   * @param resume continue from the work file
   * @param tag run tag (null: {@code SOURCE>>RERANKER@k}, see {@link #source})
   * @param source what made the input, as a pipeline source ending in {@code @k} when its depth is
   *     known (null: {@link #source} of the input file; a distributed job names its original
   *     input here, since each task reads a part of it)
   * @param force without {@code resume}, start afresh even when the work file holds finished
   *     queries (otherwise that is refused: finished work is never thrown away silently)
   */
  public record Options(String reranker, String input, String index, String topics, Integer depth,
      String output, String format, String workFile, boolean resume, String tag, String source,
      boolean force) {
    public Options(String reranker, String input, String index, String topics, Integer depth,
        String output, String format, String workFile, boolean resume, String tag) {
      this(reranker, input, index, topics, depth, output, format, workFile, resume, tag, null, false);
    }
  }

  /** Summary of a finished job. */
  public record Summary(int queries, int resumedQueries, long candidates, long reranked, double seconds) {}

  private final Options opt;
  private final Function<Spec, Reranker> factory;

  public RerankJob(Options options, Function<Spec, Reranker> factory) {
    this.opt = options;
    this.factory = factory;
  }

  /** Runs the job; progress on {@code err} as {@link Progress#mode(boolean)} says for stderr. */
  public Summary run(PrintStream err) {
    return run(err, Progress.mode(false));
  }

  /** Runs the job with progress on {@code err} in the given mode. */
  public Summary run(PrintStream err, Progress.Mode progressMode) {
    long start = System.nanoTime();
    Spec spec = Spec.parse(opt.reranker());
    String specText = spec.toString();
    String format = format();
    if (opt.depth() != null && opt.depth() < 1) {
      throw TrawlException.invalid("--depth must be >= 1, got " + opt.depth());
    }
    AtomicOutput.check(opt.output() == null ? "-" : opt.output());
    Path work = workFile();
    // one process per work file: a second one would interleave its lines or truncate the file
    try (WorkLock lock = work == null ? null : WorkLock.acquire(work)) {
      boolean workExisted = work != null && Files.exists(work);
      try (Input in = readInput()) {
        return run(err, progressMode, start, spec, specText, format, in);
      } catch (RuntimeException e) {
        if (!workExisted) {
          deleteIfNoQueryDone(work);
        }
        throw e;
      }
    }
  }

  /** A work file this run created that holds only its header is no progress: leave nothing behind. */
  private static void deleteIfNoQueryDone(Path work) {
    try {
      if (work != null && Files.isRegularFile(work) && Files.size(work) < (1 << 16)) {
        String s = Files.readString(work, StandardCharsets.UTF_8);
        if (s.indexOf('\n') == s.length() - 1 || s.indexOf('\n') < 0) {
          Files.deleteIfExists(work);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // best effort: a leftover work file is harmless for --resume
    }
  }

  private Summary run(PrintStream err, Progress.Mode progressMode, long start, Spec spec, String specText, String format, Input in) {
    Path work = workFile();
    if (opt.resume() && work == null) {
      throw TrawlException.invalid("--resume needs a work file: write to a file with --output or give --work");
    }
    Map<String, RankedList> done = new LinkedHashMap<>();
    String header = header(specText);
    if (work != null) {
      if (opt.resume() && Files.exists(work)) {
        done = readWork(work, header, in);
      } else {
        if (!opt.force()) {
          refuseToDiscard(work, header);
        }
        writeFresh(work, header);
      }
    }
    int resumed = done.size();
    Set<String> resumedIds = new HashSet<>(done.keySet());
    long total = 0;
    long todo = 0;
    for (QueryCandidates q : in.queries) {
      int n = rerankCount(q.candidates());
      total += n;
      if (!done.containsKey(q.query().id())) {
        todo += n;
      }
    }
    long reranked = 0;
    double rerankSeconds = 0;
    Map<String, Object> rerankerSettings = new LinkedHashMap<>();
    String canonical = null;
    String costLine = null;
    if (done.size() < in.queries.size()) {
      // the job is closed after the reranker: a Ctrl-C waits for its native calls to end
      try (Shutdown.Job job = Shutdown.job();
          Reranker reranker = factory.apply(spec);
          FileChannel ch = work == null ? null
              : FileChannel.open(work, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
          Progress progress = Progress.to(err, progressMode, "rerank", "candidates", todo)) {
        rerankerSettings.putAll(reranker.settings());
        canonical = reranker.spec();
        long t0 = System.nanoTime(); // after the model is loaded
        int queriesTodo = in.queries.size() - resumed;
        int queriesDone = 0;
        for (List<QueryCandidates> group : groups(in.queries)) {
          Shutdown.check(); // Ctrl-C: the finished groups are in the work file
          boolean all = true;
          for (QueryCandidates q : group) {
            all &= done.containsKey(q.query().id());
          }
          if (all) {
            continue;
          }
          // the whole group, even when a crash in the middle of its write left some of its queries
          // in the work file: a reranker that batches across queries then sees the same companions
          List<Query> queries = new ArrayList<>();
          List<RankedList> lists = new ArrayList<>();
          for (QueryCandidates q : group) {
            queries.add(q.query());
            lists.add(in.withText(q).candidates());
          }
          List<RankedList> results = rerankGroup(reranker, queries, lists);
          StringBuilder lines = new StringBuilder();
          for (int i = 0; i < queries.size(); i++) {
            if (done.putIfAbsent(queries.get(i).id(), results.get(i)) == null) {
              lines.append(workLine(queries.get(i).id(), results.get(i)));
              int n = rerankCount(lists.get(i));
              reranked += n;
              queriesDone++;
              progress.update(reranked, queriesDone + "/" + queriesTodo + " queries");
            }
          }
          if (ch != null) {
            append(ch, lines.toString()); // the group's queries in one write
          }
        }
        rerankSeconds = (System.nanoTime() - t0) / 1e9;
        Cost cost = reranker.cost();
        if (cost != null) { // the queries reranked by this process (not those resumed)
          List<String> mine = new ArrayList<>();
          for (QueryCandidates q : in.queries) {
            String id = q.query().id();
            if (done.containsKey(id) && !resumedIds.contains(id)) {
              mine.add(id);
            }
          }
          Cost.Counts counts = cost.sum(mine);
          rerankerSettings.put(io.trawl.io.RunMetadata.COST,
              Map.of("stage 2: " + spec.name(), Cost.summary(counts, mine.size(), rerankSeconds)));
          costLine = Cost.line(counts, mine.size(), rerankSeconds)
              + (resumed > 0 ? " (" + resumed + " resumed queries not counted)" : "");
        }
      } catch (IOException e) {
        throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(work), e);
      }
    }
    if (canonical == null && opt.tag() == null) { // everything resumed: the spec still names the run
      try (Reranker reranker = factory.apply(spec)) {
        canonical = reranker.spec();
        rerankerSettings.putAll(reranker.settings());
      }
    }
    RunWriter.Format fmt = format.equals("jsonl") ? RunWriter.Format.JSONL : RunWriter.Format.TREC;
    try (RunWriter w = RunWriter.open(opt.output(), fmt, opt.tag() != null ? opt.tag() : tag(in, canonical))) {
      w.setting("reranker", specText);
      rerankerSettings.forEach(w::setting);
      for (QueryCandidates q : in.queries) {
        RankedList result = done.get(q.query().id());
        if (fmt == RunWriter.Format.JSONL) {
          Map<String, String> texts = new LinkedHashMap<>();
          for (Candidate c : in.withText(q).candidates().candidates()) {
            texts.put(c.docId(), c.text());
          }
          List<Candidate> withText = new ArrayList<>();
          for (Candidate c : result.candidates()) {
            withText.add(c.withText(texts.get(c.docId())));
          }
          result = new RankedList(result.queryId(), withText);
        }
        w.write(q.query(), result);
      }
      w.commit();
    }
    if (work != null) {
      try {
        Files.deleteIfExists(work);
      } catch (IOException e) {
        // harmless leftover
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Summary s = new Summary(in.queries.size(), resumed, total, reranked, seconds);
    err.printf("rerank: %d queries (%d resumed), %d candidates reranked in %.1f s (%.1f candidates/s), %.1f s in all%n",
        s.queries(), s.resumedQueries(), s.reranked(), rerankSeconds, s.reranked() / Math.max(rerankSeconds, 1e-9),
        seconds);
    if (costLine != null) {
      err.println("rerank: " + costLine);
    }
    return s;
  }

  private int rerankCount(RankedList list) {
    return opt.depth() == null ? list.size() : Math.min(opt.depth(), list.size());
  }

  /** The input in {@link QueryGroups}, by the candidates each query reranks. */
  List<List<QueryCandidates>> groups(List<QueryCandidates> queries) {
    return QueryGroups.of(queries, q -> rerankCount(q.candidates()));
  }

  /** Reranks the top of each list in one {@link Reranker#rerankAll} call; see {@link #complete}. */
  List<RankedList> rerankGroup(Reranker reranker, List<Query> queries, List<RankedList> lists) {
    List<RankedList> tops = new ArrayList<>(lists.size());
    for (RankedList list : lists) {
      tops.add(list.top(rerankCount(list)));
    }
    List<RankedList> reranked = reranker.rerankAll(queries, tops);
    List<RankedList> out = new ArrayList<>(lists.size());
    for (int i = 0; i < lists.size(); i++) {
      out.add(complete(reranker, queries.get(i), lists.get(i), reranked.get(i)));
    }
    return out;
  }

  /**
   * Checks a reranker's output for the top of {@code list} (monotone scores, each docid of the top
   * once) and appends the rest of the list below it in input order.
   */
  private RankedList complete(Reranker reranker, Query query, RankedList list, RankedList r) {
    int k = rerankCount(list);
    RankedList top = list.top(k);
    if (!r.isMonotone()) {
      throw new TrawlException(TrawlException.RUNTIME, "reranker " + reranker.spec()
          + " returned a list that is not score-monotone for query " + query.id());
    }
    Set<String> ids = new HashSet<>();
    for (Candidate c : top.candidates()) {
      ids.add(c.docId());
    }
    List<Candidate> out = new ArrayList<>(list.size());
    for (Candidate c : r.candidates()) {
      if (!ids.remove(c.docId())) {
        throw new TrawlException(TrawlException.RUNTIME, "reranker " + reranker.spec()
            + " returned an unknown or repeated docid '" + c.docId() + "' for query " + query.id());
      }
      out.add(new Candidate(c.docId(), c.score()));
    }
    double floor = out.isEmpty() ? 0 : out.get(out.size() - 1).score();
    int i = 1;
    for (Candidate c : list.candidates().subList(k, list.size())) {
      out.add(new Candidate(c.docId(), floor - i++));
    }
    return new RankedList(list.queryId(), out);
  }

  private String format() {
    String f = opt.format();
    if (f == null) {
      String o = opt.output() == null ? "-" : opt.output();
      return o.endsWith(".jsonl") || o.endsWith(".json") || o.endsWith(".jsonl.gz") ? "jsonl" : "trec";
    }
    if (!f.equals("trec") && !f.equals("jsonl")) {
      throw TrawlException.invalid("unknown output format '" + f + "'; valid: trec, jsonl");
    }
    return f;
  }

  private Path workFile() {
    if (opt.workFile() != null) {
      return Path.of(opt.workFile());
    }
    if (opt.output() == null || opt.output().equals("-")) {
      return null;
    }
    return Path.of(opt.output() + ".work");
  }

  // ---------------------------------------------------------------- input

  /**
   * The run tag, composed as {@code trawl run} composes a pipeline's: what made the input, then
   * the reranker's canonical spec with its effective depth. A TREC run made by Trawl carries its
   * pipeline as its tag ({@code bm25(k1=0.9,b=0.4)@1000}), so {@code trawl search} then {@code
   * trawl rerank} tags {@code bm25(k1=0.9,b=0.4)@1000>>monot5(...)@1000}, as {@code trawl run
   * --pipeline 'bm25@1000 >> monot5'} does; any other input is named as the pipeline's file source
   * ({@code run(file=F)}, {@code candidates(file=F)}, with {@code @depth} when --depth is given).
   */
  private String tag(Input in, String canonical) {
    String source = opt.source() != null ? opt.source() : source(in.runFile, in.json, in.sourceTag, opt.depth());
    java.util.regex.Matcher m = PIPELINE_TAG.matcher(source);
    Integer incoming = m.matches() ? Integer.valueOf(m.group(1)) : null;
    Integer k = opt.depth() == null ? incoming
        : incoming == null ? opt.depth() : Integer.valueOf(Math.min(opt.depth(), incoming));
    return source + ">>" + canonical + (k == null ? "" : "@" + k);
  }

  /**
   * What made a rerank input, as the first part of the output's tag: the input run's own tag when
   * Trawl made it (a pipeline tag, ending in {@code @k}), otherwise the pipeline's file source
   * {@code run(file=F)} or {@code candidates(file=F)}, with {@code @depth} when a depth is given.
   *
   * @param runTag the input run's tag (empty for a candidates file)
   */
  public static String source(String file, boolean candidates, String runTag, Integer depth) {
    if (runTag != null && PIPELINE_TAG.matcher(runTag).matches()) {
      return runTag;
    }
    return Spec.builder(candidates ? "candidates" : "run").put("file", file).build().withCutoff(depth).toString();
  }

  /** A tag as Trawl writes a pipeline's: no whitespace, ends with the last stage's {@code @k}. */
  private static final java.util.regex.Pattern PIPELINE_TAG =
      java.util.regex.Pattern.compile("[^\\s]+@([0-9]{1,9})");

  private static final class Input implements AutoCloseable {
    final List<QueryCandidates> queries;
    final IndexDocTexts texts;
    final String runFile;
    final boolean json;
    /** The input run's tag (empty for a candidates file). */
    final String sourceTag;

    Input(List<QueryCandidates> queries, IndexDocTexts texts, String runFile, boolean json, String sourceTag) {
      this.queries = queries;
      this.texts = texts;
      this.runFile = runFile;
      this.json = json;
      this.sourceTag = sourceTag;
    }

    /** Fills missing texts from the index. */
    QueryCandidates withText(QueryCandidates q) {
      if (texts == null) {
        return q;
      }
      List<Candidate> out = new ArrayList<>(q.candidates().size());
      for (Candidate c : q.candidates().candidates()) {
        if (c.text() != null) {
          out.add(c);
          continue;
        }
        String t = texts.text(c.docId());
        if (t == null) {
          throw new InputException(runFile, "docid '" + c.docId() + "' (query " + q.query().id()
              + ") is not in the index");
        }
        out.add(c.withText(t));
      }
      return new QueryCandidates(q.query(), new RankedList(q.candidates().queryId(), out));
    }

    @Override
    public void close() {
      if (texts != null) {
        texts.close();
      }
    }
  }

  private Input readInput() {
    if (opt.input() == null) {
      throw TrawlException.invalid("no input: give a TREC run or a candidates file");
    }
    if (looksLikeJson(opt.input())) {
      List<QueryCandidates> qs = CandidateFiles.read(opt.input());
      IndexDocTexts texts = opt.index() != null ? new IndexDocTexts(Path.of(opt.index())) : null;
      return new Input(qs, texts, opt.input(), true, "");
    }
    if (opt.topics() == null) {
      throw TrawlException.invalid("a TREC run as input needs --topics (a name from topics-and-qrels/"
          + " or a file) for the query texts");
    }
    if (opt.index() == null) {
      throw TrawlException.invalid("a TREC run as input needs --index to read the document texts");
    }
    Map<String, String> topics = new LinkedHashMap<>();
    for (Query q : Topics.read(opt.topics())) {
      topics.put(q.id(), q.text());
    }
    Run run = RunReader.readRun(opt.input(), RunReader.Mode.LENIENT);
    List<QueryCandidates> qs = new ArrayList<>();
    for (Map.Entry<String, RankedList> e : run.lists().entrySet()) {
      String text = topics.get(e.getKey());
      if (text == null) {
        throw new InputException(TopicsAndQrels.topics(opt.topics()), "no topic for query '"
            + e.getKey() + "' of " + opt.input());
      }
      qs.add(new QueryCandidates(new Query(e.getKey(), text), e.getValue()));
    }
    return new Input(qs, new IndexDocTexts(Path.of(opt.index())), opt.input(), false, run.tag());
  }

  private static boolean looksLikeJson(String file) {
    try (InputStream in = TextFiles.openStream(file)) {
      if (file.equals("-")) {
        throw TrawlException.invalid("reading the input from stdin is not supported by rerank (it is read twice when resuming); give a file");
      }
      int c;
      do {
        c = in.read();
      } while (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF || c == 0xBB || c == 0xBF);
      if (c == -1) {
        throw new InputException(file, "empty input file: no queries");
      }
      return c == '[' || c == '{';
    } catch (IOException e) {
      throw new InputException(file, "cannot read: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- work file

  private String header(String specText) {
    ObjectNode h = JSON.createObjectNode();
    h.put("trawl-rerank-work", 1);
    h.put("reranker", specText);
    h.put("input", Path.of(opt.input()).toAbsolutePath().normalize().toString());
    h.put("index", opt.index() == null ? null : Path.of(opt.index()).toAbsolutePath().normalize().toString());
    h.put("topics", opt.topics() == null ? null
        : Path.of(TopicsAndQrels.topics(opt.topics())).toAbsolutePath().normalize().toString());
    if (opt.depth() != null) {
      h.put("depth", opt.depth());
    }
    return h.toString();
  }

  /**
   * Without --resume, a work file holding finished queries (of this job or another) is kept: the
   * user resumes it, or starts over with --force.
   */
  private static void refuseToDiscard(Path work, String header) {
    if (!Files.isRegularFile(work)) {
      return;
    }
    List<String> lines;
    try {
      // bytes, decoded leniently: a torn last line may end inside a multi-byte character
      lines = new String(Files.readAllBytes(work), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new InputException(work.toString(), "cannot read: " + e.getMessage()
          + "; it may hold finished queries: --resume, or --force to start over");
    }
    long finished = lines.stream().skip(1).filter(l -> l.endsWith("}")).count();
    if (finished == 0) {
      return;
    }
    boolean same = !lines.isEmpty() && lines.get(0).equals(header.strip());
    throw TrawlException.invalid(work + ": holds " + finished + " finished quer" + (finished == 1 ? "y" : "ies")
        + (same ? " of this job; add --resume to continue from them" : " of another job (" + lines.get(0)
        + "); give another --work or --output")
        + ", or --force to start over and discard them");
  }

  private static void writeFresh(Path work, String header) {
    try {
      if (work.toAbsolutePath().getParent() != null) {
        Files.createDirectories(work.toAbsolutePath().getParent());
      }
      try (FileChannel ch = FileChannel.open(work, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        append(ch, header);
      }
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(work), e);
    }
  }

  private static void append(FileChannel ch, String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      ch.write(b);
    }
    ch.force(false);
  }

  private static String workLine(String qid, RankedList r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("qid", qid);
    ArrayNode a = o.putArray("ranking");
    for (Candidate c : r.candidates()) {
      a.addArray().add(c.docId()).add(c.score());
    }
    return o.toString();
  }

  /** Reads finished queries; drops a torn last line (and truncates it away). */
  private Map<String, RankedList> readWork(Path work, String header, Input in) {
    String file = work.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(work);
    } catch (IOException e) {
      throw new InputException(file, "cannot read: " + e.getMessage());
    }
    int lastNewline = -1;
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        lastNewline = i;
        break;
      }
    }
    if (lastNewline < 0) { // not even the header survived
      writeFresh(work, header);
      return new LinkedHashMap<>();
    }
    if (lastNewline + 1 < bytes.length) {
      try (FileChannel ch = FileChannel.open(work, StandardOpenOption.WRITE)) {
        ch.truncate(lastNewline + 1);
        ch.force(true);
      } catch (IOException e) {
        throw new TrawlException(TrawlException.RUNTIME, file + ": cannot truncate: " + e.getMessage(), e);
      }
    }
    String[] lines = new String(bytes, 0, lastNewline, StandardCharsets.UTF_8).split("\n", -1);
    if (!lines[0].equals(header)) {
      throw new InputException(file, 1, "this work file belongs to another job (reranker, input, index,"
          + " topics or depth differ); delete it or run without --resume");
    }
    Map<String, QueryCandidates> byId = new LinkedHashMap<>();
    for (QueryCandidates q : in.queries) {
      byId.put(q.query().id(), q);
    }
    Map<String, RankedList> done = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      JsonNode n;
      try {
        n = JSON.readTree(lines[i]);
      } catch (IOException e) {
        throw new InputException(file, i + 1, "corrupt work file line: " + e.getMessage());
      }
      String qid = n.path("qid").asText();
      QueryCandidates q = byId.get(qid);
      if (q == null) {
        throw new InputException(file, i + 1, "query '" + qid + "' is not in the input");
      }
      List<Candidate> cs = new ArrayList<>();
      for (JsonNode c : n.path("ranking")) {
        cs.add(new Candidate(c.path(0).asText(), c.path(1).asDouble()));
      }
      Set<String> expected = new HashSet<>();
      q.candidates().candidates().forEach(c -> expected.add(c.docId()));
      Set<String> got = new HashSet<>();
      cs.forEach(c -> got.add(c.docId()));
      if (!expected.equals(got) || cs.size() != q.candidates().size()) {
        throw new InputException(file, i + 1, "query '" + qid + "' has other candidates than the input");
      }
      done.put(qid, new RankedList(qid, cs));
    }
    return done;
  }

}
