package io.trawl.model;

/**
 * A subword tokenizer as a model sees it. {@link #encode(String)} gives the content ids without
 * special tokens; {@link #prefix()} and {@link #suffix()} are the special ids the model's
 * convention wraps a single sequence in (T5: suffix {@code </s>}; Llama: prefix {@code <s>};
 * BERT: {@code [CLS]} ... {@code [SEP]}). {@link #encodeForModel(String, int)} truncates like
 * Hugging Face's {@code truncation=True, max_length=n}: content first, then the specials are added,
 * so the result never exceeds {@code n} and always ends with the suffix.
 *
 * <p>Implementations: {@link SentencePieceTokenizer} ({@code spiece.model}, {@code tokenizer.model})
 * and {@link HfJsonTokenizer} ({@code tokenizer.json}); {@link Tokenizers#load} picks one for a folder.
 */
public interface TextTokenizer extends AutoCloseable {

  /** Content ids, no special tokens. */
  int[] encode(String text);

  /**
   * The ids of {@link #encode} and, per token, the index in {@code text} (a Java char index) where
   * its text starts; {@code starts} is null when the tokenizer cannot map its tokens back to the
   * text (a normalizer that rewrites it, unknown pieces).
   */
  record Tokens(int[] ids, int[] starts) {}

  /** {@link #encode} with each token's start in {@code text} (see {@link Tokens}). */
  Tokens encodeWithStarts(String text);

  /** Content pieces (strings), no special tokens. */
  String[] pieces(String text);

  /** Text of ids (special tokens skipped where the backend knows them). */
  String decode(int[] ids);

  /** Id of a piece ({@code ▁true}), or -1 when the vocabulary lacks it. */
  int pieceId(String piece);

  /** Vocabulary size. */
  int vocabSize();

  /** Special ids before the content. */
  int[] prefix();

  /** Special ids after the content. */
  int[] suffix();

  /** Prefix + content (truncated) + suffix, at most {@code maxLength} ids ({@code <= 0}: no limit). */
  default int[] encodeForModel(String text, int maxLength) {
    int[] content = encode(text);
    int[] p = prefix();
    int[] s = suffix();
    int room = content.length;
    if (maxLength > 0) {
      room = Math.max(0, Math.min(content.length, maxLength - p.length - s.length));
    }
    int[] out = new int[p.length + room + s.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(content, 0, out, p.length, room);
    System.arraycopy(s, 0, out, p.length + room, s.length);
    return out;
  }

  @Override
  void close();
}
