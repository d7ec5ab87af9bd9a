package io.trawl.regress;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * What a spec (or one run) needs that CI may not have. A regression whose requirements are not met
 * is reported as skipped with the reason, never failed.
 *
 * @param gpu needs a GPU
 * @param models model folders, relative to the models root ({@code --models} / {@code TRAWL_MODELS})
 * @param env environment variables that must be set (API keys)
 * @param paths data files or folders, relative to the collections root
 */
public record Requirements(
    @JsonProperty("gpu") Boolean gpu,
    @JsonProperty("models") List<Located> models,
    @JsonProperty("env") List<Located> env,
    @JsonProperty("paths") List<Located> paths) {

  public static final Requirements NONE = new Requirements(false, List.of(), List.of(), List.of());

  public Requirements {
    gpu = gpu != null && gpu;
    models = models == null ? List.of() : List.copyOf(models);
    env = env == null ? List.of() : List.copyOf(env);
    paths = paths == null ? List.of() : List.copyOf(paths);
  }

  /** Whether a GPU is needed. */
  public boolean needsGpu() {
    return gpu;
  }

  public boolean isEmpty() {
    return !gpu() && models.isEmpty() && env.isEmpty() && paths.isEmpty();
  }

  /** Both sets of requirements together. */
  public Requirements and(Requirements other) {
    if (other == null) {
      return this;
    }
    List<Located> m = new ArrayList<>(models);
    m.addAll(other.models);
    List<Located> e = new ArrayList<>(env);
    e.addAll(other.env);
    List<Located> p = new ArrayList<>(paths);
    p.addAll(other.paths);
    return new Requirements(gpu() || other.gpu(), m, e, p);
  }

  /** Human description: "gpu and model folder monot5-3b-msmarco". Empty when nothing is needed. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (gpu()) {
      parts.add("gpu");
    }
    for (Located x : models) {
      parts.add("model folder " + x.value());
    }
    for (Located x : env) {
      parts.add("env " + x.value());
    }
    for (Located x : paths) {
      parts.add("data " + x.value());
    }
    return String.join(" and ", parts);
  }
}
