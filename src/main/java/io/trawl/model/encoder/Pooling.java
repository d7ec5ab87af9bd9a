package io.trawl.model.encoder;

import io.trawl.core.TrawlException;
import java.util.Locale;

/**
 * How token states {@code last_hidden_state[b,t,d]} become one vector per text.
 *
 * <ul>
 *   <li>{@link #CLS}: the state of the first token ({@code [CLS]}), as BGE does.
 *   <li>{@link #MEAN}: the attention-mask-weighted mean over tokens, as sentence-transformers'
 *       all-MiniLM-L6-v2 and E5 do: {@code sum_t m_t h_t / sum_t m_t}.
 * </ul>
 */
public enum Pooling {
  CLS,
  MEAN;

  public static Pooling parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "cls" -> CLS;
      case "mean" -> MEAN;
      default -> throw TrawlException.invalid("unknown pooling '" + s + "'; valid: cls, mean");
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
