/**
 * Trawl's one I/O layer for runs and topics, below every consumer (search, rerank, pipeline,
 * regress, eval, dense, Spark, the CLI): a file of results or queries is read and written here and
 * nowhere else, so every command sees the same thing.
 *
 * <ul>
 *   <li>{@link io.trawl.io.RunReader}: the one run reader (TREC, or MS MARCO where {@link
 *       io.trawl.io.RunReader.Mode#LENIENT}), into a compact {@link io.trawl.io.RunTable}; each
 *       query's list in trec_eval's order (score descending, docid descending by bytes), the
 *       single definition of what a reranker, a fusion and the evaluator see.
 *   <li>{@link io.trawl.io.RunWriter}: the one run writer (TREC, MS MARCO, RankLLM JSONL), one
 *       score format (the fewest decimals, at least six, that read back exactly: Anserini's
 *       {@code %.6f} for retrieval), one tag rule, {@link io.trawl.io.RunMetadata} beside every
 *       run file.
 *   <li>{@link io.trawl.io.Topics}: topics in TSV, TREC or BEIR form, by file or by a name of
 *       {@link io.trawl.io.TopicsAndQrels} ({@code cranfield}, {@code dl19-passage}, ...).
 *   <li>{@link io.trawl.io.CandidateFiles}: candidate lists with texts (RankLLM JSON/JSONL,
 *       retrieve-results JSON).
 *   <li>{@link io.trawl.io.ByteLines}: the byte-level line splitter under the run reader and the
 *       qrels reader ({@code eval.Qrels}).
 * </ul>
 *
 * A new run or topic format, or a new kind of output file, belongs here. Documents are not runs:
 * corpus formats and the one document text rule live in {@code io.trawl.corpus}.
 */
package io.trawl.io;
