package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.model.Golden;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile inputs for every parser, driven through the CLI in-process. One row per input: which
 * command reads it, the file's bytes, the expected exit code and message fragment, and where the
 * message must point ({@code :2} = the file and line 2). Rejected inputs must give exactly one line
 * {@code trawl: error: FILE:LINE[:COL]: problem}, exit 2, no stack trace, and leave nothing in the
 * output folder. Accepted variants (BOM, CRLF, trailing whitespace) must give the same output as
 * the clean file.
 *
 * <p>Enormous (100 MB) lines are in {@link HugeLineTest}, which runs them in a small-heap JVM.
 */
class HostileInputTest {
  @TempDir static Path shared;
  static Path index;

  /** Writes the hostile file. */
  interface Content {
    void write(Path p) throws IOException;
  }

  /**
   * One hostile input. {@code args} may use {in} (the hostile file), {out} (a path in an output
   * folder that must stay empty on failure), {dir} (the case folder), {idx} (a Cranfield index),
   * {qrels}, {run}, {cands} (good files), {model} (a tiny T5 folder).
   */
  record Row(String parser, String name, String fileName, Content content, String[] args, int code,
      String fragment, String where, Content clean) {
    @Override
    public String toString() {
      return parser + ": " + name;
    }
  }

  static final String QRELS = "q1 0 d1 1\nq1 0 d2 0\nq2 0 d3 2\n";
  static final String RUN = "q1 Q0 d1 1 3.5 t\nq1 Q0 d2 2 2.25 t\nq2 Q0 d3 1 1.0 t\n";
  static final String CANDS = "{\"query\":{\"text\":\"q\",\"qid\":\"1\"},\"candidates\":[{\"docid\":\"a\",\"score\":1,\"doc\":{\"contents\":\"x\"}}]}\n";
  static final String YAML;

