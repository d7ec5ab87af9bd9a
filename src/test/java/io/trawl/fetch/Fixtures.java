package io.trawl.fetch;

import io.trawl.index.Analyzers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/** Archives and an Anserini-style index for the fetch tests. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * A Lucene index laid out as Anserini's IndexCollection writes it (id: keyword, stored, sorted doc
   * values; contents: analyzed; raw: stored), without Trawl's trawl-index.json.
   */
  public static void anseriniIndex(Path dir, Map<String, String> docs) throws IOException {
    IndexWriterConfig c = new IndexWriterConfig(Analyzers.english("porter", false));
    try (IndexWriter w = new IndexWriter(FSDirectory.open(dir), c)) {
      for (Map.Entry<String, String> e : docs.entrySet()) {
        Document d = new Document();
        d.add(new StringField("id", e.getKey(), Field.Store.YES));
        d.add(new SortedDocValuesField("id", new BytesRef(e.getKey())));
        d.add(new TextField("contents", e.getValue(), Field.Store.NO));
        d.add(new StoredField("raw", "{\"id\": \"" + e.getKey() + "\", \"contents\": \"" + e.getValue() + "\"}"));
        w.addDocument(d);
      }
      w.forceMerge(1);
    }
  }

  /** A .tar.gz of {@code dir}'s files under the top folder {@code top}/ (ustar headers). */
  public static byte[] tarGz(Path dir, String top) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        entries.put(top + "/" + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return tarGz(entries);
  }

  public static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        gz.write(header(e.getKey(), e.getValue().length, '0'));
        gz.write(e.getValue());
        gz.write(new byte[(512 - e.getValue().length % 512) % 512]);
      }
      gz.write(new byte[1024]);
    }
    return bo.toByteArray();
  }

  public static byte[] header(String name, long size, char type) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "00000000000");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
