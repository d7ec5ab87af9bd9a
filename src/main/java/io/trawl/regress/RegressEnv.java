package io.trawl.regress;

import io.trawl.fetch.FetchCache;
import io.trawl.fetch.Fetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a regression finds its inputs and puts its outputs, and what this machine offers.
 *
 * @param collections the collections root (relative corpus, topics, qrels and data paths resolve
 *     against it); null when not configured
 * @param models the models root (model folders in {@code requires.models} resolve against it)
 * @param indexRoot where indexes are built and reused
 * @param runsDir where run files are written
 * @param gpu whether a GPU is available
 * @param env the environment variables (for {@code requires.env})
 * @param baseUrl the API endpoint the user chose for rerankers that call a server (null: none);
 *     see {@link Endpoints}
 * @param apiKeyEnv the environment variable the user chose for their API key (null: the
 *     reranker's default)
 */
public record RegressEnv(Path collections, Path models, Path indexRoot, Path runsDir, boolean gpu,
    Map<String, String> env, String baseUrl, String apiKeyEnv) {

  public static final String COLLECTIONS_VAR = "TRAWL_COLLECTIONS";
  public static final String MODELS_VAR = "TRAWL_MODELS";
  public static final String GPU_VAR = "TRAWL_GPU";
  public static final String BASE_URL_VAR = "TRAWL_LLM_BASE_URL";
  public static final String API_KEY_ENV_VAR = "TRAWL_LLM_API_KEY_ENV";

  /** Without an API endpoint. */
  public RegressEnv(Path collections, Path models, Path indexRoot, Path runsDir, boolean gpu,
      Map<String, String> env) {
    this(collections, models, indexRoot, runsDir, gpu, env, null, null);
  }

  /**
   * The environment from options (null = not given) and environment variables: collections from
   * {@code --collections} or {@code TRAWL_COLLECTIONS}; models from {@code --models} or
   * {@code TRAWL_MODELS} (default {@code models}); GPU from {@code TRAWL_GPU} (1/0) or the presence
   * of an NVIDIA device; the API endpoint from {@code TRAWL_LLM_BASE_URL} and
   * {@code TRAWL_LLM_API_KEY_ENV} ({@link #withEndpoint} sets it from options).
   */
  public static RegressEnv of(Path collections, Path models, Path indexRoot, Path runsDir) {
    Map<String, String> env = System.getenv();
    Path c = collections != null ? collections
        : env.get(COLLECTIONS_VAR) != null && !env.get(COLLECTIONS_VAR).isBlank()
            ? Path.of(env.get(COLLECTIONS_VAR)) : fetchedCollections();
    Path m = models != null ? models
        : env.get(MODELS_VAR) != null && !env.get(MODELS_VAR).isBlank()
            ? Path.of(env.get(MODELS_VAR)) : Path.of("models");
    return new RegressEnv(c, m, indexRoot != null ? indexRoot : Path.of("indexes"),
        runsDir != null ? runsDir : Path.of("runs"), detectGpu(env), env, blankToNull(env.get(BASE_URL_VAR)),
        blankToNull(env.get(API_KEY_ENV_VAR)));
  }

  /** The fetch cache's collections folder ({@code trawl fetch}), when it exists; else null. */
  private static Path fetchedCollections() {
    Path p = FetchCache.of(null).collections();
    return Files.isDirectory(p) ? p : null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** The API endpoint and key variable given as options (null keeps the environment's). */
  public RegressEnv withEndpoint(String url, String keyEnv) {
    return new RegressEnv(collections, models, indexRoot, runsDir, gpu, env,
        url != null ? blankToNull(url) : baseUrl, keyEnv != null ? keyEnv.strip() : apiKeyEnv);
  }

  static boolean detectGpu(Map<String, String> env) {
    String v = env.get(GPU_VAR);
    if (v != null && !v.isBlank()) {
      return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
    }
    return Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/dev/nvidiactl"));
  }

  public RegressEnv withGpu(boolean hasGpu) {
    return new RegressEnv(collections, models, indexRoot, runsDir, hasGpu, env, baseUrl, apiKeyEnv);
  }

  /** True when a collections root is configured and is a folder. */
  public boolean hasCollections() {
    return collections != null && Files.isDirectory(collections);
  }

  /**
   * Resolves a path from a spec: absolute stays, relative resolves against the collections root;
   * one that is not there but was fetched ({@code trawl fetch}) resolves into the fetch cache.
   */
  public Path data(String path) {
    Path p = Path.of(path);
    if (p.isAbsolute()) {
      return p;
    }
    Path under = collections == null ? null : collections.resolve(p);
    if (under != null && Files.exists(under)) {
      return under;
    }
    Path fetched = Fetcher.cachedData(path);
    return fetched != null ? fetched : under != null ? under : p;
  }

  /**
   * What {@code trawl fetch} would get for {@code spec} here: its prebuilt index when it is not in
   * the cache, and {@link #toFetch(Requirements)} of the spec's and its runs' requirements.
   */
  public List<String> toFetch(RegressionSpec spec) {
    List<String> out = new ArrayList<>();
    if (spec.index() != null && spec.index().prebuilt() != null
        && Fetcher.cachedIndex(spec.index().prebuilt().value()) == null) {
      out.add(spec.index().prebuilt().value());
    }
    Requirements req = spec.requires();
    for (RegressionSpec.RunSpec r : spec.runs()) {
      req = req.and(r.requires());
    }
    for (String f : toFetch(req)) {
      if (!out.contains(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * What {@code trawl fetch} would get of the requirements this machine does not meet: catalogue
   * names for missing data, Hugging Face ids for missing model folders (empty when none).
   */
  public List<String> toFetch(Requirements r) {
    List<String> out = new ArrayList<>();
    for (Located m : r.models()) {
      String id = Fetcher.modelId(m.value());
      if (id != null && !Files.isDirectory(models.resolve(m.value())) && !out.contains(id)) {
        out.add(id);
      }
    }
    for (Located d : r.paths()) {
      String name = Fetcher.provider(d.value());
      if (name != null && !Files.exists(data(d.value())) && !out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /** The requirements this machine does not meet, described ("gpu", "model folder X"). */
  public List<String> unmet(Requirements r) {
    List<String> out = new ArrayList<>();
    if (r.gpu() && !gpu) {
      out.add("gpu");
    }
    for (Located m : r.models()) {
      Path p = models.resolve(m.value());
      if (!Files.isDirectory(p)) {
        String id = Fetcher.modelId(m.value());
        out.add("model folder " + m.value() + (id == null ? "" : " (trawl fetch " + id + ")"));
      }
    }
    for (Located e : r.env()) {
      String v = env.get(e.value());
      if (v == null || v.isBlank()) {
        out.add("env " + e.value());
      }
    }
    for (Located d : r.paths()) {
      String name = Fetcher.provider(d.value());
      String hint = name == null ? "" : "trawl fetch " + name;
      if (Files.exists(data(d.value()))) {
        continue;
      }
      if (!hasCollections() && !Path.of(d.value()).isAbsolute()) {
        out.add("data " + d.value() + " (no collections root: --collections or " + COLLECTIONS_VAR
            + (hint.isEmpty() ? "" : "; or " + hint) + ")");
      } else {
        out.add("data " + d.value() + (hint.isEmpty() ? "" : " (" + hint + ")"));
      }
    }
    return out;
  }
}
