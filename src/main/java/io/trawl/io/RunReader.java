package io.trawl.io;

import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.Run;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The one reader of run files, used by every command: evaluation, reranking, pipelines, fusion,
 * dense hybrid search, Spark. It reads bytes ({@link ByteLines}: plain, .gz or {@code -}; a UTF-8
 * BOM and CRLF line ends are fine) into a compact {@link RunTable} at about 10M lines a second.
 *
 * <p><b>What everyone sees.</b> Each query's list is taken in trec_eval's order,
 * {@link #TREC_EVAL_ORDER}: score (parsed as a double, exactly as C's {@code atof}) descending, ties
 * by docno descending in byte order ({@code strcmp} in trec_eval's {@code form_res_rels.c}). The
 * rank column is ignored, as trec_eval ignores it. So a reranker, a fusion and {@code trawl eval}
 * see the same ranking of the same file, and a tied candidate never changes place between {@code
 * trawl rerank -i F} and {@code trawl run --pipeline 'run(file=F) >> ...'}.
 *
 * <p><b>Modes</b>, named where they are used:
 *
 * <ul>
 *   <li>{@link Mode#STRICT}: exactly the lines trec_eval 10.0 accepts, {@code qid Q0 docno rank
 *       score tag}; fields after the sixth are ignored however long; blank lines and lines whose
 *       first field starts with {@code #} are skipped. {@code trawl eval} and {@code compare}.
 *   <li>{@link Mode#LENIENT}: the same, or a whole file of MS MARCO lines {@code qid docid rank}
 *       (tab or space separated; the first data line decides, and every line must then have
 *       three fields; the score is {@code -rank}). Inputs of {@code rerank}, {@code run(file=)},
 *       {@code fuse} and {@code dense-search --hybrid}.
 * </ul>
 *
 * In both modes a score that is not a finite number, or a line with too few fields, is an {@link
 * InputException} naming the file and line; an empty run is an error. A docno twice within a
 * query is reported where the lines are used: by {@link RunTable#toRun()} for every list, by the
 * evaluator (as trec_eval) only among the top {@code -M} of judged queries.
 */
public final class RunReader {
  private RunReader() {}

  /** What a run file may hold; see the class comment. */
  public enum Mode {
    /** trec_eval's run format and nothing else. */
    STRICT,
    /** trec_eval's run format, or MS MARCO {@code qid docid rank} lines. */
    LENIENT
  }

  /**
   * trec_eval's order of a query's results: score descending, then docid descending in UTF-8 byte
   * order (which is Unicode code point order). The single definition of the order in which a run
   * file's lists reach rerankers, fusion and the evaluator; {@link RunTable#compare} is the same
   * order on bytes.
   */
  public static final Comparator<Candidate> TREC_EVAL_ORDER = (a, b) -> {
    if (a.score() > b.score()) {
      return -1;
    }
    if (a.score() < b.score()) {
      return 1;
    }
    return -compareUtf8(a.docId(), b.docId());
  };

  /** Compares strings in the byte order of their UTF-8 encodings (= Unicode code point order). */
  public static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Reads a run file into lists in trec_eval's order ({@link RunTable#toRun()}). */
  public static Run readRun(String file, Mode mode) {
    return read(file, mode).toRun();
  }

  /** Reads a run file into a {@link RunTable}. */
  public static RunTable read(String file, Mode mode) {
    RunTable r = new RunTable(file);
    r.presize(file);
    byte[] tag = null;
    int format = 0; // 0: not known yet, 6: TREC, 3: MS MARCO
    try (ByteLines in = new ByteLines(file, ByteLines.Syntax.RUN, 6)) {
      byte[] lastQid = new byte[0];
      int lastQix = -1;
      while (in.next()) {
        int fields = in.fieldCount();
        if (format == 0) {
          format = mode == Mode.LENIENT && fields == 3 ? 3 : 6;
        }
        if (format == 3) {
          if (fields != 3) {
            throw in.error("expected 3 fields 'qid docid rank' (MS MARCO, as on the first line),"
                + " found " + (in.hasMoreFields() ? "more" : fields));
          }
        } else if (fields < 6) {
          throw in.error("expected 6 fields 'qid Q0 docno rank score tag', found only " + fields
              + (mode == Mode.LENIENT ? " (an MS MARCO run has 3 on every line)" : ""));
        }
        byte[] b = in.buffer();
        int qs = in.fieldStart(0);
        int ql = in.fieldLength(0);
        int qix;
        if (lastQix >= 0 && Arrays.equals(b, qs, qs + ql, lastQid, 0, lastQid.length)) {
          qix = lastQix;
        } else {
          qix = r.queryIndexFor(in.field(0), b, qs, ql, in.lineNumber());
          lastQid = Arrays.copyOfRange(b, qs, qs + ql);
          lastQix = qix;
        }
        if (format == 3) {
          r.add(qix, -in.parseLong(2, "rank"), b, in.fieldStart(1), in.fieldLength(1), in.lineNumber());
          continue;
        }
        double s = in.parseDouble(4, "score");
        int ts = in.fieldStart(5);
        int te = in.fieldEnd(5);
        if (tag == null || !Arrays.equals(b, ts, te, tag, 0, tag.length)) {
          tag = Arrays.copyOfRange(b, ts, te);
        }
        r.add(qix, s, b, in.fieldStart(2), in.fieldLength(2), in.lineNumber());
      }
    }
    if (r.size() == 0) {
      throw new InputException(file, "empty run (no result lines)");
    }
    r.tag(tag == null ? "run" : new String(tag, StandardCharsets.UTF_8));
    return r;
  }
}
