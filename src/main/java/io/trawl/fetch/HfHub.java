package io.trawl.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hugging Face models: {@code ORG/NAME[@REVISION]} resolved through the Hub API
 * ({@code GET /api/models/ORG/NAME/revision/REV?blobs=true} gives the commit {@code sha} and, per
 * file, {@code size}, Git's {@code blobId} and, for LFS files, {@code lfs.sha256}); the files a
 * Trawl runtime reads are downloaded from {@code /ORG/NAME/resolve/COMMIT/FILE} and verified
 * (sha256 for LFS files, the Git blob id for the others, and the size of every file). A
 * {@code pytorch_model.bin} without safetensors is converted to {@code model.safetensors} by
 * {@link TorchCheckpoint} (no pickle code runs). The model appears at
 * {@code models/ORG/NAME/COMMIT/} by one rename once everything is verified; {@code refs/REV}
 * records the commit.
 */
final class HfHub {
  static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  static final String PROPERTY = "trawl.fetch.hf-endpoint";
  static final String VAR = "HF_ENDPOINT";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern REV = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  /** The files a Trawl runtime reads; weights are chosen separately. */
  static final Set<String> RUNTIME_FILES = Set.of("config.json", "generation_config.json", "tokenizer.json",
      "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "spiece.model",
      "sentencepiece.bpe.model", "tokenizer.model", "vocab.txt", "vocab.json", "merges.txt",
      "sentence_bert_config.json", "modules.json", "1_Pooling/config.json", "chat_template.jinja");
  private static final Set<String> TOKENIZERS = Set.of("tokenizer.json", "spiece.model", "tokenizer.model",
      "sentencepiece.bpe.model", "vocab.txt", "vocab.json");
  private static final Pattern SHARD = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

  record File(String name, long size, Download.Checksum checksum) {}

  private HfHub() {}

  static boolean isModelId(String s) {
    String id = s.contains("@") ? s.substring(0, s.indexOf('@')) : s;
    return ID.matcher(id).matches();
  }

  static String endpoint(String option) {
    if (option != null && !option.isBlank()) {
      return strip(option);
    }
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return strip(p);
    }
    String v = System.getenv(VAR);
    return v != null && !v.isBlank() ? strip(v) : DEFAULT_ENDPOINT;
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Fetches {@code spec} ({@code ORG/NAME[@REV]}, or revision {@code revision}); returns the model folder. */
  static Path fetch(String spec, String revision, String endpoint, FetchCache cache, Download.Settings settings) {
    String id = spec;
    String rev = revision;
    if (spec.contains("@")) {
      id = spec.substring(0, spec.indexOf('@'));
      String r = spec.substring(spec.indexOf('@') + 1);
      if (rev != null && !rev.equals(r)) {
        throw TrawlException.invalid(spec + ": the revision is given twice (@" + r + " and --revision " + rev + ")");
      }
      rev = r;
    }
    if (rev == null || rev.isBlank()) {
      rev = "main";
    }
    if (!ID.matcher(id).matches() || !REV.matcher(rev).matches() || rev.contains("..")) {
      throw TrawlException.invalid("'" + spec + "' is not a Hugging Face model id (ORG/NAME[@REVISION])");
    }
    String base = endpoint(endpoint);
    String api = base + "/api/models/" + id + "/revision/" + URLEncoder.encode(rev, StandardCharsets.UTF_8)
        + "?blobs=true";
    JsonNode info;
    try {
      info = new ObjectMapper().readTree(Download.get(api, settings));
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, api + ": not JSON: " + e.getMessage(), e);
    }
    String commit = info.path("sha").asText("");
    if (!COMMIT.matcher(commit).matches()) {
      throw new TrawlException(TrawlException.RUNTIME, api + ": no commit sha in the answer");
    }
    Path folder = cache.model(id, commit);
    if (Files.isDirectory(folder)) {
      settings.listener().say("fetch: " + id + "@" + rev + " is commit " + commit + ", already in the cache");
      writeRef(cache, id, rev, commit);
      return folder;
    }
    List<File> files = select(api, info);
    settings.listener().say("fetch: " + id + "@" + rev + " is commit " + commit + "; " + files.size() + " files");
    if (files.stream().noneMatch(f -> TOKENIZERS.contains(f.name()))) {
      settings.listener().say("fetch: warning: " + id + " has no tokenizer file (tokenizer.json, spiece.model, ...);"
          + " copy the one of its base model into the folder before using it");
    }
    Path staging = cache.models().resolve(id).resolve("." + commit + ".partial");
    for (File f : files) {
      String url = base + "/" + id + "/resolve/" + commit + "/" + f.name();
      Download.fetch(url, staging.resolve(f.name()), f.size(), f.checksum(), settings);
    }
    boolean haveSafetensors = files.stream().anyMatch(f -> f.name().endsWith(".safetensors"));
    Path bin = staging.resolve("pytorch_model.bin");
    if (!haveSafetensors && Files.isRegularFile(bin)) {
      settings.listener().say("fetch: converting pytorch_model.bin to model.safetensors (restricted reader, no code runs)");
      int n = TorchCheckpoint.toSafetensors(bin, staging.resolve("model.safetensors"));
      settings.listener().say("fetch: " + n + " tensors converted");
      Download.deleteQuietly(bin);
    }
    try {
      Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, folder + ": cannot write: " + e.getMessage(), e);
    }
    writeRef(cache, id, rev, commit);
    return folder;
  }

  /** The files to download: the runtime's files and one set of weights (safetensors first). */
  static List<File> select(String api, JsonNode info) {
    List<File> all = new ArrayList<>();
    for (JsonNode s : info.path("siblings")) {
      String name = s.path("rfilename").asText("");
      if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
        continue;
      }
      long size = s.has("size") ? s.get("size").asLong() : -1;
      Download.Checksum sum = null;
      JsonNode lfs = s.get("lfs");
      if (lfs != null && lfs.hasNonNull("sha256")) {
        sum = new Download.Checksum("sha256", lfs.get("sha256").asText());
        size = lfs.has("size") ? lfs.get("size").asLong() : size;
      } else if (s.hasNonNull("blobId")) {
        sum = new Download.Checksum("git-sha1", s.get("blobId").asText());
      }
      all.add(new File(name, size, sum));
    }
    if (all.isEmpty()) {
      throw new TrawlException(TrawlException.RUNTIME, api + ": no files listed (siblings)");
    }
    List<File> out = new ArrayList<>();
    boolean single = all.stream().anyMatch(f -> f.name().equals("model.safetensors"));
    boolean sharded = all.stream().anyMatch(f -> f.name().equals("model.safetensors.index.json"));
    boolean bin = all.stream().anyMatch(f -> f.name().equals("pytorch_model.bin"));
    for (File f : all) {
      String n = f.name();
      boolean weights = single ? n.equals("model.safetensors")
          : sharded ? n.equals("model.safetensors.index.json") || SHARD.matcher(n).matches()
          : n.equals("pytorch_model.bin");
      if (RUNTIME_FILES.contains(n) || weights) {
        out.add(f);
      }
    }
    if (!single && !sharded && !bin) {
      boolean shardedBin = all.stream().anyMatch(f -> f.name().equals("pytorch_model.bin.index.json"));
      throw new TrawlException(TrawlException.RUNTIME, api + ": no model.safetensors or pytorch_model.bin"
          + (shardedBin ? " (sharded pytorch_model-*.bin checkpoints are not converted yet)" : ""));
    }
    return out;
  }

  private static void writeRef(FetchCache cache, String id, String rev, String commit) {
    if (rev.equals(commit)) {
      return;
    }
    Path ref = cache.ref(id, rev);
    try {
      Files.createDirectories(ref.getParent());
      Path tmp = io.trawl.core.AtomicOutput.createTempSibling(ref);
      Files.writeString(tmp, commit + "\n");
      Files.move(tmp, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, ref + ": cannot write: " + e.getMessage(), e);
    }
  }
}
