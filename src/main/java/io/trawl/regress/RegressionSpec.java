package io.trawl.regress;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One regression, as written in {@code regressions/NAME.yaml}: a corpus and its expected index
 * statistics, how to index it, topic sets with their qrels, measures (with trec_eval options), and
 * runs: each a {@link io.trawl.pipeline.Pipeline} string with the values it must reproduce per
 * topic set and measure. Bound by {@link RegressionSpecs#load}; unknown fields are errors.
 *
 * @param name unique name (the file is {@code NAME.yaml})
 * @param description one paragraph for the docs
 * @param notes optional longer text for the generated docs (why numbers differ, provenance)
 * @param corpus the collection to index; absent when every run reads its first stage from a file
 * @param index where and how to index it
 * @param denseIndex a dense index built from committed vectors, searched by {@code dense(index=${dense_index})}
 * @param search options of retriever stages (fields and weights, BEIR's remove-query rule)
 * @param topics the topic sets, each with its qrels
 * @param measures what to evaluate, each with trec_eval-style options
 * @param requires what the whole spec needs (gpu, model folders, env vars, data paths)
 * @param tolerance default tolerance for every run; absent = exact to 4 decimals
 * @param runs the pipelines and their expected values
 */
public record RegressionSpec(
    @JsonProperty("name") Located name,
    @JsonProperty("description") String description,
    @JsonProperty("notes") String notes,
    @JsonProperty("corpus") Corpus corpus,
    @JsonProperty("index") Index index,
    @JsonProperty("dense_index") DenseIndex denseIndex,
    @JsonProperty("search") Search search,
    @JsonProperty("topics") List<TopicSet> topics,
    @JsonProperty("measures") List<Measure> measures,
    @JsonProperty("requires") Requirements requires,
    @JsonProperty("tolerance") Double tolerance,
    @JsonProperty("runs") List<RunSpec> runs) {

  public RegressionSpec {
    topics = topics == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(topics));
    measures = measures == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(measures));
    runs = runs == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(runs));
    requires = requires == null ? Requirements.NONE : requires;
    search = search == null ? new Search(null, null) : search;
    description = description == null ? "" : description.strip();
    notes = notes == null ? "" : notes.strip();
  }

  /**
   * The collection.
   *
   * @param format corpus format name (corpus registry: json, beir, tsv, trec, trecweb); may be
   *     omitted for a built-in collection
   * @param path file or folder relative to the collections root, or {@code builtin:NAME}
   * @param stats expected index statistics (checked after indexing; reuse requires a match)
   */
  public record Corpus(
      @JsonProperty("format") Located format,
      @JsonProperty("path") Located path,
      @JsonProperty("stats") IndexStats stats) {
  }

  /** Expected index statistics; a null entry is not checked. */
  public record IndexStats(
      @JsonProperty("documents") Long documents,
      @JsonProperty("unique_terms") Long uniqueTerms,
      @JsonProperty("total_terms") Long totalTerms) {}

  /**
   * How to index.
   *
   * @param name folder name under the index root
   * @param options indexer options, named like {@code trawl index} flags: {@code layout}
   *     (flat|multifield), {@code stemmer} (porter|none), {@code keep-stopwords},
   *     {@code store-positions}, {@code store-docvectors}, {@code store-raw} (true|false)
   * @param prebuilt instead of a corpus to index: a prebuilt index of {@code trawl fetch}
   *     ({@code msmarco-v1-passage}), searched where the fetch cache holds it
   */
  public record Index(
      @JsonProperty("name") Located name,
      @JsonProperty("options") Map<String, String> options,
      @JsonProperty("prebuilt") Located prebuilt) {
    public Index {
      options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
  }

  /**
   * A dense index made from a vector file (what {@code trawl encode} or {@code trawl dense-index
   * --save-vectors} wrote; {@code .gz} allowed), so that a CPU regression does not re-encode a
   * corpus. Pipelines name it {@code ${dense_index}}.
   *
   * @param name folder name under the index root
   * @param vectors the vector file, relative to the spec's folder
   * @param structure {@code flat} (exact search, the default) or {@code hnsw}
   */
  public record DenseIndex(
      @JsonProperty("name") Located name,
      @JsonProperty("vectors") Located vectors,
      @JsonProperty("structure") Located structure) {
  }

  /**
   * Options of retriever stages.
   *
   * @param fields fields searched with weights ({@code title=1.0,contents=1.0}); default contents
   * @param removeQuery drop a hit whose docid equals the query id (BEIR's {@code -removeQuery})
   */
  public record Search(
      @JsonProperty("fields") Located fields,
      @JsonProperty("remove_query") Boolean removeQuery) {
    public boolean removesQuery() {
      return removeQuery != null && removeQuery;
    }
  }

  /**
   * A topic set.
   *
   * @param name the label used under {@code expected:} and in run file names
   * @param topics a topics registry name, or a file relative to the collections root
   * @param qrels a qrels registry name, or a file relative to the collections root
   */
  public record TopicSet(
      @JsonProperty("name") Located name,
      @JsonProperty("topics") Located topics,
      @JsonProperty("qrels") Located qrels) {
  }

  /**
   * A measure.
   *
   * @param measure ir_measures-style or trec_eval name ({@code nDCG@10}, {@code ndcg_cut.10})
   * @param options trec_eval-style options: {@code -c}, {@code -l 2}, {@code -M 10}
   */
  public record Measure(
      @JsonProperty("measure") Located measure,
      @JsonProperty("options") Located options) {
    public Measure {
      options = options == null ? Located.of("") : options;
    }
  }

  /**
   * A run to reproduce.
   *
   * @param name short name (used in run file names)
   * @param description what it is
   * @param pipeline the pipeline string; {@code ${collections}}, {@code ${models}} and
   *     {@code ${topics}} (the topic set's name) are substituted before parsing
   * @param tolerance allowed |actual - expected|; absent = exact to 4 decimals
   * @param requires what this run needs beyond the spec's requirements
   * @param expected topic set name -> measure -> value
   */
  public record RunSpec(
      @JsonProperty("name") Located name,
      @JsonProperty("description") String description,
      @JsonProperty("pipeline") Located pipeline,
      @JsonProperty("tolerance") Double tolerance,
      @JsonProperty("requires") Requirements requires,
      @JsonProperty("expected") Map<String, Map<String, Double>> expected) {
    public RunSpec {
      expected = expected == null ? Map.of() : expected;
      requires = requires == null ? Requirements.NONE : requires;
      description = description == null ? "" : description.strip();
      expected.forEach((set, values) -> {
        if (values != null) {
          values.forEach((m, x) -> {
            if (x == null || !Double.isFinite(x)) {
              throw new IllegalArgumentException("expected " + m + " for '" + set + "' must be a finite number, got " + x);
            }
          });
        }
      });
      Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
      expected.forEach((k, v) -> copy.put(k, v == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v))));
      expected = java.util.Collections.unmodifiableMap(copy);
    }
  }

  /** The run's tolerance, else the spec's, else null (exact to 4 decimals). */
  public Double toleranceOf(RunSpec run) {
    return run.tolerance() != null ? run.tolerance() : tolerance;
  }
}
