package io.trawl.cli;

import io.trawl.core.TrawlException;
import io.trawl.fetch.Catalogue;
import io.trawl.fetch.Download;
import io.trawl.fetch.FetchCache;
import io.trawl.fetch.Fetcher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trawl fetch}: download models, prebuilt indexes and collections into the cache. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = {
      "Download Hugging Face models (ORG/NAME[@REVISION]), Anserini's prebuilt",
      "Lucene indexes and collections by name into the cache (--cache, else",
      "$TRAWL_CACHE, else ~/.cache/trawl), verified against their checksums and",
      "resumable after a crash; print the local folder of each name. A",
      "pytorch_model.bin becomes model.safetensors without running pickle code."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl fetch --list",
      "  trawl fetch castorini/monot5-base-msmarco-10k",
      "  trawl fetch msmarco-v1-passage",
      "  trawl search --index msmarco-v1-passage --topics msmarco-passage-dev-subset -o run.txt",
      "  trawl fetch beir-v1.0.0-scifact --cache /data/trawl-cache"
    })
public final class FetchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..*",
      description = "A Hugging Face model id (ORG/NAME[@REVISION]) or a name of trawl fetch --list.")
  List<String> names = new ArrayList<>();

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Cache folder (default: $TRAWL_CACHE, else ~/.cache/trawl).")
  Path cache;

  @Option(names = "--endpoint", paramLabel = "URL",
      description = "Base URL replacing https://huggingface.co for models ($HF_ENDPOINT) and the host of"
          + " catalogue URLs ($TRAWL_FETCH_ENDPOINT): a mirror.")
  String endpoint;

  @Option(names = "--revision", paramLabel = "REV",
      description = "Model revision: a branch, tag or commit (default: main; or NAME@REV).")
  String revision;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Give up on a connection that sends nothing for this long (default: ${DEFAULT-VALUE}).")
  long timeout;

  @Option(names = "--list", description = "List the names the catalogue knows, with their sizes.")
  boolean list;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      if (!names.isEmpty()) {
        throw TrawlException.invalid("give names or --list, not both");
      }
      list(out);
      return 0;
    }
    if (names.isEmpty()) {
      throw TrawlException.invalid("give at least one name (trawl fetch --list shows them)");
    }
    if (timeout <= 0) {
      throw TrawlException.invalid("--timeout must be positive, got " + timeout);
    }
    PrintWriter err = logging.err();
    FetchCache c = FetchCache.of(cache);
    Download.Settings settings = new Download.Settings(Duration.ofSeconds(timeout), new Listener(err));
    for (String name : names) {
      Fetcher.Result r = Fetcher.fetch(name, new Fetcher.Options(c, endpoint, revision, settings));
      if (r.folder() != null) {
        out.println(r.folder().toAbsolutePath());
      }
      out.flush();
      err.println("fetch: " + name + ": " + r.note());
      err.flush();
    }
    return 0;
  }

  private void list(PrintWriter out) {
    out.println("name\tkind\tsize\tdescription");
    for (Catalogue.Entry e : Catalogue.load().entries()) {
      out.println(e.name() + "\t" + e.kind().name().toLowerCase(Locale.ROOT) + "\t" + human(e.size()) + "\t"
          + e.description());
    }
    out.println("ORG/NAME[@REVISION]\tmodel\t-\tany Hugging Face model (config, tokenizer, safetensors)");
    out.flush();
  }

  static String human(long bytes) {
    if (bytes < 0) {
      return "?";
    }
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /**
   * Download progress through the one progress reporter ({@link io.trawl.core.Progress}: live on a
   * terminal, a line every 30 s in logs), in megabytes; messages to stderr.
   */
  private static final class Listener implements Download.Listener {
    private final PrintWriter err;
    private String current;
    private io.trawl.core.Progress progress;

    Listener(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void bytes(String what, long done, long total) {
      if (total >= 0 && total < 10_000_000) {
        return; // small files: the start and verified lines are enough
      }
      if (!what.equals(current)) {
        finish();
        current = what;
        progress = io.trawl.core.Progress.to(err, io.trawl.core.Progress.mode(false), "fetch " + what,
            "MB", Math.max(0, total) / 1_000_000);
      }
      progress.update(done / 1_000_000);
    }

    private void finish() {
      if (progress != null) {
        progress.close();
        progress = null;
        current = null;
      }
    }

    @Override
    public void say(String message) {
      finish();
      err.println(message);
      err.flush();
    }
  }
}