  static {
    try {
      YAML = Files.readString(Path.of("regressions/cranfield-bm25.yaml"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void buildIndex() {
    index = shared.resolve("cran");
    Cli.Outcome o = Cli.run("index", "--input", "builtin:cranfield", "--index", index.toString(), "-q");
    assertEquals(0, o.code(), o.err());
  }

  static Content text(String s) {
    return p -> Files.writeString(p, s);
  }

  static Content bytes(byte[]... parts) {
    return p -> {
      try (OutputStream o = Files.newOutputStream(p)) {
        for (byte[] b : parts) {
          o.write(b);
        }
      }
    };
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static final byte[] BAD_UTF8 = {(byte) 0xC3, (byte) 0x28};
  static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  static final byte[] NUL = {0};

  static String crlf(String s) {
    return s.replace("\n", "\r\n");
  }

  static byte[] bom(String s) {
    byte[] t = b(s);
    byte[] r = Arrays.copyOf(BOM, 3 + t.length);
    System.arraycopy(t, 0, r, 3, t.length);
    return r;
  }

  static final List<Row> ROWS = new ArrayList<>();

  static void reject(String parser, String name, String fileName, Content c, int code, String fragment,
      String where, String... args) {
    ROWS.add(new Row(parser, name, fileName, c, args, code, fragment, where, null));
  }

  static void accept(String parser, String name, String fileName, Content c, Content clean, String... args) {
    ROWS.add(new Row(parser, name, fileName, c, args, 0, null, null, clean));
  }

  static final String[] INDEX_JSON = {"index", "--collection", "json", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] INDEX_BEIR = {"index", "--collection", "beir", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] INDEX_TSV = {"index", "--collection", "tsv", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] INDEX_TREC = {"index", "--collection", "trec", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] INDEX_TRECWEB = {"index", "--collection", "trecweb", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] SEARCH = {"search", "--index", "{idx}", "--topics", "{in}", "--output", "{out}", "--quiet", "--threads", "1"};
  static final String[] EVAL_QRELS = {"eval", "-c", "-m", "map", "-m", "ndcg_cut.10", "{in}", "{run}", "-o", "{out}"};
  static final String[] EVAL_RUN = {"eval", "-c", "-m", "map", "-m", "ndcg_cut.10", "{qrels}", "{in}", "-o", "{out}"};
  static final String[] FUSE_RUN = {"fuse", "{in}", "{run}", "-o", "{out}"};
  static final String[] RERANK_CANDS = {"rerank", "--reranker", "monot5(model=\"{model}\",threads=1)", "-i", "{in}", "-o", "{out}"};
  static final String[] RERANK_MODEL = {"rerank", "--reranker", "monot5(model=\"{dir}\",threads=1)", "-i", "{cands}", "-o", "{out}"};
  static final String[] REGRESS = {"regress", "run", "{in}", "--dry-run"};

  static String[] pipeline(String p) {
    return new String[] {"run", "--pipeline", p, "--index", "{idx}", "--topics", "cranfield", "-o", "{out}", "-q"};
  }

  static {
    // ---- corpora: json
    String j = "{\"id\": \"a\", \"contents\": \"hello world\"}\n{\"id\": \"b\", \"contents\": \"more text\"}\n";
    reject("corpus-json", "truncated object", "c.jsonl", text("{\"id\": \"a\", \"contents\": \"x\"}\n{\"id\": \"b\", \"cont"), 2, "", ":2", INDEX_JSON);
    reject("corpus-json", "invalid UTF-8", "c.jsonl", bytes(b("{\"id\": \"a\", \"contents\": \"x\"}\n{\"id\": \"b\", \"contents\": \""), BAD_UTF8, b("\"}\n")), 2, "UTF-8", ":2", INDEX_JSON);
    reject("corpus-json", "NUL byte", "c.jsonl", bytes(b("{\"id\": \"a\", \"contents\": \"x"), NUL, b("y\"}\n")), 2, "code 0", ":1:", INDEX_JSON);
    reject("corpus-json", "empty file", "c.jsonl", text(""), 2, "no documents", "", INDEX_JSON);
    reject("corpus-json", "missing id", "c.jsonl", text("{\"contents\": \"x\"}\n"), 2, "id", ":1", INDEX_JSON);
    reject("corpus-json", "duplicate key", "c.jsonl", text("{\"id\": \"a\", \"id\": \"b\", \"contents\": \"x\"}\n"), 2, "duplicate", ":1", INDEX_JSON);
    reject("corpus-json", "NaN literal", "c.jsonl", text("{\"id\": \"a\", \"contents\": NaN}\n"), 2, "", ":1", INDEX_JSON);
    reject("corpus-json", "numeric id 1e400", "c.jsonl", text("{\"id\": 1e400, \"contents\": \"x\"}\n"), 2, "id", ":1", INDEX_JSON);
    accept("corpus-json", "BOM + CRLF", "c.jsonl", bytes(bom(crlf(j))), text(j), INDEX_JSON);
    // ---- corpora: beir
    String beir = "{\"_id\": \"a\", \"title\": \"T\", \"text\": \"hello\"}\n{\"_id\": \"b\", \"title\": \"\", \"text\": \"world\"}\n";
    reject("corpus-beir", "missing _id", "corpus.jsonl", text("{\"_id\": \"a\", \"text\": \"x\"}\n{\"title\": \"t\", \"text\": \"y\"}\n"), 2, "_id", ":2", INDEX_BEIR);
    reject("corpus-beir", "text is an object", "corpus.jsonl", text("{\"_id\": \"a\", \"text\": {\"x\": 1}}\n"), 2, "text", ":1", INDEX_BEIR);
    reject("corpus-beir", "wrong root (array of numbers)", "corpus.jsonl", text("[1, 2, 3]\n"), 2, "", ":1", INDEX_BEIR);
    accept("corpus-beir", "CRLF + trailing blank lines", "corpus.jsonl", text(crlf(beir) + "\r\n\r\n"), text(beir), INDEX_BEIR);
    // ---- corpora: tsv
    String tsv = "d1\thello world\nd2\tmore text\n";
    reject("corpus-tsv", "no tab", "c.tsv", text("d1\thello\nd2 no tab here\n"), 2, "tab", ":2", INDEX_TSV);
    reject("corpus-tsv", "invalid UTF-8", "c.tsv", bytes(b("d1\tx\nd2\ty\nd3\t"), BAD_UTF8, b("\n")), 2, "UTF-8", ":3", INDEX_TSV);
    reject("corpus-tsv", "empty docid", "c.tsv", text("\thello\n"), 2, "", ":1", INDEX_TSV);
    reject("corpus-tsv", "duplicate docid", "c.tsv", text("d1\tx\nd1\ty\n"), 2, "duplicate docid", "", INDEX_TSV);
    accept("corpus-tsv", "BOM + CRLF", "c.tsv", bytes(bom(crlf(tsv))), text(tsv), INDEX_TSV);
    // ---- corpora: trec
    String trec = "<DOC>\n<DOCNO> d1 </DOCNO>\n<TEXT>\nhello world\n</TEXT>\n</DOC>\n";
    reject("corpus-trec", "truncated <DOC>", "docs.trec", text(trec + "<DOC>\n<DOCNO> d2 </DOCNO>\n<TEXT>\nhal"), 2, "", ":7", INDEX_TREC);
    reject("corpus-trec", "no <DOCNO>", "docs.trec", text("<DOC>\n<TEXT>\nhello\n</TEXT>\n</DOC>\n"), 2, "DOCNO", ":1", INDEX_TREC);
    reject("corpus-trec", "NUL byte", "docs.trec", bytes(b("<DOC>\n<DOCNO> d1 </DOCNO>\n<TEXT>\nhe"), NUL, b("llo\n</TEXT>\n</DOC>\n")), 2, "NUL", ":4:", INDEX_TREC);
    accept("corpus-trec", "CRLF", "docs.trec", text(crlf(trec)), text(trec), INDEX_TREC);
    // ---- corpora: trecweb
    reject("corpus-trecweb", "truncated", "docs.web", text("<DOC>\n<DOCNO>w1</DOCNO>\n<DOCHDR>\nhttp://x\n</DOCHDR>\n<html>hi"), 2, "", ":1", INDEX_TRECWEB);
    reject("corpus-trecweb", "invalid UTF-8", "docs.web", bytes(b("<DOC>\n<DOCNO>w1</DOCNO>\n<DOCHDR>\nhttp://x\n</DOCHDR>\n"), BAD_UTF8, b("\n</DOC>\n")), 2, "UTF-8", ":6", INDEX_TRECWEB);

    // ---- topics
    String topics = "1\twhat similarity laws must be obeyed\n2\tboundary layer\n";
    reject("topics", "tsv without tab", "t.tsv", text("1\tfirst\n2 second\n"), 2, "tab", ":2", SEARCH);
    reject("topics", "empty file", "t.tsv", text(""), 2, "empty", "", SEARCH);
    reject("topics", "duplicate qid", "t.tsv", text("1\tfirst\n1\tsecond\n"), 2, "'1'", ":2", SEARCH);
    reject("topics", "invalid UTF-8", "t.tsv", bytes(b("1\tfi"), BAD_UTF8, b("\n")), 2, "UTF-8", ":1", SEARCH);
    reject("topics", "NUL byte", "t.tsv", bytes(b("1\tfirst\n2\tsec"), NUL, b("ond\n")), 2, "NUL", ":2", SEARCH);
    reject("topics", "TREC <top> without </top>", "t.trec", text("<top>\n<num> Number: 1\n<title> flow\n"), 2, "</top>", ":1", SEARCH);
    reject("topics", "BEIR JSONL invalid JSON", "queries.jsonl", text("{\"_id\": \"1\", \"text\": \"flow\"}\n{\"_id\": \"2\", \"text\": \n"), 2, "JSON", ":2", SEARCH);
    accept("topics", "BOM + CRLF + trailing whitespace", "t.tsv", bytes(bom(crlf("1\twhat similarity laws must be obeyed  \n2\tboundary layer\t\n"))), text(topics), SEARCH);

    // ---- qrels
    reject("qrels", "3 columns", "q.txt", text("q1 0 d1 1\nq1 0 d2\n"), 2, "4 fields", ":2", EVAL_QRELS);
    // trec_eval 10.0 calls a qrels line with a 5th field malformed (a run's 7th is ignored)
    reject("qrels", "5 columns", "q.txt", text(QRELS.replace("\n", " extra\n")), 2, "4 fields", ":1", EVAL_QRELS);
    reject("qrels", "relevance NaN", "q.txt", text("q1 0 d1 NaN\n"), 2, "NaN", ":1", EVAL_QRELS);
    reject("qrels", "relevance 1e400", "q.txt", text("q1 0 d1 1\nq1 0 d2 1e400\n"), 2, "1e400", ":2", EVAL_QRELS);
    // trec_eval stops while evaluating that query: exit 4
    reject("qrels", "judged twice", "q.txt", text("q1 0 d1 1\nq1 0 d1 0\n"), 4, "twice", ":2", EVAL_QRELS);
    reject("qrels", "empty file", "q.txt", text(""), 2, "empty", "", EVAL_QRELS);
    reject("qrels", "truncated mid-line", "q.txt", text("q1 0 d1 1\nq1 0 d"), 2, "4 fields", ":2", EVAL_QRELS);
    reject("qrels", "NUL byte", "q.txt", bytes(b("q1 0 d1 1\nq1 0 d"), NUL, b("2 1\n")), 2, "NUL", ":2", EVAL_QRELS);
    accept("qrels", "relevance -0", "q.txt", text(QRELS.replace("d2 0", "d2 -0")), text(QRELS), EVAL_QRELS);
    accept("qrels", "BOM + CRLF + trailing spaces", "q.txt", bytes(bom(crlf(QRELS.replace("\n", "  \n")))), text(QRELS), EVAL_QRELS);

    // ---- runs (eval's reader)
    reject("run", "score NaN", "r.txt", text("q1 Q0 d1 1 NaN t\n"), 2, "NaN", ":1", EVAL_RUN);
    reject("run", "score 1e400", "r.txt", text("q1 Q0 d1 1 1.0 t\nq1 Q0 d2 2 1e400 t\n"), 2, "1e400", ":2", EVAL_RUN);
    // trec_eval ignores the rank column (it sorts by score), so eval does too
    accept("run", "rank not a number", "r.txt", text(RUN.replace("d1 1 ", "d1 x ")), text(RUN), EVAL_RUN);
    accept("run", "7 columns", "r.txt", text(RUN.replace("\n", " extra\n")), text(RUN), EVAL_RUN);
    reject("run", "4 columns", "r.txt", text("q1 Q0 d1 1 1.0 t\nq1 Q0 d2 2\n"), 2, "", ":2", EVAL_RUN);
    reject("run", "duplicate docid", "r.txt", text("q1 Q0 d1 1 1.0 t\nq1 Q0 d1 2 0.5 t\n"), 4, "d1", ":2", EVAL_RUN);
    reject("run", "empty file", "r.txt", text(""), 2, "empty", "", EVAL_RUN);
    reject("run", "NUL byte", "r.txt", bytes(b("q1 Q0 d"), NUL, b("1 1 1.0 t\n")), 2, "NUL", ":1", EVAL_RUN);
    accept("run", "score -0", "r.txt", text(RUN.replace("1.0 t", "-0 t")), text(RUN.replace("1.0 t", "0 t")), EVAL_RUN);
    accept("run", "BOM + CRLF + tabs", "r.txt", bytes(bom(crlf(RUN.replace(' ', '\t')))), text(RUN), EVAL_RUN);
    // ---- runs (fuse's reader)
    reject("run-fuse", "score NaN", "r.txt", text("q1 Q0 d1 1 NaN t\n"), 2, "NaN", ":1", FUSE_RUN);
    accept("run-fuse", "rank not a number (fusion reads scores)", "r.txt", text(RUN.replace("d1 1 ", "d1 x ")), text(RUN), FUSE_RUN);
    reject("run-fuse", "score 1e400", "r.txt", text("q1 Q0 d1 1 1e400 t\n"), 2, "1e400", ":1", FUSE_RUN);
    reject("run-fuse", "truncated line", "r.txt", text("q1 Q0 d1 1 1.0 t\nq1 Q0"), 2, "", ":2", FUSE_RUN);
    reject("run-fuse", "invalid UTF-8", "r.txt", bytes(b("q1 Q0 d"), BAD_UTF8, b(" 1 1.0 t\n")), 2, "UTF-8", ":1", FUSE_RUN);
    accept("run-fuse", "BOM + CRLF", "r.txt", bytes(bom(crlf(RUN))), text(RUN), FUSE_RUN);

    // ---- candidates (rerank input)
    reject("candidates", "JSON list truncated", "c.json", text("[{\"query\":{\"text\":\"q\",\"qid\":\"1\"},\"candidates\":[{\"docid\":\"a\""), 2, "", ":1", RERANK_CANDS);
    reject("candidates", "JSONL line 2 invalid", "c.jsonl", text(CANDS + "{\"query\": \n"), 2, "JSON", ":2", RERANK_CANDS);
    reject("candidates", "query without qid", "c.jsonl", text("{\"query\":{\"text\":\"q\"},\"candidates\":[]}\n"), 2, "qid", ":1", RERANK_CANDS);
    reject("candidates", "duplicate key", "c.jsonl", text("{\"query\":{\"text\":\"q\",\"qid\":\"1\",\"qid\":\"2\"},\"candidates\":[]}\n"), 2, "duplicate", ":1", RERANK_CANDS);
    reject("candidates", "empty file", "c.jsonl", text(""), 2, "empty", "", RERANK_CANDS);
    reject("candidates", "candidates not a list", "c.jsonl", text("{\"query\":{\"text\":\"q\",\"qid\":\"1\"},\"candidates\":5}\n"), 2, "list", ":1", RERANK_CANDS);
    reject("candidates", "score 1e400", "c.jsonl", text("{\"query\":{\"text\":\"q\",\"qid\":\"1\"},\"candidates\":[{\"docid\":\"a\",\"score\":1e400,\"doc\":{\"contents\":\"x\"}}]}\n"), 2, "score", ":1", RERANK_CANDS);
    reject("candidates", "invalid UTF-8", "c.jsonl", bytes(b("{\"query\":{\"text\":\"q"), BAD_UTF8, b("\",\"qid\":\"1\"},\"candidates\":[]}\n")), 2, "UTF-8", ":1", RERANK_CANDS);

    // ---- regression YAML
    reject("regress-yaml", "unclosed flow mapping", "cranfield-bm25.yaml", text(YAML.replace("R@100: 0.7206}", "R@100: 0.7206")), 2, "", ":", REGRESS);
    reject("regress-yaml", "unknown field", "cranfield-bm25.yaml", text(YAML.replace("index:\n  name: cranfield", "index:\n  name: cranfield\n  nmae: x")), 2, "nmae", ":16:3", REGRESS);
    reject("regress-yaml", "duplicate key", "cranfield-bm25.yaml", text(YAML.replace("index:\n  name: cranfield", "index:\n  name: cranfield\n  name: other")), 2, "duplicate field 'name'", ":16", REGRESS);
    reject("regress-yaml", "empty file", "cranfield-bm25.yaml", text(""), 2, "empty", "", REGRESS);
    reject("regress-yaml", "expected value NaN", "cranfield-bm25.yaml", text(YAML.replace("AP: 0.2791", "AP: .NaN")), 2, "expected", ":34", REGRESS);
    reject("regress-yaml", "expected value 1e400", "cranfield-bm25.yaml", text(YAML.replace("AP: 0.2791", "AP: 1e400")), 2, "finite", ":35", REGRESS);
    reject("regress-yaml", "invalid UTF-8", "cranfield-bm25.yaml", bytes(b("name: x"), BAD_UTF8, b("\n")), 2, "UTF-8", "", REGRESS);
    accept("regress-yaml", "BOM + CRLF", "cranfield-bm25.yaml", bytes(bom(crlf(YAML))), text(YAML), REGRESS);

    // ---- model config.json (the folder also holds the golden weights and a tokenizer)
    reject("model-config", "truncated JSON", "config.json", text("{\"model_type\": \"t5\", \"d_model\": "), 2, "JSON", "", RERANK_MODEL);
    reject("model-config", "empty file", "config.json", text(""), 2, "", "", RERANK_MODEL);
    reject("model-config", "d_model NaN", "config.json", configWith("\"d_model\": 64", "\"d_model\": NaN"), 2, "", "", RERANK_MODEL);
    reject("model-config", "d_model 1e400", "config.json", configWith("\"d_model\": 64", "\"d_model\": 1e400"), 2, "d_model", "", RERANK_MODEL);
    reject("model-config", "d_model -0", "config.json", configWith("\"d_model\": 64", "\"d_model\": -0"), 2, "d_model", "", RERANK_MODEL);
    reject("model-config", "duplicate key", "config.json", configWith("\"d_model\": 64", "\"d_model\": 64, \"d_model\": 128"), 2, "d_model", "", RERANK_MODEL);

    // ---- safetensors headers (the folder also holds the golden config and a tokenizer)
    reject("safetensors", "header length > file", "model.safetensors", bytes(le(1000), b("{}")), 2, "truncated", "", RERANK_MODEL);
    reject("safetensors", "file shorter than 8 bytes", "model.safetensors", bytes(b("abc")), 2, "truncated", "", RERANK_MODEL);
    reject("safetensors", "offsets past EOF", "model.safetensors", st("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), 2, "truncated", "", RERANK_MODEL);
    reject("safetensors", "negative offset", "model.safetensors", st("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8), 2, "data_offsets", "", RERANK_MODEL);
    reject("safetensors", "overlapping tensors", "model.safetensors", st("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), 2, "overlap", "", RERANK_MODEL);
    reject("safetensors", "huge shape", "model.safetensors", st("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8), 2, "overflows", "", RERANK_MODEL);
    reject("safetensors", "header not JSON", "model.safetensors", st("{\"a\":", 0), 2, "JSON", "", RERANK_MODEL);
    reject("safetensors", "duplicate tensor name", "model.safetensors", st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), 2, "duplicate", "", RERANK_MODEL);

    // ---- pipeline spec strings (no file: the message names the problem)
    reject("pipeline", "k1=NaN", null, null, 2, "k1", null, pipeline("bm25(k1=NaN)@100"));
    reject("pipeline", "k1=1e400", null, null, 2, "k1", null, pipeline("bm25(k1=1e400)@100"));
    reject("pipeline", "unclosed parenthesis", null, null, 2, "", null, pipeline("bm25(k1=0.9@100"));
    reject("pipeline", "trailing >>", null, null, 2, "", null, pipeline("bm25@100 >>"));
    reject("pipeline", "negative cutoff", null, null, 2, "", null, pipeline("bm25@-5"));
    reject("pipeline", "unknown name suggests", null, null, 2, "bm25", null, pipeline("bm52@100"));
    reject("pipeline", "unknown parameter", null, null, 2, "modle", null, pipeline("bm25(modle=1)@100"));

    // ---- CLI options
    reject("cli", "search --hits -5", null, null, 2, "hits", null, "search", "--index", "{idx}", "--topics", "cranfield", "--hits", "-5", "-o", "{out}");
    reject("cli", "search --topics typo suggests", null, null, 2, "cranfield", null, "search", "--index", "{idx}", "--topics", "cranfeld", "-o", "{out}");
    reject("cli", "eval -M abc", null, null, 2, "-M", null, "eval", "{qrels}", "{run}", "-M", "abc");
    reject("cli", "eval unknown measure", null, null, 2, "ndgc", null, "eval", "-m", "ndgc_cut.10", "{qrels}", "{run}");
    reject("cli", "fuse --k NaN", null, null, 2, "k", null, "fuse", "{run}", "{run}", "--k", "NaN", "-o", "{out}");
    reject("cli", "index --threads -1", null, null, 2, "threads", null, "index", "--input", "builtin:cranfield", "--index", "{out}", "--threads", "-1");
    reject("cli", "unknown option suggests", null, null, 2, "--topics", null, "search", "--index", "{idx}", "--topcis", "cranfield");
    reject("cli", "compare --alpha 2", null, null, 2, "alpha", null, "compare", "{qrels}", "{run}", "{run}", "--alpha", "2");
    reject("cli", "index --layout bogus", null, null, 2, "layout", null, "index", "--input", "builtin:cranfield", "--index", "{out}", "--layout", "bogus");
  }

  static byte[] le(long n) {
    return java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(n).array();
  }

  /** A safetensors file with the given header and {@code data} zero bytes. */
  static Content st(String header, int data) {
    byte[] h = b(header);
    return bytes(le(h.length), h, new byte[data]);
  }

  static Content configWith(String from, String to) {
    return p -> {
      String c = Files.readString(Golden.model("t5-v1_0-tiny").resolve("config.json"));
      assertTrue(c.contains(from), "fixture: config.json lacks " + from);
      Files.writeString(p, c.replace(from, to));
    };
  }

  static Stream<Row> rows() {
    return ROWS.stream();
  }

  @TempDir Path tmp;

  String[] expand(Row r, Path dir, Path in, Path out) throws IOException {
    String model = r.parser().startsWith("candidates") ? tinyT5(dir.resolve("model")).toString() : "";
    Path qrels = dir.resolve("good.qrels");
    Files.writeString(qrels, QRELS);
    Path run = dir.resolve("good.run");
    Files.writeString(run, RUN);
    Path cands = dir.resolve("good.jsonl");
    Files.writeString(cands, CANDS);
    String[] args = r.args().clone();
    for (int i = 0; i < args.length; i++) {
      args[i] = args[i].replace("{in}", in == null ? "" : in.toString()).replace("{out}", out.toString())
          .replace("{dir}", dir.toString()).replace("{idx}", index.toString())
          .replace("{qrels}", qrels.toString()).replace("{run}", run.toString())
          .replace("{cands}", cands.toString()).replace("{model}", model);
    }
    return args;
  }

  static Path tinyT5(Path dir) throws IOException {
    Path src = Golden.model("t5-v1_0-tiny");
    Files.createDirectories(dir);
    for (String f : new String[] {"config.json", "model.safetensors"}) {
      if (!Files.exists(dir.resolve(f))) {
        Files.createSymbolicLink(dir.resolve(f), src.resolve(f).toAbsolutePath());
      }
    }
    if (!Files.exists(dir.resolve("spiece.model"))) {
      Files.createSymbolicLink(dir.resolve("spiece.model"),
          Golden.shared().resolve("golden/tokenizers/llama2/tokenizer.model").toAbsolutePath());
    }
    return dir;
  }

  /** Runs one row in a fresh folder; returns the outcome and what the output folder holds. */
  record Result(Cli.Outcome outcome, Path in, Path outDir, Path out) {}

  Result runRow(Row r, Content content, String caseName) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(caseName));
    Path in = null;
    if (r.fileName() != null) {
      in = dir.resolve(r.fileName());
      content.write(in);
    }
    if (r.parser().equals("model-config") || r.parser().equals("safetensors")) {
      tinyT5(dir); // fills in the files the row does not replace
    }
    Path outDir = Files.createDirectories(dir.resolve("out"));
    Path out = outDir.resolve(r.args()[0].equals("index") ? "idx" : "result.txt");
    Cli.Outcome o = Cli.run(expand(r, dir, in, out));
    return new Result(o, in, outDir, out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void hostileInput(Row r) throws IOException {
    Result res = runRow(r, r.content(), "case");
    Cli.Outcome o = res.outcome();
    String context = r + "\nexit " + o.code() + "\nstderr: " + o.err() + "\nstdout: " + o.out();
    assertEquals(r.code(), o.code(), context);
    if (r.code() == 0) {
      Result clean = runRow(r, r.clean(), "clean");
      assertEquals(0, clean.outcome().code(), clean.outcome().err());
      assertEquals(outputOf(clean), outputOf(res), "accepted variant must give the clean output: " + context);
      return;
    }
    String err = o.err().strip();
    if (r.parser().equals("cli")) {
      // usage errors may add picocli's suggestions and a "Try 'trawl x --help'" line
      err = err.lines().findFirst().orElse("");
      assertFalse(o.err().contains("\tat "), context);
    }
    assertEquals(1, err.lines().count(), "one line: " + context);
    assertTrue(err.startsWith("trawl: error: "), context);
    assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace or exception name: " + context);
    assertTrue(o.err().toLowerCase(java.util.Locale.ROOT).contains(r.fragment().toLowerCase(java.util.Locale.ROOT)), "message should mention '" + r.fragment() + "': " + context);
    if (r.where() != null) {
      String want = res.in() + r.where();
      assertTrue(err.contains(want), "message should point at '" + want + "': " + context);
    }
    try (Stream<Path> left = Files.list(res.outDir())) {
      assertEquals(List.of(), left.toList(), "no output left behind: " + context);
    }
  }

  /** What a run produced: the output file (or the index's document count), else stdout. */
  static String outputOf(Result r) throws IOException {
    if (Files.isDirectory(r.out())) {
      Cli.Outcome stats = Cli.run("index-stats", "--index", r.out().toString(), "--json");
      return stats.out().replaceAll("\"(corpus|path|created|indexedAt|seconds|totalSeconds|documentsPerSecond|[a-zA-Z]*[sS]econds|[a-zA-Z]*[tT]ime[a-zA-Z]*)\"\\s*:\\s*[^,}\\n]*", "");
    }
    if (Files.exists(r.out())) {
      return Files.readString(r.out());
    }
    return r.outcome().out().replace(r.in().toString(), "IN").replace(r.in().getParent().toString(), "DIR");
  }

  @Test
  void debugShowsTheStackTrace() throws IOException {
    Path q = tmp.resolve("q.txt");
    Files.writeString(q, "q1 0 d1\n");
    Path run = tmp.resolve("r.txt");
    Files.writeString(run, RUN);
    Cli.Outcome plain = Cli.run("eval", q.toString(), run.toString());
    assertEquals(2, plain.code());
    assertFalse(plain.err().contains("\tat "), plain.err());
    for (String[] args : List.of(
        new String[] {"eval", "--debug", q.toString(), run.toString()},
        new String[] {"fuse", "--debug", q.toString(), "-o", tmp.resolve("f.txt").toString()},
        new String[] {"compare", "--debug", q.toString(), run.toString(), run.toString()})) {
      Cli.Outcome debug = Cli.run(args);
      assertEquals(2, debug.code(), String.join(" ", args) + ": " + debug.err());
      assertTrue(debug.err().contains("\tat io.trawl."), String.join(" ", args) + ": " + debug.err());
    }
  }

  @Test
  void atLeastFortyRowsCoverEveryParser() {
    assertTrue(ROWS.size() >= 40, "rows: " + ROWS.size());
    List<String> parsers = ROWS.stream().map(Row::parser).distinct().toList();
    for (String p : List.of("corpus-json", "corpus-beir", "corpus-tsv", "corpus-trec", "corpus-trecweb",
        "topics", "qrels", "run", "candidates", "regress-yaml", "model-config", "safetensors", "pipeline", "cli")) {
      assertTrue(parsers.contains(p), "no rows for " + p);
    }
  }
}
