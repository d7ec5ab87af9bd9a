package io.trawl.index;

import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
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
 */
public final class Analyzers {
  private Analyzers() {}

  /** Analyzer for {@code stemmer} ("porter" or "none"), optionally keeping stopwords. */
  public static Analyzer english(String stemmer, boolean keepStopwords) {
    String s = stemmer.toLowerCase(Locale.ROOT);
    if (!s.equals("porter") && !s.equals("none")) {
      throw TrawlException.invalid("unknown stemmer '" + stemmer + "'; valid: porter, none");
    }
    boolean porter = s.equals("porter");
    CharArraySet stop = keepStopwords ? CharArraySet.EMPTY_SET : EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        StandardTokenizer source = new StandardTokenizer();
        TokenStream ts = new EnglishPossessiveFilter(source);
        ts = new LowerCaseFilter(ts);
        if (!keepStopwords) {
          ts = new StopFilter(ts, stop);
        }
        if (porter) {
          ts = new PorterStemFilter(ts);
        }
        return new TokenStreamComponents(source, ts);
      }

      @Override
      protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
      }
    };
  }

  /** Canonical name for the metadata file, e.g. {@code english(stemmer=porter,stopwords=lucene)}. */
  public static String describe(String stemmer, boolean keepStopwords) {
    return "english(stemmer=" + stemmer.toLowerCase(Locale.ROOT) + ",stopwords="
        + (keepStopwords ? "none" : "lucene") + ")";
  }
}
