package io.trawl.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.TrawlException;
import io.trawl.corpus.JsonCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexMetadataTest {
  @TempDir Path tmp;

  private IndexMetadata build() throws IOException {
    Path corpus = tmp.resolve("c.jsonl");
    Files.writeString(corpus, "{\"id\": \"a\", \"contents\": \"hello world\"}\n");
    return new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("idx"))).run().metadata();
  }

  @Test
  void roundTripsThroughTheFile() throws IOException {
    IndexMetadata written = build();
    IndexMetadata read = IndexMetadata.read(tmp.resolve("idx"));
    assertEquals(written, read);
    assertEquals(tmp.resolve("c.jsonl").toAbsolutePath().toString(), read.corpus());
    assertEquals("json", read.format());
    assertEquals(Layout.FLAT, read.layoutValue());
    assertEquals(IndexMetadata.SCHEMA, read.schema());
    assertEquals(2, read.totalTerms());
    assertTrue(read.timings().totalSeconds() > 0);
    assertEquals(Analyzers.describe("porter", false), read.analyzer());
    assertTrue(read.newAnalyzer() != null);
  }

  @Test
  void refusesAnotherAnalyzer() throws IOException {
    IndexMetadata m = build();
    m.requireAnalyzer(Analyzers.describe("porter", false));
    TrawlException e = assertThrows(TrawlException.class,
        () -> m.requireAnalyzer(Analyzers.describe("none", false)));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("english(stemmer=porter,stopwords=lucene)"), e.getMessage());
  }

  @Test
  void unknownFieldsAreIgnoredAndNewerSchemasRefused() throws IOException {
    build();
    Path file = tmp.resolve("idx").resolve(IndexFields.METADATA_FILE);
    String json = Files.readString(file);
    Files.writeString(file, json.replaceFirst("\\{", "{\"futureField\": 1,"));
    assertEquals("json", IndexMetadata.read(tmp.resolve("idx")).format());
    Files.writeString(file, json.replace("\"schema\" : 1", "\"schema\" : 99"));
    assertThrows(TrawlException.class, () -> IndexMetadata.read(tmp.resolve("idx")));
  }

  @Test
  void folderWithoutMetadataIsNotATrawlIndex() {
    TrawlException e = assertThrows(TrawlException.class, () -> IndexMetadata.read(tmp));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("not a Trawl index"), e.getMessage());
  }
}
