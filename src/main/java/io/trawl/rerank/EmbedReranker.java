package io.trawl.rerank;

import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.core.VectorFile;
import io.trawl.model.encoder.EncoderOptions;
import io.trawl.model.encoder.Encoders;
import io.trawl.model.encoder.Encoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Embedding reranker: scores each candidate by the cosine between the query embedding and the
 * candidate's embedding from a bi-encoder, {@code s(q, d) = <E(q), E(d)>} on unit vectors, and
 * sorts by it (stable: equal scores keep their input order).
 *
 * <p>Listwise option ({@code listwise=K}, after E2Rank, Liu et al. 2025, "E2Rank: Your Text
 * Embedding can Also be an Effective and Efficient Listwise Reranker"): the query side is a
 * pseudo-query, the encoder's query instruction + the top-K input candidates + the query,
 * {@code E(instr + d_1 + ... + d_K + q)}, which folds pseudo-relevance feedback into one query
 * embedding. Each candidate is cut to an equal share of the token budget so the query itself is
 * never truncated away.
 *
 * <p>Spec: {@code embed(encoder=bge-small-en-v1.5,listwise=0,batch=32,threads=0,max-length=0,
 * vectors=FILE)}; {@code vectors} is an optional vector file from {@code trawl encode} of the
 * corpus (same encoder), used instead of re-encoding known doc ids. Candidates must carry text
 * unless their vectors are in that file (the top {@code listwise} always need it). The canonical
 * spec ({@link #spec()}) is {@code embed(encoder=NAME,listwise=K,max-length=N)} with the effective
 * values ({@code max-length} the encoder's own unless overridden), plus {@code batch=B} on ONNX
 * Runtime (int8 encoders), where the batch decides the vectors; threads, the vector file and, on
 * the exact engine, the batch only decide the speed.
 */
public final class EmbedReranker extends PointwiseReranker {
  public static final String DEFAULT_ENCODER = "bge-small-en-v1.5";

  private final String spec;
  private final Cost cost = new Cost();
  private final Encoder encoder;
  private final int listwise;
  private final int threads;
  private final int batch;
  private final Map<String, float[]> byDocId;
  private final Map<String, float[]> byText = new HashMap<>();

  public EmbedReranker(Params p) {
    super("embed");
    String enc = p.getString("encoder", DEFAULT_ENCODER);
    this.listwise = p.getInt("listwise", 0);
    this.batch = p.getInt("batch", 32);
    this.threads = p.getInt("threads", 0);
    int maxLength = p.getInt("max-length", 0);
    String vectors = p.getString("vectors", null);
    p.requireEmpty("embed", "encoder", "listwise", "batch", "threads", "max-length", "vectors");
    if (listwise < 0) {
      throw TrawlException.invalid("listwise must be >= 0 (0 = off), got " + listwise);
    }
    Encoders.config(enc); // unknown names fail here, listing the valid ones
    Map<String, float[]> known = null;
    if (vectors != null) {
      VectorFile vf = VectorFile.read(Path.of(vectors));
      if (!vf.encoder().equals(Encoders.config(enc).name())) {
        throw TrawlException.invalid("embed: " + vectors + " was encoded with " + vf.encoder()
            + ", but the reranker uses " + enc);
      }
      known = vf.asMap();
    }
    this.byDocId = known;
    this.encoder = Encoders.open(enc, new EncoderOptions(batch, threads, maxLength));
    // what decides the scores; threads and the vector file (a cache of the same encoder's vectors)
    // only decide how fast they come, and so does batch on the exact engine; on ONNX Runtime a
    // document's vector depends on its batch companions (int8 quantises per batch)
    this.spec = Spec.builder("embed").put("encoder", encoder.name()).put("listwise", listwise)
        .put("max-length", encoder.maxLength()).put("batch", encoder.exact() ? null : Integer.toString(batch))
        .toString();
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("engine", encoder.engine());
    m.put("threads", Reranker.threadsUsed(threads));
    m.put("batch", batch);
    return m;
  }

  public Encoder encoder() {
    return encoder;
  }

  /** A candidate whose vector is in the vector file needs no text, unless it is in the pseudo-query. */
  @Override
  protected boolean needsText(Candidate candidate, int position) {
    return position < listwise || byDocId == null || !byDocId.containsKey(candidate.docId());
  }

  @Override
  protected List<double[]> scoreAll(List<Query> queries, List<RankedList> lists) {
    if (!encoder.exact()) {
      // ONNX Runtime's int8 graphs quantise activations per batch: a document's vector depends on
      // its batch companions. Each query's candidates are encoded as their own batch, with nothing
      // kept from earlier queries, so a query's scores depend on its own input alone (and
      // --resume gives the uninterrupted run's bytes).
      byText.clear();
      if (queries.size() > 1) {
        List<double[]> out = new ArrayList<>(lists.size());
        for (int i = 0; i < queries.size(); i++) {
          out.add(scoreAll(List.of(queries.get(i)), List.of(lists.get(i))).get(0));
        }
        return out;
      }
    }
    // 1. document vectors: from the vector file, the cache, or one batched encode of the rest
    LinkedHashMap<String, Integer> toEncode = new LinkedHashMap<>();
    for (RankedList l : lists) {
      for (Candidate c : l.candidates()) {
        if (byDocId != null && byDocId.containsKey(c.docId())) {
          continue;
        }
        if (!byText.containsKey(c.text()) && toEncode.putIfAbsent(c.text(), toEncode.size()) == null) {
          // a text is encoded once: its pass counts for the first query that needs it
          cost.prefill(l.queryId(), encoder.documentTokens(c.text()));
        }
      }
    }
    if (!toEncode.isEmpty()) {
      List<String> texts = new ArrayList<>(toEncode.keySet());
      float[][] v = encoder.encodeDocuments(texts);
      for (int i = 0; i < texts.size(); i++) {
        byText.put(texts.get(i), v[i]);
      }
    }
    // 2. query (or pseudo-query) vectors, one by one so a query never depends on its neighbours
    //    (not for a query without candidates: nothing to score)
    List<String> qtexts = new ArrayList<>(queries.size());
    List<Integer> asked = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      if (lists.get(i).size() > 0) {
        String t = listwise > 0 ? pseudoQuery(queries.get(i), lists.get(i)) : queries.get(i).text();
        qtexts.add(t);
        asked.add(i);
        cost.prefill(queries.get(i).id(), encoder.queryTokens(t));
      }
    }
    float[][] encoded = encoder.encodeEach(qtexts, true);
    float[][] qv = new float[queries.size()][];
    for (int a = 0; a < asked.size(); a++) {
      qv[asked.get(a)] = encoded[a];
    }
    // 3. s(q, d) = <E(q), E(d)>
    List<double[]> out = new ArrayList<>(lists.size());
    for (int i = 0; i < lists.size(); i++) {
      RankedList l = lists.get(i);
      double[] scores = new double[l.size()];
      for (int j = 0; j < l.size(); j++) {
        Candidate c = l.get(j);
        float[] dv = byDocId != null && byDocId.containsKey(c.docId()) ? byDocId.get(c.docId())
            : byText.get(c.text());
        scores[j] = Encoder.dot(qv[i], dv);
      }
      out.add(scores);
    }
    return out;
  }

  @Override
  public Cost cost() {
    return cost;
  }

  /** instruction (added by the encoder) + top-K candidate texts + query, within max length. */
  String pseudoQuery(Query q, RankedList l) {
    int k = Math.min(listwise, l.size());
    if (k == 0) {
      return q.text();
    }
    String prefix = encoder.config().queryPrefix();
    int fixed = encoder.countTokens(prefix + q.text()); // includes [CLS] and [SEP]
    int budget = Math.max(0, encoder.maxLength() - fixed - k); // one token of slack per joint
    int perDoc = budget / k;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < k; i++) {
      Candidate c = l.get(i);
      String t = encoder.truncateToTokens(c.text(), perDoc);
      if (!t.isEmpty()) {
        sb.append(t).append(' ');
      }
    }
    return sb.append(q.text()).toString();
  }

  @Override
  public void close() {
    if (encoder.truncatedCount() > 0) {
      System.err.println("embed: warning: " + encoder.truncatedCount() + " texts were longer than "
          + encoder.maxLength() + " tokens and were truncated");
    }
    encoder.close();
  }
}
