package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link Corpus} keeps, checked on small inputs each implementation provides:
 * documents in file order with their file and line; gzip and folders read the same way; a bad
 * document, invalid UTF-8 or a NUL byte is an {@link InputException} naming file and line, and
 * {@link OnError#SKIP} counts it and goes on.
 */
public abstract class CorpusContractTest {
  @TempDir protected Path tmp;

  /** The format under test. */
  protected abstract Corpus corpus();

  /**
   * A valid file with at least three documents; the second document's text contains the word
   * {@code MARK} (it is replaced by bad bytes in the encoding tests).
   */
  protected abstract String validFile();

  /** The ids of {@link #validFile()}, in order. */
  protected abstract List<String> validIds();

  /** A file whose second document is bad (e.g. no id) and whose other documents are fine. */
  protected abstract String fileWithBadDocument();

  /** The line {@link #fileWithBadDocument()}'s error must name. */
  protected abstract long badDocumentLine();

  /** The ids read from {@link #fileWithBadDocument()} with {@link OnError#SKIP}. */
  protected abstract List<String> idsAfterSkipping();

  protected Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  protected static List<SourceDocument> readAll(Corpus corpus, String input, OnError onError) {
    List<SourceDocument> docs = new ArrayList<>();
    try (CorpusReader r = corpus.read(input, onError)) {
      SourceDocument d;
      while ((d = r.next()) != null) {
        docs.add(d);
      }
    }
    return docs;
  }

  protected static List<String> ids(List<SourceDocument> docs) {
    return docs.stream().map(SourceDocument::id).toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private long markLine() {
    String v = validFile();
    int at = v.indexOf("MARK");
    assertTrue(at > 0, "validFile() must contain MARK");
    return v.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }

  private byte[] replaceMark(byte[] replacement) {
    byte[] v = utf8(validFile());
    byte[] mark = utf8("MARK");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < v.length; i++) {
      if (i + 4 <= v.length && v[i] == mark[0] && v[i + 1] == mark[1] && v[i + 2] == mark[2]
          && v[i + 3] == mark[3]) {
        out.writeBytes(replacement);
        i += 3;
      } else {
        out.write(v[i]);
      }
    }
    return out.toByteArray();
  }

  @Test
  void readsDocumentsInFileOrderWithLocations() throws IOException {
    Path p = write("corpus.txt", utf8(validFile()));
    List<SourceDocument> docs = readAll(corpus(), p.toString(), OnError.FAIL);
    assertEquals(validIds(), ids(docs));
    long previous = 0;
    for (SourceDocument d : docs) {
      assertEquals(p.toString(), d.file());
      assertTrue(d.line() > previous, "lines increase: " + d.location());
      previous = d.line();
      assertFalse(d.raw().isEmpty(), "raw kept for " + d.id());
      assertFalse(d.id().isBlank());
    }
    assertTrue(docs.get(1).contents().contains("MARK") || docs.get(1).title().contains("MARK"));
  }

  @Test
  void readingTwiceGivesTheSameDocuments() throws IOException {
    Path p = write("corpus.txt", utf8(validFile()));
    assertEquals(readAll(corpus(), p.toString(), OnError.FAIL), readAll(corpus(), p.toString(), OnError.FAIL));
  }

  @Test
  void gzipReadsLikePlain() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(utf8(validFile()));
    }
    Path plain = write("plain.txt", utf8(validFile()));
    Path gz = write("packed.gz", bytes.toByteArray());
    List<SourceDocument> a = readAll(corpus(), plain.toString(), OnError.FAIL);
    List<SourceDocument> b = readAll(corpus(), gz.toString(), OnError.FAIL);
    assertEquals(ids(a), ids(b));
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).contents(), b.get(i).contents());
      assertEquals(a.get(i).raw(), b.get(i).raw());
      assertEquals(a.get(i).line(), b.get(i).line());
    }
  }

  @Test
  void folderFilesAreReadInSortedOrderAndHiddenFilesSkipped() throws IOException {
    write("dir/b/part", utf8(validFile()));
    write("dir/a", utf8(validFile()));
    write("dir/.hidden", utf8("garbage that is not a corpus \0"));
    List<SourceDocument> docs = readAll(corpus(), tmp.resolve("dir").toString(), OnError.FAIL);
    List<String> expected = new ArrayList<>(validIds());
    expected.addAll(validIds());
    assertEquals(expected, ids(docs));
    assertEquals(tmp.resolve("dir/a").toString(), docs.get(0).file());
    assertEquals(tmp.resolve("dir/b/part").toString(), docs.get(docs.size() - 1).file());
  }

  @Test
  void badDocumentNamesFileAndLine() throws IOException {
    Path p = write("bad.txt", utf8(fileWithBadDocument()));
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(p.toString(), e.file());
    assertEquals(badDocumentLine(), e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith(p + ":" + badDocumentLine()), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void skipCountsTheBadDocumentAndGoesOn() throws IOException {
    Path p = write("bad.txt", utf8(fileWithBadDocument()));
    try (CorpusReader r = corpus().read(p.toString(), OnError.SKIP)) {
      List<String> ids = new ArrayList<>();
      SourceDocument d;
      while ((d = r.next()) != null) {
        ids.add(d.id());
      }
      assertEquals(idsAfterSkipping(), ids);
      assertEquals(1, r.errors());
      assertEquals(1, r.errorMessages().size());
      assertTrue(r.errorMessages().get(0).contains(p + ":" + badDocumentLine()), r.errorMessages().get(0));
    }
  }

  @Test
  void invalidUtf8NamesTheLine() throws IOException {
    Path p = write("latin1.txt", replaceMark(new byte[] {'M', (byte) 0xC3, '(', 'K'}));
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(p.toString(), e.file());
    assertEquals(markLine(), e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @Test
  void nulByteIsAnError() throws IOException {
    Path p = write("nul.txt", replaceMark(new byte[] {'M', 0, 'K'}));
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(markLine(), e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    List<SourceDocument> rest = readAll(corpus(), p.toString(), OnError.SKIP);
    assertFalse(ids(rest).contains(validIds().get(1)), "the bad document is skipped");
    assertTrue(ids(rest).contains(validIds().get(validIds().size() - 1)), "reading went on");
  }

  @Test
  void truncatedGzipIsAnErrorAndEndsTheFile() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(utf8(validFile()));
    }
    byte[] all = bytes.toByteArray();
    Path p = write("cut.gz", java.util.Arrays.copyOf(all, all.length - 12));
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(p.toString(), e.file());
    List<SourceDocument> rest = assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
        () -> readAll(corpus(), p.toString(), OnError.SKIP));
    assertTrue(rest.size() < validIds().size() + 1);
  }

  @Test
  void missingInputIsAnError() {
    InputException e = assertThrows(InputException.class,
        () -> readAll(corpus(), tmp.resolve("nope").toString(), OnError.FAIL));
    assertTrue(e.getMessage().contains("nope"));
  }

  @Test
  void registeredUnderItsFormatName() {
    assertSame(corpus().getClass(), Corpora.get(corpus().format()).getClass());
    assertEquals(corpus().format(), Corpora.get(corpus().format()).format());
  }
}
