/**
 * Internal: the segment writer behind {@link io.trawl.index.Indexer}. Not an API; only the indexer
 * uses it, and it may change with any release.
 *
 * <p>It writes what Lucene's IndexWriter would write for the same documents, in parallel and
 * deterministically, without IndexWriter: {@link io.trawl.index.segment.SegmentPipeline} reads
 * documents on one thread, worker threads analyze and invert chunks of them
 * ({@link io.trawl.index.segment.InvertedChunk}, each with its own
 * {@link io.trawl.index.segment.ByteDictionary}), and
 * {@link io.trawl.index.segment.SegmentBuilder} joins the chunks in order into one segment that
 * it writes through Lucene's default codec. The index it leaves is an ordinary Lucene index.
 *
 * <p><b>Changing the index schema.</b> The fields are declared in one place, the
 * {@link io.trawl.index.segment.Schema} that {@code Indexer.schema()} builds: a docid field
 * (keyword, stored, sorted doc values), analyzed text fields and stored-only fields, each with
 * the function that takes its value from a {@link io.trawl.corpus.SourceDocument}. To add a
 * stored field, add a {@code Schema.Stored} there (and its name to {@code IndexFields}); to add
 * an analyzed field, a {@code Schema.Text}. Field numbers, field infos, stored values, postings,
 * norms and term vectors follow from the schema: the field infos are those IndexWriter gives one
 * sample document of the schema ({@code Schema.fieldInfos}), so they stay Lucene's. Anything the
 * schema cannot express (doc values other than the docid's, points, vectors, stored text fields,
 * fields without frequencies or norms) needs code here: {@code SegmentBuilder} writes each
 * Lucene data structure itself. Then extend {@code IndexerEqualityTest} (or
 * {@code SegmentPipelineTest}), which compares the result with IndexWriter's field by field, and
 * raise {@code IndexMetadata.SCHEMA} if older indexes can no longer be searched.
 */
package io.trawl.index.segment;
