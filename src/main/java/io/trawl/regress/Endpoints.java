package io.trawl.regress;

import io.trawl.core.Spec;
import io.trawl.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where rerankers that call a server (OpenAI-compatible APIs: {@code backend=openai},
 * {@code base-url=}, {@code api-key-env=}) send their requests, and which environment variable's
 * value they send as the API key. Specs are shared and run by others, so a spec does not choose
 * either: the user does, with {@code --base-url} / {@code --api-key-env} or
 * {@code TRAWL_LLM_BASE_URL} / {@code TRAWL_LLM_API_KEY_ENV}. A spec that names an endpoint or a key
 * variable is refused (exit 2, naming the spec's line) unless the user gave the very same value,
 * which confirms it; otherwise any spec could read any variable (a cloud secret) and send it to
 * any host. A run whose rerankers need a server is skipped while the user has given no endpoint.
 */
final class Endpoints {
  static final String BASE_URL = "base-url";
  static final String API_KEY_ENV = "api-key-env";

  private Endpoints() {}

  /** Whether a stage talks to a server. */
  static boolean usesServer(Spec stage) {
    Map<String, String> p = stage.params();
    return p.containsKey(BASE_URL) || p.containsKey(API_KEY_ENV) || "openai".equals(p.get("backend"));
  }

  /**
   * The pipeline with the user's endpoint in every stage that talks to a server, or null when such
   * a stage exists and the user gave no endpoint (the run is skipped). A spec's own {@code base-url}
   * or {@code api-key-env} that differs from the user's is an error at {@code where}.
   */
  static Pipeline apply(String file, Located where, String run, Pipeline p, RegressEnv env) {
    List<Spec> stages = new ArrayList<>();
    boolean changed = false;
    for (Spec s : p.stages()) {
      if (!usesServer(s)) {
        stages.add(s);
        continue;
      }
      confirm(file, where, run, s, BASE_URL, env.baseUrl(), "--base-url", RegressEnv.BASE_URL_VAR,
          "where requests and API keys go");
      confirm(file, where, run, s, API_KEY_ENV, env.apiKeyEnv(), "--api-key-env",
          RegressEnv.API_KEY_ENV_VAR, "which environment variable is sent as the API key");
      if (env.baseUrl() == null) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>(s.params());
      params.put(BASE_URL, env.baseUrl());
      if (env.apiKeyEnv() != null) {
        params.put(API_KEY_ENV, env.apiKeyEnv());
      }
      stages.add(new Spec(s.name(), params, s.cutoff()));
      changed = true;
    }
    return changed ? new Pipeline(stages) : p;
  }

  /** Why a run with server stages cannot run without an endpoint. */
  static String missing() {
    return "an API endpoint (give --base-url or " + RegressEnv.BASE_URL_VAR + "; the key is read from"
        + " the variable named by --api-key-env or " + RegressEnv.API_KEY_ENV_VAR + ", default OPENAI_API_KEY)";
  }

  private static void confirm(String file, Located where, String run, Spec stage, String key, String user,
      String option, String var, String what) {
    String fromSpec = stage.params().get(key);
    if (fromSpec == null || Objects.equals(fromSpec, user)) {
      return;
    }
    String fix = user == null
        ? "to use it, confirm it with " + option + " " + fromSpec + " (or " + var + "=" + fromSpec + ")"
        : "you gave " + option + " " + user + "; remove " + key + " from the spec to use yours";
    throw RegressionPlan.at(file, where, "run '" + run + "': stage " + stage.name() + " sets " + key + "="
        + fromSpec + ", but a spec may not choose " + what + ": " + fix);
  }
}
