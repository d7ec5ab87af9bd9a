package io.trawl.cli;

import io.trawl.core.Progress;
import io.trawl.core.TrawlException;
import io.trawl.core.VectorFile;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.CorpusTexts;
import io.trawl.index.dense.DenseIndexMetadata;
import io.trawl.index.dense.DenseIndexer;
import io.trawl.model.encoder.Encoder;
import io.trawl.model.encoder.EncoderConfig;
import io.trawl.model.encoder.Encoders;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trawl dense-index}: a Lucene HNSW (or flat) vector index from a corpus or vector file. */
@Command(name = "dense-index", mixinStandardHelpOptions = true,
    description = "Build a dense (vector) index with a bi-encoder, from a corpus (any format 'trawl index' reads) or a vector file made by 'trawl encode'.",
    footerHeading = "%nExamples:%n",
    footer = {"  trawl dense-index --corpus corpus.jsonl --encoder bge-small-en-v1.5 --index indexes/scifact.bge",
        "  trawl dense-index --collection tsv --corpus collection.tsv.gz --encoder all-minilm-l6-v2 --index indexes/msmarco.minilm",
        "  trawl dense-index --vectors scifact.bge.vec --encoder bge-small-en-v1.5 --index indexes/scifact.bge"})
public final class DenseIndexCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  static final class Input {
    @Option(names = "--corpus", paramLabel = "PATH",
        description = "Corpus to encode: a file, a folder or builtin:NAME, plain or gzipped, as for 'trawl index'.")
    String corpus;

    @Option(names = "--vectors", description = "Vector file from 'trawl encode' (no encoding needed).")
    Path vectors;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--collection", paramLabel = "FORMAT", completionCandidates = RegistryNames.FormatNames.class,
      description = "Corpus format: ${COMPLETION-CANDIDATES} (default: beir or json, from the first line of a JSON Lines corpus).")
  String collection;

  @Option(names = "--encoder", description = "Encoder (${COMPLETION-CANDIDATES}) or model folder; required with --corpus, checked against --vectors.",
      completionCandidates = RegistryNames.EncoderNames.class)
  String encoder;

  @Option(names = "--index", required = true, description = "Index folder to create.")
  Path index;

  @Option(names = "--flat", description = "No HNSW graph: every search is exact.")
  boolean flat;

  @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW max connections per node (default: ${DEFAULT-VALUE}).")
  int m;

  @Option(names = "--hnsw-ef-construction", defaultValue = "100", description = "HNSW construction beam width (default: ${DEFAULT-VALUE}).")
  int efConstruction;

  @Option(names = "--save-vectors", description = "With --corpus: also write the embeddings to this vector file.")
  Path saveVectors;

  @Mixin EncoderOptionsMixin encoderOptions;

  @Mixin ThreadsOptions threads;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    PrintWriter err = logging.err();
    DenseIndexer.Options opts = new DenseIndexer.Options(flat, m, efConstruction);
    Vectors v = input.corpus != null ? encodeCorpus(err) : readVectors();
    String source = input.corpus != null ? input.corpus : input.vectors.toString();
    long t0 = System.nanoTime();
    DenseIndexMetadata meta = DenseIndexer.build(v.file(), v.config().name(), v.config().family(), opts,
        index, source);
    err.printf("dense-index: %d vectors (dim %d, %s, %s) in %.1f s -> %s%n", meta.documents(),
        meta.dimension(), meta.encoder(), flat ? "flat" : "hnsw m=" + m + " ef-construction=" + efConstruction,
        (System.nanoTime() - t0) / 1e9, index);
    err.flush();
    return 0;
  }

  /** Vectors to index and the encoder that made them. */
  private record Vectors(VectorFile file, EncoderConfig config) {}

  /** Encodes --corpus with --encoder (and writes --save-vectors). */
  private Vectors encodeCorpus(PrintWriter err) {
    if (encoder == null) {
      throw TrawlException.invalid("--encoder is required with --corpus; valid: "
          + String.join(", ", Encoders.names()));
    }
    Encoders.config(encoder);
    CorpusTexts docs = CorpusTexts.read(Corpora.forInputOrJson(collection, input.corpus), input.corpus);
    if (docs.emptySkipped() > 0) {
      err.printf("dense-index: %d empty documents skipped, as trawl index skips them%n", docs.emptySkipped());
    }
    VectorFile vf;
    EncoderConfig cfg;
    try (Encoder enc = Encoders.open(encoder, encoderOptions.toOptions(threads))) {
      float[][] v;
      double seconds;
      try (Progress p = Progress.to(err, logging.progress(), "dense-index: encoding", "docs", docs.ids().size())) {
        v = enc.encode(docs.texts(), false, (texts, tokens, total) -> p.update(texts, tokens, total));
        seconds = p.seconds();
      }
      vf = new VectorFile(enc.name(), enc.dimension(), docs.ids(), v);
      cfg = enc.config();
      err.printf("dense-index: encoded %d documents in %.1f s (%.1f docs/s); %d truncated to %d tokens%n",
          docs.ids().size(), seconds, docs.ids().size() / seconds, enc.truncatedCount(), enc.maxLength());
    }
    if (saveVectors != null) {
      vf.write(saveVectors);
    }
    return new Vectors(vf, cfg);
  }

  /** Reads --vectors, checked against --encoder when given. */
  private Vectors readVectors() {
    VectorFile vf = VectorFile.read(input.vectors);
    EncoderConfig cfg = Encoders.config(vf.encoder());
    if (encoder != null && !Encoders.config(encoder).name().equals(cfg.name())) {
      throw TrawlException.invalid(input.vectors + " was encoded with " + vf.encoder() + ", not " + encoder);
    }
    return new Vectors(vf, cfg);
  }
}
