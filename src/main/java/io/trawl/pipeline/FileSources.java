package io.trawl.pipeline;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.io.CandidateFiles;
import io.trawl.io.QueryCandidates;
import io.trawl.io.RunReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * First stages read from files. {@code run(file=F)@k}: a TREC (or MS MARCO) run read by {@link
 * RunReader} ({@link RunReader.Mode#LENIENT}), so each query's list is taken in the order trec_eval
 * sees it (score descending, then docno descending), as {@code trawl rerank -i F} takes it, and cut
 * to {@code k}.
 * {@code candidates(file=F)@k}: a candidates file with texts ({@link CandidateFiles}: RankLLM
 * JSON/JSONL or retrieve-results JSON), lists in file order.
 * Queries of the topics that the file lacks get an empty list; queries of the file that are not in
 * the topics are left out.
 */
final class FileSources {
  private FileSources() {}

  static List<RankedList> read(Spec source, List<Query> queries) {
    String name = source.name().toLowerCase(Locale.ROOT);
    String file = source.params().get("file");
    if (file == null) {
      throw TrawlException.invalid("pipeline stage '" + source + "': missing parameter 'file'");
    }
    Run run = switch (name) {
      case Pipeline.RUN -> RunReader.readRun(file, RunReader.Mode.LENIENT);
      case Pipeline.CANDIDATES -> {
        java.util.Map<String, RankedList> lists = new java.util.LinkedHashMap<>();
        for (QueryCandidates qc : CandidateFiles.read(file)) {
          lists.put(qc.query().id(), qc.candidates());
        }
        yield new Run("candidates", lists);
      }
      default -> throw new IllegalArgumentException(name);
    };
    List<RankedList> out = new ArrayList<>(queries.size());
    for (Query q : queries) {
      RankedList l = run.get(q.id());
      if (l == null) {
        l = RankedList.empty(q.id());
      }
      out.add(source.cutoff() != null ? l.top(source.cutoff()) : l);
    }
    return out;
  }
}
