package io.trawl.model.llm.jinja;

import io.trawl.model.llm.jinja.Node.Expr;
import io.trawl.model.llm.jinja.Node.Stmt;
import io.trawl.model.llm.jinja.Py.Callable;
import io.trawl.model.llm.jinja.Py.Namespace;
import io.trawl.model.llm.jinja.Py.Tuple;
import io.trawl.model.llm.jinja.Py.Undefined;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a parsed template as jinja2 does: a new scope per loop iteration and per macro call
 * (assignments inside do not leak out; {@code namespace()} is how templates carry state out of a
 * loop), undefined names that print as "" and fail when used, and values with Python semantics
 * ({@link Py}). Variable values are data: nothing a value contains is ever parsed as template.
 */
final class Renderer {
  /** A variable scope; lookups fall through to the parent. */
  static final class Scope {
    final Scope parent;
    final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
      this.parent = parent;
    }

    Object lookup(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) {
          return s.vars.get(name);
        }
      }
      return new Undefined("'" + name + "' is undefined");
    }
  }

  /** A {@code {% macro %}} bound to the scope it was defined in. */
  record Macro(Node.Macro node, Scope scope) implements Callable {
    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
      throw new IllegalStateException("macros are called through the renderer");
    }
  }

  /** The {@code loop} variable of a for loop. */
  static final class Loop {
    final List<Object> items;
    int index0;

    Loop(List<Object> items) {
      this.items = items;
    }

    Object attribute(String name) {
      int n = items.size();
      return switch (name) {
        case "index" -> (long) index0 + 1;
        case "index0" -> (long) index0;
        case "revindex" -> (long) (n - index0);
        case "revindex0" -> (long) (n - index0 - 1);
        case "first" -> index0 == 0;
        case "last" -> index0 == n - 1;
        case "length" -> (long) n;
        case "depth" -> 1L;
        case "depth0" -> 0L;
        case "previtem" -> index0 > 0 ? items.get(index0 - 1)
            : new Undefined("there is no previous item");
        case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1)
            : new Undefined("there is no next item");
        case "cycle" -> (Callable) (args, kw) -> {
          if (args.isEmpty()) {
            throw new JinjaException("no items for cycling given");
          }
          return args.get(index0 % args.size());
        };
        default -> new Undefined("'LoopContext object' has no attribute '" + name + "'");
      };
    }
  }

  private static final class BreakSignal extends RuntimeException {
    BreakSignal() {
      super(null, null, false, false);
    }
  }

  private static final class ContinueSignal extends RuntimeException {
    ContinueSignal() {
      super(null, null, false, false);
    }
  }

  private static final BreakSignal BREAK = new BreakSignal();
  private static final ContinueSignal CONTINUE = new ContinueSignal();

  private Renderer() {}

  static String render(List<Stmt> body, Map<String, Object> vars) {
    Scope globals = new Scope(null);
    globals.vars.putAll(Builtins.globals());
    Scope top = new Scope(globals);
    vars.forEach((k, v) -> top.vars.put(k, Py.of(v)));
    StringBuilder out = new StringBuilder();
    new Renderer().exec(body, top, out);
    return out.toString();
  }

  private void append(StringBuilder out, String s) {
    if (out.length() + (long) s.length() > Py.MAX_STRING) {
      throw new JinjaException("the rendered chat template exceeds the limit of " + Py.MAX_STRING
          + " characters");
    }
    out.append(s);
  }

  void exec(List<Stmt> body, Scope s, StringBuilder out) {
    for (Stmt st : body) {
      exec(st, s, out);
    }
  }

  private void exec(Stmt st, Scope s, StringBuilder out) {
    switch (st) {
      case Node.Text t -> append(out, t.text());
      case Node.Print p -> append(out, Py.str(eval(p.expr(), s)));
      case Node.If i -> {
        for (int k = 0; k < i.tests().size(); k++) {
          if (Py.truthy(eval(i.tests().get(k), s))) {
            exec(i.bodies().get(k), s, out);
            return;
          }
        }
        exec(i.otherwise(), s, out);
      }
      case Node.For f -> execFor(f, s, out);
      case Node.Set set -> assign(set.target(), eval(set.value(), s), s, set.line());
      case Node.SetBlock sb -> {
        StringBuilder inner = new StringBuilder();
        exec(sb.body(), new Scope(s), inner);
        Object v = inner.toString();
        if (sb.filter() != null) {
          v = applyFilter((Node.Filter) sb.filter(), v, s);
        }
        assign(sb.target(), v, s, sb.line());
      }
      case Node.Macro m -> s.vars.put(m.name(), new Macro(m, s));
      case Node.FilterBlock fb -> {
        StringBuilder inner = new StringBuilder();
        exec(fb.body(), new Scope(s), inner);
        append(out, Py.str(applyFilter((Node.Filter) fb.filter(), inner.toString(), s)));
      }
      case Node.With w -> {
        Scope inner = new Scope(s);
        for (int k = 0; k < w.targets().size(); k++) {
          assign(w.targets().get(k), eval(w.values().get(k), s), inner, w.values().get(k).line());
        }
        exec(w.body(), inner, out);
      }
      case Node.Break b -> throw BREAK;
      case Node.Continue c -> throw CONTINUE;
      case Node.Block b -> exec(b.body(), s, out);
    }
  }

  private void execFor(Node.For f, Scope s, StringBuilder out) {
    List<Object> items;
    try {
      items = Py.iterate(eval(f.iter(), s));
    } catch (JinjaException e) {
      throw e.atLine(f.line());
    }
    if (f.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        Scope probe = new Scope(s);
        assign(f.target(), item, probe, f.line());
        if (Py.truthy(eval(f.filter(), probe))) {
          kept.add(item);
        }
      }
      items = kept;
    }
    if (items.isEmpty()) {
      exec(f.otherwise(), s, out);
      return;
    }
    Loop loop = new Loop(items);
    for (int i = 0; i < items.size(); i++) {
      loop.index0 = i;
      Scope it = new Scope(s);
      it.vars.put("loop", loop);
      assign(f.target(), items.get(i), it, f.line());
      try {
        exec(f.body(), it, out);
      } catch (ContinueSignal c) {
        // next item
      } catch (BreakSignal b) {
        break;
      }
    }
  }

  private void assign(Expr target, Object value, Scope s, int line) {
    switch (target) {
      case Node.Name n -> s.vars.put(n.name(), value);
      case Node.NsRef ns -> {
        Object obj = s.lookup(ns.name());
        if (!(obj instanceof Namespace n)) {
          throw new JinjaException("cannot assign attribute on non-namespace object", line, false);
        }
        n.attrs.put(ns.attr(), value);
      }
      case Node.TupleExpr t -> {
        List<Object> items;
        try {
          items = Py.iterate(value);
        } catch (JinjaException e) {
          throw new JinjaException("cannot unpack non-iterable " + Py.typeName(value) + " object", line, false);
        }
        if (items.size() != t.items().size()) {
          throw new JinjaException(items.size() < t.items().size()
              ? "not enough values to unpack (expected " + t.items().size() + ", got " + items.size() + ")"
              : "too many values to unpack (expected " + t.items().size() + ")", line, false);
        }
        for (int i = 0; i < items.size(); i++) {
          assign(t.items().get(i), items.get(i), s, line);
        }
      }
      default -> throw new JinjaException("can't assign to this expression", line, false);
    }
  }

  // ---- expressions -------------------------------------------------------------------------------

  Object eval(Expr e, Scope s) {
    try {
      return evalInner(e, s);
    } catch (JinjaException x) {
      throw x.atLine(e.line());
    }
  }

  private Object evalInner(Expr e, Scope s) {
    switch (e) {
      case Node.Const c -> {
        return c.value();
      }
      case Node.Name n -> {
        return s.lookup(n.name());
      }
      case Node.NsRef ns -> throw new JinjaException("namespace reference outside an assignment");
      case Node.TupleExpr t -> {
        return new Tuple(evalAll(t.items(), s));
      }
      case Node.ListExpr l -> {
        return evalAll(l.items(), s);
      }
      case Node.DictExpr d -> {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < d.keys().size(); i++) {
          m.put(eval(d.keys().get(i), s), eval(d.values().get(i), s));
        }
        return m;
      }
      case Node.Attr a -> {
        return Builtins.getattr(eval(a.obj(), s), a.name());
      }
      case Node.Item it -> {
        Object obj = eval(it.obj(), s);
        Object key = it.key() instanceof Node.Slice sl
            ? new Builtins.Slice(evalOpt(sl.start(), s), evalOpt(sl.stop(), s), evalOpt(sl.step(), s))
            : eval(it.key(), s);
        return Builtins.getitem(obj, key);
      }
      case Node.Slice sl -> throw new JinjaException("slice outside a subscript");
      case Node.Call c -> {
        return call(c, s);
      }
      case Node.Filter f -> {
        return applyFilter(f, eval(f.obj(), s), s);
      }
      case Node.Test t -> {
        Object v = eval(t.obj(), s);
        if (!t.kwNames().isEmpty()) {
          throw new JinjaException("keyword arguments to tests are not supported in chat templates");
        }
        return Builtins.test(t.name(), v, evalAll(t.args(), s));
      }
      case Node.Not n -> {
        return !Py.truthy(eval(n.expr(), s));
      }
      case Node.Neg n -> {
        Object v = eval(n.expr(), s);
        if (v instanceof Undefined u) {
          throw u.error();
        }
        if (v instanceof Double d) {
          return -d;
        }
        if (Py.isInt(v)) {
          return Py.arithmetic("-", 0L, v);
        }
        throw new JinjaException("bad operand type for unary -: '" + Py.typeName(v) + "'");
      }
      case Node.Pos p -> {
        Object v = eval(p.expr(), s);
        if (v instanceof Undefined u) {
          throw u.error();
        }
        if (!Py.isNumber(v)) {
          throw new JinjaException("bad operand type for unary +: '" + Py.typeName(v) + "'");
        }
        return v instanceof Boolean ? (Object) Py.toLong(v) : v;
      }
      case Node.Binary b -> {
        return Py.arithmetic(b.op(), eval(b.left(), s), eval(b.right(), s));
      }
      case Node.Concat c -> {
        StringBuilder sb = new StringBuilder();
        for (Expr part : c.parts()) {
          sb.append(Py.str(eval(part, s)));
          if (sb.length() > Py.MAX_STRING) {
            Py.checkedLength(sb.toString());
          }
        }
        return sb.toString();
      }
      case Node.Compare c -> {
        Object left = eval(c.first(), s);
        for (int i = 0; i < c.ops().size(); i++) {
          Object right = eval(c.rest().get(i), s);
          if (!compare(c.ops().get(i), left, right)) {
            return false;
          }
          left = right;
        }
        return true;
      }
      case Node.And a -> {
        Object l = eval(a.left(), s);
        return Py.truthy(l) ? eval(a.right(), s) : l;
      }
      case Node.Or o -> {
        Object l = eval(o.left(), s);
        return Py.truthy(l) ? l : eval(o.right(), s);
      }
      case Node.Cond c -> {
        if (Py.truthy(eval(c.test(), s))) {
          return eval(c.then(), s);
        }
        return c.otherwise() == null
            ? new Undefined("the inline if-expression on line " + c.line()
                + " evaluated to false and no else section was defined.")
            : eval(c.otherwise(), s);
      }
    }
  }

  private Object evalOpt(Expr e, Scope s) {
    return e == null ? null : eval(e, s);
  }

  private List<Object> evalAll(List<Expr> exprs, Scope s) {
    List<Object> out = new ArrayList<>(exprs.size());
    for (Expr x : exprs) {
      out.add(eval(x, s));
    }
    return out;
  }

  private static boolean compare(String op, Object a, Object b) {
    return switch (op) {
      case "==" -> Py.eq(a, b);
      case "!=" -> !Py.eq(a, b);
      case "<" -> Py.compare(a, b, op) < 0;
      case "<=" -> Py.compare(a, b, op) <= 0;
      case ">" -> Py.compare(a, b, op) > 0;
      case ">=" -> Py.compare(a, b, op) >= 0;
      case "in" -> Py.contains(b, a);
      case "notin" -> !Py.contains(b, a);
      default -> throw new JinjaException("unknown comparison " + op);
    };
  }

  private Object applyFilter(Node.Filter f, Object value, Scope s) {
    Map<String, Object> kw = new LinkedHashMap<>();
    for (int i = 0; i < f.kwNames().size(); i++) {
      kw.put(f.kwNames().get(i), eval(f.kwValues().get(i), s));
    }
    try {
      return Builtins.filter(this, f.name(), value, new Builtins.Args(evalAll(f.args(), s), kw));
    } catch (JinjaException x) {
      throw x.atLine(f.line());
    }
  }

  private Object call(Node.Call c, Scope s) {
    Object fn = eval(c.fn(), s);
    List<Object> args = evalAll(c.args(), s);
    Map<String, Object> kw = new LinkedHashMap<>();
    for (int i = 0; i < c.kwNames().size(); i++) {
      kw.put(c.kwNames().get(i), eval(c.kwValues().get(i), s));
    }
    if (c.starArgs() != null) {
      args.addAll(Py.iterate(eval(c.starArgs(), s)));
    }
    if (c.starKwargs() != null) {
      Object m = eval(c.starKwargs(), s);
      if (!(m instanceof Map<?, ?> map)) {
        throw new JinjaException("argument after ** must be a mapping, not " + Py.typeName(m));
      }
      map.forEach((k, v) -> kw.put(Py.str(k), v));
    }
    if (fn instanceof Undefined u) {
      throw u.error();
    }
    if (fn instanceof Macro m) {
      return callMacro(m, args, kw);
    }
    if (fn instanceof Callable f) {
      return f.call(args, kw);
    }
    throw new JinjaException("'" + Py.typeName(fn) + "' object is not callable");
  }

  private Object callMacro(Macro m, List<Object> args, Map<String, Object> kw) {
    Node.Macro node = m.node();
    List<String> params = node.params();
    if (args.size() > params.size()) {
      throw new JinjaException("macro '" + node.name() + "' takes not more than " + params.size()
          + " argument(s)");
    }
    Scope inner = new Scope(m.scope());
    int firstDefault = params.size() - node.defaults().size();
    for (int i = 0; i < params.size(); i++) {
      String p = params.get(i);
      if (i < args.size()) {
        inner.vars.put(p, args.get(i));
      } else if (kw.containsKey(p)) {
        inner.vars.put(p, kw.remove(p));
      } else if (i >= firstDefault) {
        inner.vars.put(p, eval(node.defaults().get(i - firstDefault), inner));
      } else {
        inner.vars.put(p, new Undefined("parameter '" + p + "' was not provided"));
      }
    }
    kw.keySet().removeAll(params.subList(0, Math.min(args.size(), params.size())));
    if (!kw.isEmpty()) {
      throw new JinjaException("macro '" + node.name() + "' takes no keyword argument '"
          + kw.keySet().iterator().next() + "'");
    }
    StringBuilder out = new StringBuilder();
    exec(node.body(), inner, out);
    return out.toString();
  }
}
