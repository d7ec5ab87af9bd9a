package io.trawl.cli;

import io.trawl.index.dense.CorpusTexts;
import io.trawl.model.encoder.Encoders;
import io.trawl.model.encoder.OnnxEncoder;
import io.trawl.model.encoder.VectorFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trawl encode}: embeds a JSONL corpus with a bi-encoder into a reusable vector file. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode a JSONL corpus with a bi-encoder into a vector file (input of 'trawl dense-index --vectors').")
public final class EncodeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--corpus", required = true, description = "JSONL corpus (BEIR _id/title/text or id/contents; .gz ok).")
  String corpus;

  @Option(names = "--encoder", required = true, description = "Encoder name (${COMPLETION-CANDIDATES}) or model folder.",
      completionCandidates = EncoderNames.class)
  String encoder;

  @Option(names = "--output", required = true, description = "Vector file to write.")
  Path output;

  @Option(names = "--debug", description = "Stack traces on errors.")
  boolean debug;

  @Mixin EncoderOptionsMixin encoderOptions;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    Encoders.config(encoder); // fail fast on a bad name before reading the corpus
    CorpusTexts docs = CorpusTexts.readJsonl(corpus);
    try (OnnxEncoder enc = Encoders.open(encoder, encoderOptions.toOptions())) {
      Progress p = new Progress(err, "encode", docs.ids().size());
      float[][] v = enc.encode(docs.texts(), false, p::update);
      new VectorFile(enc.name(), enc.dimension(), docs.ids(), v).write(output);
      err.printf("encode: %d documents with %s (dim %d) in %.1f s (%.1f docs/s); %d truncated to %d tokens%n",
          docs.ids().size(), enc.name(), enc.dimension(), p.seconds(), docs.ids().size() / p.seconds(),
          enc.truncatedCount(), enc.maxLength());
      err.flush();
    }
    return 0;
  }

  /** Completion candidates: the registered encoder names. */
  static final class EncoderNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Encoders.names().iterator();
    }
  }
}
