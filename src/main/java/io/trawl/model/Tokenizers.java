package io.trawl.model;

import io.trawl.core.InputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds and loads the tokenizer of a Hugging Face model folder. */
public final class Tokenizers {
  /** How a SentencePiece model adds special tokens (tokenizer.json carries its own rule). */
  public enum Convention {
    /** Append {@code </s>} (Hugging Face {@code T5Tokenizer}). */
    T5,
    /** Prepend {@code <s>} (Hugging Face {@code LlamaTokenizer} default). */
    LLAMA,
    /** No special tokens. */
    NONE
  }

  private Tokenizers() {}

  /**
   * Loads {@code tokenizer.json} if the folder has one, else {@code spiece.model}, else
   * {@code tokenizer.model}. A folder with none of them is an {@link InputException}.
   */
  public static TextTokenizer load(Path folder, Convention convention) {
    Path json = folder.resolve("tokenizer.json");
    if (Files.isRegularFile(json)) {
      return new HfJsonTokenizer(json);
    }
    for (String name : new String[] {"spiece.model", "tokenizer.model"}) {
      Path sp = folder.resolve(name);
      if (Files.isRegularFile(sp)) {
        return new SentencePieceTokenizer(sp, convention);
      }
    }
    throw new InputException(folder.toString(),
        "no tokenizer: expected tokenizer.json, spiece.model or tokenizer.model in the model folder");
  }

  /** Loads one tokenizer file by its name: {@code *.json} as tokenizer.json, else SentencePiece. */
  public static TextTokenizer loadFile(Path file, Convention convention) {
    if (!Files.isRegularFile(file)) {
      throw new InputException(file.toString(), "no such tokenizer file");
    }
    return file.getFileName().toString().endsWith(".json") ? new HfJsonTokenizer(file)
        : new SentencePieceTokenizer(file, convention);
  }
}
