package io.trawl.rerank;

import io.trawl.model.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test model folders: a golden tiny random T5 (config.json + model.safetensors) with the Llama-2
 * SentencePiece model as its {@code spiece.model} (there is no real T5 vocabulary offline; the
 * Llama ids are all below T5's 32128, and the {@code </s>} piece exists).
 */
public final class TinyT5 {
  private TinyT5() {}

  public static Path folder(Path tempDir, String goldenName) {
    Path src = Golden.model(goldenName);
    Path dir = tempDir.resolve(goldenName);
    try {
      Files.createDirectories(dir);
      Files.createSymbolicLink(dir.resolve("config.json"), src.resolve("config.json").toAbsolutePath());
      Files.createSymbolicLink(dir.resolve("model.safetensors"), src.resolve("model.safetensors").toAbsolutePath());
      Files.createSymbolicLink(dir.resolve("spiece.model"),
          Golden.shared().resolve("golden/tokenizers/llama2/tokenizer.model").toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  public static Path dl19() {
    return Golden.shared().resolve("data/dl19-dl20-bm25-top100-rankllm");
  }
}
