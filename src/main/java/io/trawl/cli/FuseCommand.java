package io.trawl.cli;

import io.trawl.core.Run;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.eval.fusion.Fusion;
import io.trawl.io.RunReader;
import io.trawl.io.RunWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trawl fuse}: RRF, CombSUM, CombMNZ or weighted interpolation of runs. */
@Command(name = "fuse", mixinStandardHelpOptions = true,
    description = "Fuse TREC runs into one (RRF, CombSUM, CombMNZ, weighted interpolation).",
    footer = {"", "Examples:", "  trawl fuse bm25.txt splade.txt -o fused.txt",
        "  trawl fuse --method interpolate --norm minmax --weights 0.3,0.7 bm25.txt dense.txt"})
public final class FuseCommand implements Callable<Integer> {
  /** Method names. */
  public enum MethodName { rrf, combsum, combmnz, interpolate }

  /** Normalisation names. */
  public enum NormName { none, minmax, zscore }

  @Parameters(arity = "1..*", paramLabel = "RUN", description = "TREC runs (plain, .gz or -).")
  List<String> runs;

  @Option(names = "--method", defaultValue = "rrf",
      description = "rrf (default), combsum, combmnz, interpolate.")
  MethodName method;

  @Option(names = {"--rrf-k", "--k"}, defaultValue = "60", paramLabel = "K",
      description = "RRF constant k (default 60); --k is an alias.")
  double k;

  @Option(names = "--norm",
      description = "Score normalisation for combsum/combmnz/interpolate: minmax (default), zscore,"
          + " none.")
  NormName norm;

  @Option(names = "--weights", split = ",", paramLabel = "W",
      description = "One weight per run, comma-separated (required for interpolate).")
  List<Double> weights;

  @Option(names = "--depth", defaultValue = "1000", paramLabel = "N",
      description = "Read the top N of each run (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--hits", defaultValue = "1000", paramLabel = "N",
      description = "Keep the top N fused per query (default: ${DEFAULT-VALUE}).")
  int hits;

  @Mixin RunTagOptions tag;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    runs = io.trawl.io.RunMetadata.runsOnly(runs);
    if (method == MethodName.rrf && norm != null && norm != NormName.none) {
      throw TrawlException.invalid("--norm does not apply to rrf (it uses ranks)");
    }
    Spec.Builder b = Spec.builder(method.name());
    if (method == MethodName.rrf) {
      b.put("k", Double.toString(k)); // as text: the registry checks it (NaN is invalid input)
    } else if (norm != null) {
      b.put("norm", norm.name());
    }
    if (weights != null) {
      b.put("weights", String.join(":", weights.stream().map(w -> Double.toString(w)).toList()));
    }
    Fusion.Settings s = Fusion.parse(b.put("depth", depth).put("hits", hits).build());
    List<Run> rs = new ArrayList<>();
    for (String r : runs) {
      rs.add(RunReader.readRun(r, RunReader.Mode.LENIENT));
    }
    Run fused = Fusion.fuse(rs, s);
    if (tag.given() != null) {
      fused = new Run(tag.given(), fused.lists());
    }
    RunWriter.write(output.name(), RunWriter.Format.TREC, fused, java.util.Map.of("runs", runs));
    return 0;
  }
}
