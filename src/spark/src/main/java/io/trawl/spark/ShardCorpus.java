package io.trawl.spark;

import io.trawl.corpus.Corpus;
import io.trawl.corpus.DocumentReader;
import io.trawl.corpus.SourceDocument;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The documents of one shard of a corpus: the registered format's reader, filtered by
 * {@link ShardAssignment}. Handed to the unchanged {@link io.trawl.index.Indexer}, so a shard has
 * exactly the analyzer, fields and document order (corpus order) of {@code trawl index}.
 */
final class ShardCorpus extends Corpus {
  private final Corpus inner;
  private final ShardAssignment assignment;
  private final int shard;
  private final int shards;
  private final List<String> files;

  /** {@code files}: the input's files in reading order (for {@link ShardAssignment#FILE}). */
  ShardCorpus(Corpus inner, ShardAssignment assignment, int shard, int shards, List<String> files) {
    this.inner = inner;
    this.assignment = assignment;
    this.shard = shard;
    this.shards = shards;
    this.files = files;
  }

  @Override
  public String format() {
    return inner.format();
  }

  @Override
  public boolean hasTitles() {
    return inner.hasTitles();
  }

  @Override
  public boolean titleInContents() {
    return inner.titleInContents();
  }

  @Override
  public boolean impact() {
    return inner.impact();
  }

  @Override
  public String text(io.trawl.corpus.SourceDocument d) {
    return inner.text(d);
  }

  @Override
  public io.trawl.corpus.SourceDocument parseRaw(String raw) {
    return inner.parseRaw(raw);
  }

  @Override
  public DocumentReader open(String file, InputStream in) {
    if (assignment == ShardAssignment.FILE) {
      int i = files.indexOf(file);
      if (i < 0 || i % shards != shard) {
        try {
          in.close();
        } catch (IOException e) {
          // nothing read from it
        }
        return new DocumentReader() {
          @Override
          public SourceDocument next() {
            return null;
          }

          @Override
          public void close() {}
        };
      }
      return inner.open(file, in);
    }
    DocumentReader r = inner.open(file, in);
    return new DocumentReader() {
      @Override
      public SourceDocument next() {
        SourceDocument d;
        while ((d = r.next()) != null) {
          if (d.id() == null || d.id().isBlank()) {
            if (shard == 0) {
              return d; // reaches the reader's checks (and its error or skip) in shard 0 only
            }
          } else if (ShardAssignment.shardOf(d.id(), shards) == shard) {
            return d;
          }
        }
        return null;
      }

      @Override
      public boolean broken() {
        return r.broken();
      }

      @Override
      public void close() {
        r.close();
      }
    };
  }
}
