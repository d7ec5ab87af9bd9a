package io.trawl.cli;

import io.trawl.core.VectorFile;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.CorpusTexts;
import io.trawl.index.dense.DenseIndexMetadata;
import io.trawl.index.dense.DenseIndexer;
import io.trawl.model.encoder.Encoder;
import io.trawl.model.encoder.EncoderConfig;
import io.trawl.model.encoder.Encoders;
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

  @Option(names = "--collection", paramLabel = "FORMAT",
      description = "Corpus format: json, beir, tsv, trec, trecweb (default: beir or json, from the first line of a JSON Lines corpus).")
  String collection;

  @Option(names = "--encoder", description = "Encoder (${COMPLETION-CANDIDATES}) or model folder; required with --corpus, checked against --vectors.",
      completionCandidates = EncodeCommand.EncoderNames.class)
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

  @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
  boolean quiet;

  @Option(names = "--debug", description = "Stack traces on errors.")
  boolean debug;

  @Mixin EncoderOptionsMixin encoderOptions;

  @Override
  public Integer call() {
    var err = quiet ? new java.io.PrintWriter(java.io.Writer.nullWriter()) : spec.commandLine().getErr();
    DenseIndexer.Options opts = new DenseIndexer.Options(flat, m, efConstruction);
    VectorFile vf;
    EncoderConfig cfg;
    String source;
    if (input.corpus != null) {
      if (encoder == null) {
        throw io.trawl.core.TrawlException.invalid("--encoder is required with --corpus; valid: "
            + String.join(", ", Encoders.names()));
      }
      Encoders.config(encoder);
      CorpusTexts docs = CorpusTexts.read(Corpora.forInputOrJson(collection, input.corpus), input.corpus);
      if (docs.emptySkipped() > 0) {
        err.printf("dense-index: %d empty documents skipped, as trawl index skips them%n", docs.emptySkipped());
      }
      try (Encoder enc = Encoders.open(encoder, encoderOptions.toOptions())) {
        Progress p = new Progress(err, "encode", docs.ids().size());
        float[][] v = enc.encode(docs.texts(), false, p::update);
        vf = new VectorFile(enc.name(), enc.dimension(), docs.ids(), v);
        cfg = enc.config();
        err.printf("dense-index: encoded %d documents in %.1f s (%.1f docs/s); %d truncated to %d tokens%n",
            docs.ids().size(), p.seconds(), docs.ids().size() / p.seconds(), enc.truncatedCount(), enc.maxLength());
      }
      if (saveVectors != null) {
        vf.write(saveVectors);
      }
      source = input.corpus;
    } else {
      vf = VectorFile.read(input.vectors);
      cfg = Encoders.config(vf.encoder());
      if (encoder != null && !Encoders.config(encoder).name().equals(cfg.name())) {
        throw io.trawl.core.TrawlException.invalid(input.vectors + " was encoded with " + vf.encoder()
            + ", not " + encoder);
      }
      source = input.vectors.toString();
    }
    long t0 = System.nanoTime();
    DenseIndexMetadata meta = DenseIndexer.build(vf, cfg.name(), cfg.family(), opts, index, source);
    err.printf("dense-index: %d vectors (dim %d, %s, %s) in %.1f s -> %s%n", meta.documents(),
        meta.dimension(), meta.encoder(), flat ? "flat" : "hnsw m=" + m + " ef-construction=" + efConstruction,
        (System.nanoTime() - t0) / 1e9, index);
    err.flush();
    return 0;
  }
}
