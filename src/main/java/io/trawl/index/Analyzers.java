package io.trawl.index;

import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import io.trawl.core.TrawlException;

/**
 * Anserini's default English analyzer: {@code StandardTokenizer -> EnglishPossessiveFilter ->
 * LowerCaseFilter -> StopFilter(Lucene's 33 English stopwords) -> PorterStemFilter}. The same
 * analyzer is used for documents and queries; its name is recorded in the index metadata so a
 * search with a different analyzer is an error rather than a silently wrong number.
 *
 * <p>By default the chain runs as {@link FastEnglishTokenizer}, a one-pass tokenizer that gives
 * exactly the Lucene chain's tokens (terms, position increments, offsets, types); the system
 * property {@code -Dtrawl.analysis.lucene=true} selects the plain Lucene chain instead (for A/B
 * comparisons).
 */
public final class Analyzers {
  /** System property selecting the plain Lucene chain instead of the fast tokenizer. */
  public static final String LUCENE_PROPERTY = "trawl.analysis.lucene";

  private Analyzers() {}

  /** Analyzer for {@code stemmer} ("porter" or "none"), optionally keeping stopwords. */
  public static Analyzer english(String stemmer, boolean keepStopwords) {
    return english(stemmer, keepStopwords, !Boolean.getBoolean(LUCENE_PROPERTY));
  }

  /** As {@link #english(String, boolean)}, choosing the fast tokenizer or the plain Lucene chain. */
  public static Analyzer english(String stemmer, boolean keepStopwords, boolean fast) {
    String s = stemmer.toLowerCase(Locale.ROOT);
    if (!s.equals("porter") && !s.equals("none")) {
      throw TrawlException.invalid("unknown stemmer '" + stemmer + "'; valid: porter, none");
    }
    boolean porter = s.equals("porter");
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        if (fast) {
          return new TokenStreamComponents(new FastEnglishTokenizer(porter, keepStopwords));
        }
        StandardTokenizer source = new StandardTokenizer();
        return new TokenStreamComponents(source, luceneChain(source, porter, keepStopwords));
      }

      @Override
      protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
      }
    };
  }

  /** The Lucene filter chain over {@code source} (a StandardTokenizer). */
  static TokenStream luceneChain(Tokenizer source, boolean porter, boolean keepStopwords) {
    TokenStream ts = new EnglishPossessiveFilter(source);
    ts = new LowerCaseFilter(ts);
    if (!keepStopwords) {
      ts = new StopFilter(ts, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    }
    if (porter) {
      ts = new PorterStemFilter(ts);
    }
    return ts;
  }

  /** The analyzer name of pre-tokenized (impact) indexes: Lucene's whitespace analyzer. */
  public static final String WHITESPACE = "whitespace";

  /**
   * Lucene's {@link org.apache.lucene.analysis.core.WhitespaceAnalyzer}: tokens split at
   * {@link Character#isWhitespace} characters, kept as they are (no lowercasing, no stemming; a
   * token longer than 255 characters is cut into pieces of 255), as Anserini's {@code
   * -pretokenized} indexing and search use it.
   */
  public static Analyzer whitespace() {
    return new org.apache.lucene.analysis.core.WhitespaceAnalyzer();
  }

  /** Canonical name for the metadata file, e.g. {@code english(stemmer=porter,stopwords=lucene)}. */
  public static String describe(String stemmer, boolean keepStopwords) {
    return "english(stemmer=" + stemmer.toLowerCase(Locale.ROOT) + ",stopwords="
        + (keepStopwords ? "none" : "lucene") + ")";
  }
}
