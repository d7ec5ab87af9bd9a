package io.trawl.spark;

import io.trawl.core.TrawlException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.lucene.util.StringHelper;

/**
 * Which shard a document goes to. Deterministic: the same corpus and shard count always give the
 * same shards, on any machine and any number of executors.
 *
 * <ul>
 *   <li>{@link #DOCID} (default): shard = {@code floorMod(murmurhash3_x86_32(UTF-8 bytes of the
 *       docid, seed 0), shards)} (Lucene's {@link StringHelper#murmurhash3_x86_32}). Every copy of a
 *       docid lands in the same shard, so duplicate detection works as in {@code trawl index}; every
 *       shard task reads (parses) the whole input and analyzes only its own documents.
 *   <li>{@link #FILE}: the input's files in sorted order, file {@code i} to shard
 *       {@code i mod shards}. Each task reads only its files (cheaper for corpora of many files such
 *       as MS MARCO v2.1), but a docid repeated in two files of different shards is not detected.
 * </ul>
 */
public enum ShardAssignment implements Serializable {
  DOCID,
  FILE;

  /** Seed of the docid hash; part of the on-disk contract, never change it. */
  public static final int SEED = 0;

  public static ShardAssignment parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw TrawlException.invalid("unknown shard assignment '" + s + "'; valid: docid, file");
    }
  }

  /** The shard of a docid under {@link #DOCID}. */
  public static int shardOf(String docid, int shards) {
    byte[] b = docid.getBytes(StandardCharsets.UTF_8);
    return Math.floorMod(StringHelper.murmurhash3_x86_32(b, 0, b.length, SEED), shards);
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
