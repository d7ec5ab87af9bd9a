package io.trawl.cli;

import io.trawl.core.Progress;
import io.trawl.core.VectorFile;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.CorpusTexts;
import io.trawl.model.encoder.Encoder;
import io.trawl.model.encoder.Encoders;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trawl encode}: embeds a corpus or topics with a bi-encoder into a reusable vector file. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode a corpus (any format 'trawl index' reads) or topics with a bi-encoder into a vector file (input of 'trawl dense-index --vectors').",
    footerHeading = "%nExample:%n",
    footer = "  trawl encode --corpus corpus.jsonl --encoder bge-small-en-v1.5 --output scifact.bge.vec")
public final class EncodeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  static final class Input {
    @Option(names = "--corpus", paramLabel = "PATH",
        description = "Corpus: a file, a folder or builtin:NAME, plain or gzipped, as for 'trawl index'.")
    String corpus;

    @Option(names = "--topics", paramLabel = "NAME|FILE",
        description = "Encode topics as queries (query prefix, one at a time). " + TopicsOptions.DESCRIPTION)
    String topics;
  }

  @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--collection", paramLabel = "FORMAT", completionCandidates = RegistryNames.FormatNames.class,
      description = "Corpus format: ${COMPLETION-CANDIDATES} (default: beir or json, from the first line of a JSON Lines corpus).")
  String collection;

  @Option(names = "--encoder", required = true, description = "Encoder name (${COMPLETION-CANDIDATES}) or model folder.",
      completionCandidates = RegistryNames.EncoderNames.class)
  String encoder;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Vector file to write (a file: vectors are binary).")
  Path output;

  @Mixin EncoderOptionsMixin encoderOptions;

  @Mixin ThreadsOptions threads;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    var err = logging.err();
    Encoders.config(encoder); // fail fast on a bad name before reading the corpus
    io.trawl.core.AtomicOutput.check(output.toString());
    CorpusTexts docs;
    if (input.corpus != null) {
      docs = CorpusTexts.read(Corpora.forInputOrJson(collection, input.corpus), input.corpus);
    } else {
      java.util.List<String> ids = new java.util.ArrayList<>();
      java.util.List<String> texts = new java.util.ArrayList<>();
      for (io.trawl.core.Query q : io.trawl.io.Topics.read(input.topics)) {
        ids.add(q.id());
        texts.add(q.text());
      }
      docs = new CorpusTexts(ids, texts, 0);
    }
    try (Encoder enc = Encoders.open(encoder, encoderOptions.toOptions(threads))) {
      float[][] v;
      double seconds;
      try (Progress p = Progress.to(err, logging.progress(), "encode", "texts", docs.ids().size())) {
        v = input.topics != null ? enc.encodeEach(docs.texts(), true, (texts, tokens, total) -> p.update(texts, tokens, total))
            : enc.encode(docs.texts(), false, (texts, tokens, total) -> p.update(texts, tokens, total));
        seconds = p.seconds();
      }
      new VectorFile(enc.name(), enc.dimension(), docs.ids(), v).write(output);
      err.printf("encode: %d texts with %s (dim %d) in %.1f s (%.1f texts/s); %d truncated to %d tokens%n",
          docs.ids().size(), enc.name(), enc.dimension(), seconds, docs.ids().size() / seconds,
          enc.truncatedCount(), enc.maxLength());
      err.flush();
    }
    return 0;
  }
}
