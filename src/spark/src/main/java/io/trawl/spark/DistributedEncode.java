package io.trawl.spark;

import io.trawl.core.TrawlException;
import io.trawl.core.VectorFile;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.CorpusTexts;
import io.trawl.model.encoder.EncoderOptions;
import io.trawl.model.encoder.Encoders;
import io.trawl.model.encoder.Encoder;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Encodes a JSONL corpus with a bi-encoder over Spark: the corpus (in file order) is cut into
 * {@code partitions} contiguous ranges; task i loads the encoder once, encodes its range and writes
 * the vector shard {@code <output>/part-0000i.vec} (the {@link VectorFile} format, written
 * atomically, so a retried task simply rewrites it and a finished shard is skipped on a rerun).
 * {@code trawl dense-index --vectors <output>} reads the folder as one vector file (shards in name
 * order = corpus order).
 *
 * <p>Equality with {@code trawl encode}: the encoder sorts a call's texts by length before
 * batching, so with batch size 1 every document is encoded alone and the shards hold exactly the
 * single-process vectors; with larger batches a document's padding (and, for int8 models, the
 * dynamic quantization range) depends on its batch companions, so int8 vectors agree only to a
 * cosine of about 0.99 (measured on SciFact with all-MiniLM-L6-v2 int8), as they already do between
 * two batch sizes in one process; use {@code --batch 1} when bit-equality matters.
 */
public final class DistributedEncode {

  public record Options(String corpus, String encoder, String output, int partitions, int batch,
      int threadsPerTask, int maxLength, int failFirstAttemptOfPartition) implements Serializable {}

  public record Summary(long documents, int partitions, int dimension, String encoder, double seconds) {}

  private DistributedEncode() {}

  public static Summary run(JavaSparkContext sc, Options o) {
    long t0 = System.nanoTime();
    Encoders.config(o.encoder()); // unknown names fail here, listing the valid ones
    EncoderOptions eo = new EncoderOptions(o.batch(), o.threadsPerTask(), o.maxLength());
    int docs = texts(o.corpus()).ids().size();
    int parts = Math.max(1, Math.min(o.partitions() > 0 ? o.partitions() : sc.defaultParallelism(), docs));
    Path out = Path.of(o.output()).toAbsolutePath();
    try {
      if (Files.exists(out) && !Files.isDirectory(out)) {
        throw TrawlException.invalid(out + " exists and is not a folder");
      }
      Files.createDirectories(out);
      try (Stream<Path> s = Files.list(out)) {
        for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".vec")).toList()) {
          Files.delete(p); // shards of an earlier run with other settings
        }
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, out + ": cannot prepare: " + e.getMessage(), e);
    }
    Options task = new Options(Path.of(o.corpus()).toAbsolutePath().toString(), o.encoder(),
        out.toString(), parts, eo.batchSize(), eo.threads(), eo.maxLength(), o.failFirstAttemptOfPartition());
    List<Integer> ids = IntStream.range(0, parts).boxed().toList();
    List<Integer> dims = sc.parallelize(ids, parts).map(i -> encodePart(task, i, docs)).collect();
    VectorFile first = VectorFile.read(out.resolve(name(0)));
    return new Summary(docs, parts, dims.get(0), first.encoder(), (System.nanoTime() - t0) / 1e9);
  }

  /** The corpus's documents as every consumer reads them ({@link CorpusTexts}). */
  static CorpusTexts texts(String corpus) {
    return CorpusTexts.read(Corpora.forInputOrJson(null, corpus), corpus);
  }

  static String name(int part) {
    return String.format(Locale.ROOT, "part-%05d.vec", part);
  }

  /** Runs on an executor: encodes documents [n*i/P, n*(i+1)/P) into shard i. */
  static int encodePart(Options o, int part, int expectedDocs) {
    TaskContext tc = TaskContext.get();
    if (tc != null && tc.attemptNumber() == 0 && part == o.failFirstAttemptOfPartition()) {
      throw new IllegalStateException("test hook: first attempt of partition " + part + " fails");
    }
    CorpusTexts all = texts(o.corpus());
    int n = all.ids().size();
    if (n != expectedDocs) {
      throw TrawlException.invalid(o.corpus() + " changed while encoding: " + n + " documents, "
          + expectedDocs + " when the job started");
    }
    int from = (int) ((long) n * part / o.partitions());
    int to = (int) ((long) n * (part + 1) / o.partitions());
    try (Encoder enc = Encoders.open(o.encoder(), new EncoderOptions(o.batch(), o.threadsPerTask(), o.maxLength()))) {
      float[][] v = enc.encode(all.texts().subList(from, to), false, null);
      new VectorFile(enc.name(), enc.dimension(), all.ids().subList(from, to), v)
          .write(Path.of(o.output()).resolve(name(part)));
      return enc.dimension();
    }
  }
}
