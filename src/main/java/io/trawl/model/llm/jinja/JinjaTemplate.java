package io.trawl.model.llm.jinja;

import io.trawl.model.llm.jinja.Node.Stmt;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Jinja template rendered the way Hugging Face's {@code apply_chat_template} renders chat
 * templates: jinja2 3.1 syntax and semantics in an immutable sandbox with {@code trim_blocks} and
 * {@code lstrip_blocks}, jinja2's default filters, tests and globals, Hugging Face's {@code tojson}
 * (Python's {@code json.dumps}, no HTML escaping) and {@code raise_exception}, Python values (so
 * {@code {{ true }}} prints {@code True}, {@code {{ [1] }}} prints {@code [1]}). Variable values are
 * data: a message containing <code>{{ 7*7 }}</code> or <code>{% raw %}</code> renders as exactly that
 * text.
 *
 * <p>Not supported (a clear error, never a silent difference): template inheritance and includes
 * ({@code extends}, {@code include}, {@code import}, {@code block}), {@code call} blocks, recursive
 * loops, and the rarely used filters outside {@link Builtins#FILTERS}. Strings and the output are
 * capped at {@value Py#MAX_STRING} characters.
 */
public final class JinjaTemplate {
  private final List<Stmt> body;

  private JinjaTemplate(List<Stmt> body) {
    this.body = body;
  }

  /** Parses a template; a syntax error is a {@link JinjaException} with its line. */
  public static JinjaTemplate parse(String source) {
    try {
      return new JinjaTemplate(Parser.parse(source));
    } catch (StackOverflowError e) {
      throw new JinjaException("template nests too deeply to parse");
    }
  }

  /**
   * Renders with the given variables: strings, numbers, booleans, null, lists and maps (Jackson
   * trees converted to plain Java values work), and functions ({@code Function<List<Object>,
   * Object>}) callable from the template.
   */
  public String render(Map<String, ?> vars) {
    Map<String, Object> converted = new java.util.LinkedHashMap<>();
    vars.forEach((k, v) -> {
      if (v instanceof Function<?, ?> f) {
        @SuppressWarnings("unchecked")
        Function<List<Object>, Object> fn = (Function<List<Object>, Object>) f;
        converted.put(k, (Py.Callable) (args, kw) -> Py.of(fn.apply(args)));
      } else {
        converted.put(k, v);
      }
    });
    try {
      return Renderer.render(body, converted);
    } catch (StackOverflowError e) {
      // jinja2 raises RecursionError here (a macro that calls itself without end)
      throw new JinjaException("template recursion too deep (a macro calling itself without end?)");
    }
  }
}
