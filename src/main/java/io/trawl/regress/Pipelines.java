package io.trawl.regress;

import io.trawl.core.TrawlException;
import io.trawl.pipeline.Pipeline;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pipeline strings in specs are templates: {@code ${collections}} (the collections root),
 * {@code ${models}} (the models root) and {@code ${topics}} (the topic set's name, for per-topic-set
 * candidate files) are substituted before parsing.
 */
final class Pipelines {
  static final Set<String> VARIABLES = Set.of("collections", "models", "topics", "dense_index");
  private static final Pattern VAR = Pattern.compile("\\$\\{([^}]*)\\}");

  private Pipelines() {}

  /** Checks the template's syntax (variables replaced by same-length placeholders). */
  static Pipeline parseTemplate(String template) {
    Matcher m = VAR.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      checkVariable(m.group(1));
      m.appendReplacement(sb, "x".repeat(m.group().length()));
    }
    m.appendTail(sb);
    return Pipeline.parse(sb.toString());
  }

  /** Substitutes the variables. */
  static String expand(String template, Map<String, String> values) {
    Matcher m = VAR.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      checkVariable(m.group(1));
      String v = values.get(m.group(1));
      if (v == null) {
        throw TrawlException.invalid("no value for ${" + m.group(1) + "}");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static void checkVariable(String name) {
    if (!VARIABLES.contains(name)) {
      throw TrawlException.invalid("unknown variable ${" + name + "}; valid: ${collections}, ${models}, ${topics}"
          + ", ${dense_index} (with a dense_index section)");
    }
  }
}
