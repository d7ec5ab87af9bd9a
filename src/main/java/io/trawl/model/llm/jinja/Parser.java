package io.trawl.model.llm.jinja;

import io.trawl.model.llm.jinja.Lexer.Kind;
import io.trawl.model.llm.jinja.Lexer.Token;
import io.trawl.model.llm.jinja.Node.Expr;
import io.trawl.model.llm.jinja.Node.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** jinja2's parser (statements and the expression grammar with its precedence), over {@link Lexer} tokens. */
final class Parser {
  private static final Set<String> UNSUPPORTED_TAGS = Set.of("block", "extends", "include",
      "import", "from", "call", "autoescape");

  private final List<Token> tokens;
  private int at;
  private final List<List<String>> endStack = new ArrayList<>();
  private final List<String> tagStack = new ArrayList<>();

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static List<Stmt> parse(String source) {
    Parser p = new Parser(Lexer.tokenize(source));
    List<Stmt> body = p.subparse(null);
    if (p.cur().kind() != Kind.EOF) {
      throw p.fail("unexpected " + p.cur().describe());
    }
    return body;
  }

  private Token cur() {
    return tokens.get(at);
  }

  private Token look() {
    return tokens.get(Math.min(at + 1, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(at);
    if (at < tokens.size() - 1) {
      at++;
    }
    return t;
  }

  private JinjaException fail(String msg) {
    return new JinjaException(msg, cur().line(), false);
  }

  private Token expect(Kind k) {
    if (cur().kind() != k) {
      throw fail("expected " + describe(k) + ", got " + cur().describe());
    }
    return next();
  }

  private void expectOp(String op) {
    if (!cur().isOp(op)) {
      throw fail("expected '" + op + "', got " + cur().describe());
    }
    next();
  }

  private void expectName(String name) {
    if (!cur().isName(name)) {
      throw fail("expected '" + name + "', got " + cur().describe());
    }
    next();
  }

  private boolean skipOp(String op) {
    if (cur().isOp(op)) {
      next();
      return true;
    }
    return false;
  }

  private boolean skipName(String name) {
    if (cur().isName(name)) {
      next();
      return true;
    }
    return false;
  }

  private static String describe(Kind k) {
    return switch (k) {
      case VAR_END -> "end of print statement";
      case BLOCK_END -> "end of statement block";
      case NAME -> "a name";
      default -> k.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  // ---- statements ------------------------------------------------------------------------------

  private List<Stmt> subparse(List<String> endTokens) {
    if (endTokens != null) {
      endStack.add(endTokens);
    }
    List<Stmt> body = new ArrayList<>();
    try {
      while (cur().kind() != Kind.EOF) {
        Token t = cur();
        if (t.kind() == Kind.DATA) {
          body.add(new Node.Text((String) t.value()));
          next();
        } else if (t.kind() == Kind.VAR_BEGIN) {
          next();
          body.add(new Node.Print(parseTuple(false, true, List.of(), false)));
          expect(Kind.VAR_END);
        } else if (t.kind() == Kind.BLOCK_BEGIN) {
          next();
          if (endTokens != null && cur().kind() == Kind.NAME && endTokens.contains(cur().text())) {
            return body;
          }
          body.add(statement());
          expect(Kind.BLOCK_END);
        } else {
          throw fail("unexpected " + t.describe());
        }
      }
      if (endTokens != null) {
        throw fail("Unexpected end of template. Jinja was looking for the following tags: "
            + quoteAll(endTokens) + ". The innermost block that needs to be closed is '"
            + tagStack.get(tagStack.size() - 1) + "'.");
      }
      return body;
    } finally {
      if (endTokens != null) {
        endStack.remove(endStack.size() - 1);
      }
    }
  }

  private static String quoteAll(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      sb.append(i == 0 ? "" : " or ").append('\'').append(names.get(i)).append('\'');
    }
    return sb.toString();
  }

  /** Parses statements up to one of {@code ends}; the current token is then that end name. */
  private List<Stmt> statements(List<String> ends, boolean dropNeedle) {
    skipOp(":");
    expect(Kind.BLOCK_END);
    List<Stmt> body = subparse(ends);
    if (dropNeedle) {
      next();
    }
    return body;
  }

  private Stmt statement() {
    Token t = cur();
    if (t.kind() != Kind.NAME) {
      throw fail("tag name expected");
    }
    tagStack.add(t.text());
    try {
      return statementOf(t);
    } finally {
      tagStack.remove(tagStack.size() - 1);
    }
  }

  private Stmt statementOf(Token t) {
    switch (t.text()) {
      case "if":
        return parseIf();
      case "for":
        return parseFor();
      case "set":
        return parseSet();
      case "macro":
        return parseMacro();
      case "filter": {
        next();
        Expr f = parseFilter(null, true);
        return new Node.FilterBlock(f, statements(List.of("endfilter"), true));
      }
      case "with":
        return parseWith();
      case "print": {
        next();
        List<Expr> exprs = new ArrayList<>();
        while (cur().kind() != Kind.BLOCK_END) {
          if (!exprs.isEmpty()) {
            expectOp(",");
          }
          exprs.add(parseExpression(true));
        }
        return new Node.Print(exprs.size() == 1 ? exprs.get(0) : new Node.TupleExpr(exprs, t.line()));
      }
      case "break":
      case "continue": {
        next();
        boolean inLoop = false;
        for (List<String> ends : endStack) {
          inLoop |= ends.contains("endfor");
        }
        if (!inLoop) {
          throw fail("'" + t.text() + "' outside of a for loop");
        }
        return t.text().equals("break") ? new Node.Break(t.line()) : new Node.Continue(t.line());
      }
      case "generation": {
        next();
        return new Node.Block(statements(List.of("endgeneration"), true));
      }
      default:
        break;
    }
    if (UNSUPPORTED_TAGS.contains(t.text())) {
      throw fail("the '" + t.text() + "' tag is not supported in chat templates");
    }
    StringBuilder msg = new StringBuilder("Encountered unknown tag '" + t.text() + "'.");
    if (!endStack.isEmpty()) {
      msg.append(" Jinja was looking for the following tags: ")
          .append(quoteAll(endStack.get(endStack.size() - 1))).append('.');
    }
    throw fail(msg.toString());
  }

  private Stmt parseIf() {
    next();
    List<Expr> tests = new ArrayList<>();
    List<List<Stmt>> bodies = new ArrayList<>();
    List<Stmt> otherwise = List.of();
    while (true) {
      tests.add(parseTuple(false, false, List.of(), false));
      bodies.add(statements(List.of("elif", "else", "endif"), false));
      Token end = next();
      if (end.text().equals("elif")) {
        continue;
      }
      if (end.text().equals("else")) {
        otherwise = statements(List.of("endif"), true);
      }
      break;
    }
    return new Node.If(tests, bodies, otherwise);
  }

  private Stmt parseFor() {
    int line = next().line();
    Expr target = parseAssignTarget(true, false, List.of("in"), false);
    expectName("in");
    Expr iter = parseTuple(false, false, List.of("recursive"), false);
    Expr filter = null;
    if (skipName("if")) {
      filter = parseExpression(true);
    }
    if (cur().isName("recursive")) {
      throw fail("recursive for loops are not supported in chat templates");
    }
    List<Stmt> body = statements(List.of("endfor", "else"), false);
    List<Stmt> otherwise = List.of();
    if (next().text().equals("else")) {
      otherwise = statements(List.of("endfor"), true);
    }
    return new Node.For(target, iter, filter, body, otherwise, line);
  }

  private Stmt parseSet() {
    int line = next().line();
    Expr target = parseAssignTarget(true, false, List.of(), true);
    if (skipOp("=")) {
      return new Node.Set(target, parseTuple(false, true, List.of(), false), line);
    }
    Expr filter = cur().isOp("|") ? parseFilter(null, false) : null;
    return new Node.SetBlock(target, filter, statements(List.of("endset"), true), line);
  }

  private Stmt parseMacro() {
    next();
    String name = expect(Kind.NAME).text();
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    expectOp("(");
    while (!cur().isOp(")")) {
      if (!params.isEmpty()) {
        expectOp(",");
      }
      params.add(expect(Kind.NAME).text());
      if (skipOp("=")) {
        defaults.add(parseExpression(true));
      } else if (!defaults.isEmpty()) {
        throw fail("non-default argument follows default argument");
      }
    }
    expectOp(")");
    return new Node.Macro(name, params, defaults, statements(List.of("endmacro"), true));
  }

  private Stmt parseWith() {
    next();
    List<Expr> targets = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (cur().kind() != Kind.BLOCK_END) {
      if (!targets.isEmpty()) {
        expectOp(",");
      }
      targets.add(parseAssignTarget(true, false, List.of(), false));
      expectOp("=");
      values.add(parseExpression(true));
    }
    return new Node.With(targets, values, statements(List.of("endwith"), true));
  }

  private Expr parseAssignTarget(boolean withTuple, boolean nameOnly, List<String> extraEnd,
      boolean withNamespace) {
    Expr target;
    if (nameOnly) {
      Token t = expect(Kind.NAME);
      target = new Node.Name(t.text(), t.line());
    } else if (withTuple) {
      target = parseTuple(true, true, extraEnd, false, withNamespace);
    } else {
      target = parsePrimary(withNamespace);
    }
    if (!assignable(target)) {
      throw fail("can't assign to " + target.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
    }
    return target;
  }

  private static boolean assignable(Expr e) {
    if (e instanceof Node.Name n) {
      return !List.of("true", "false", "none", "True", "False", "None").contains(n.name());
    }
    if (e instanceof Node.NsRef) {
      return true;
    }
    if (e instanceof Node.TupleExpr t) {
      return t.items().stream().allMatch(Parser::assignable);
    }
    return false;
  }

  // ---- expressions ---------------------------------------------------------------------------

  private Expr parseExpression(boolean withCondexpr) {
    return withCondexpr ? parseCondexpr() : parseOr();
  }

  private Expr parseCondexpr() {
    int line = cur().line();
    Expr expr1 = parseOr();
    while (skipName("if")) {
      Expr expr2 = parseOr();
      Expr expr3 = skipName("else") ? parseCondexpr() : null;
      expr1 = new Node.Cond(expr2, expr1, expr3, line);
      line = cur().line();
    }
    return expr1;
  }

  private Expr parseOr() {
    Expr left = parseAnd();
    while (cur().isName("or")) {
      int line = next().line();
      left = new Node.Or(left, parseAnd(), line);
    }
    return left;
  }

  private Expr parseAnd() {
    Expr left = parseNot();
    while (cur().isName("and")) {
      int line = next().line();
      left = new Node.And(left, parseNot(), line);
    }
    return left;
  }

  private Expr parseNot() {
    if (cur().isName("not")) {
      int line = next().line();
      return new Node.Not(parseNot(), line);
    }
    return parseCompare();
  }

  private Expr parseCompare() {
    int line = cur().line();
    Expr expr = parseMath1();
    List<String> ops = new ArrayList<>();
    List<Expr> rest = new ArrayList<>();
    while (true) {
      Token t = cur();
      if (t.kind() == Kind.OP && List.of("==", "!=", "<", "<=", ">", ">=").contains(t.text())) {
        next();
        ops.add(t.text());
        rest.add(parseMath1());
      } else if (skipName("in")) {
        ops.add("in");
        rest.add(parseMath1());
      } else if (t.isName("not") && look().isName("in")) {
        next();
        next();
        ops.add("notin");
        rest.add(parseMath1());
      } else {
        break;
      }
    }
    return ops.isEmpty() ? expr : new Node.Compare(expr, ops, rest, line);
  }

  private Expr parseMath1() {
    Expr left = parseConcat();
    while (cur().isOp("+") || cur().isOp("-")) {
      Token op = next();
      left = new Node.Binary(op.text(), left, parseConcat(), op.line());
    }
    return left;
  }

  private Expr parseConcat() {
    int line = cur().line();
    List<Expr> args = new ArrayList<>();
    args.add(parseMath2());
    while (skipOp("~")) {
      args.add(parseMath2());
    }
    return args.size() == 1 ? args.get(0) : new Node.Concat(args, line);
  }

  private Expr parseMath2() {
    Expr left = parsePow();
    while (cur().isOp("*") || cur().isOp("/") || cur().isOp("//") || cur().isOp("%")) {
      Token op = next();
      left = new Node.Binary(op.text(), left, parsePow(), op.line());
    }
    return left;
  }

  private Expr parsePow() {
    Expr left = parseUnary(true);
    while (cur().isOp("**")) {
      Token op = next();
      left = new Node.Binary("**", left, parseUnary(true), op.line());
    }
    return left;
  }

  private Expr parseUnary(boolean withFilter) {
    Token t = cur();
    Expr node;
    if (t.isOp("-")) {
      next();
      node = new Node.Neg(parseUnary(false), t.line());
    } else if (t.isOp("+")) {
      next();
      node = new Node.Pos(parseUnary(false), t.line());
    } else {
      node = parsePrimary(false);
    }
    node = parsePostfix(node);
    if (withFilter) {
      node = parseFilterExpr(node);
    }
    return node;
  }

  private Expr parsePrimary(boolean withNamespace) {
    Token t = cur();
    switch (t.kind()) {
      case NAME: {
        next();
        switch (t.text()) {
          case "true", "True":
            return new Node.Const(Boolean.TRUE, t.line());
          case "false", "False":
            return new Node.Const(Boolean.FALSE, t.line());
          case "none", "None":
            return new Node.Const(null, t.line());
          default:
            break;
        }
        if (withNamespace && cur().isOp(".")) {
          next();
          return new Node.NsRef(t.text(), expect(Kind.NAME).text(), t.line());
        }
        return new Node.Name(t.text(), t.line());
      }
      case STRING: {
        next();
        StringBuilder sb = new StringBuilder((String) t.value());
        while (cur().kind() == Kind.STRING) {
          sb.append((String) next().value());
        }
        return new Node.Const(sb.toString(), t.line());
      }
      case INTEGER:
      case FLOAT:
        next();
        return new Node.Const(t.value(), t.line());
      case OP:
        if (t.isOp("(")) {
          next();
          Expr e = parseTuple(false, true, List.of(), true);
          expectOp(")");
          return e;
        } else if (t.isOp("[")) {
          return parseList();
        } else if (t.isOp("{")) {
          return parseDict();
        }
        break;
      default:
        break;
    }
    throw fail("unexpected " + t.describe());
  }

  private Expr parseTuple(boolean simplified, boolean withCondexpr, List<String> extraEnd,
      boolean explicitParentheses) {
    return parseTuple(simplified, withCondexpr, extraEnd, explicitParentheses, false);
  }

  private Expr parseTuple(boolean simplified, boolean withCondexpr, List<String> extraEnd,
      boolean explicitParentheses, boolean withNamespace) {
    int line = cur().line();
    List<Expr> args = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!args.isEmpty()) {
        expectOp(",");
      }
      if (isTupleEnd(extraEnd)) {
        break;
      }
      args.add(simplified ? parsePrimary(withNamespace) : parseExpression(withCondexpr));
      if (cur().isOp(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (!isTuple) {
      if (!args.isEmpty()) {
        return args.get(0);
      }
      if (!explicitParentheses) {
        throw fail("Expected an expression, got " + cur().describe());
      }
    }
    return new Node.TupleExpr(args, line);
  }

  private boolean isTupleEnd(List<String> extraEnd) {
    Token t = cur();
    if (t.kind() == Kind.VAR_END || t.kind() == Kind.BLOCK_END || t.kind() == Kind.EOF
        || t.isOp(")")) {
      return true;
    }
    return t.kind() == Kind.NAME && extraEnd.contains(t.text());
  }

  private Expr parseList() {
    int line = next().line();
    List<Expr> items = new ArrayList<>();
    while (!cur().isOp("]")) {
      if (!items.isEmpty()) {
        expectOp(",");
      }
      if (cur().isOp("]")) {
        break;
      }
      items.add(parseExpression(true));
    }
    expectOp("]");
    return new Node.ListExpr(items, line);
  }

  private Expr parseDict() {
    int line = next().line();
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (!cur().isOp("}")) {
      if (!keys.isEmpty()) {
        expectOp(",");
      }
      if (cur().isOp("}")) {
        break;
      }
      keys.add(parseExpression(true));
      expectOp(":");
      values.add(parseExpression(true));
    }
    expectOp("}");
    return new Node.DictExpr(keys, values, line);
  }

  private Expr parsePostfix(Expr node) {
    while (true) {
      if (cur().isOp(".") || cur().isOp("[")) {
        node = parseSubscript(node);
      } else if (cur().isOp("(")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  private Expr parseFilterExpr(Expr node) {
    while (true) {
      if (cur().isOp("|")) {
        node = parseFilter(node, false);
      } else if (cur().isName("is")) {
        node = parseTest(node);
      } else if (cur().isOp("(")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  private Expr parseSubscript(Expr node) {
    Token t = next();
    if (t.isOp(".")) {
      Token attr = next();
      if (attr.kind() == Kind.NAME) {
        return new Node.Attr(node, attr.text(), t.line());
      }
      if (attr.kind() != Kind.INTEGER) {
        throw fail("expected name or number");
      }
      return new Node.Item(node, new Node.Const(attr.value(), attr.line()), t.line());
    }
    List<Expr> args = new ArrayList<>();
    while (!cur().isOp("]")) {
      if (!args.isEmpty()) {
        expectOp(",");
      }
      args.add(parseSubscribed());
    }
    expectOp("]");
    Expr key = args.size() == 1 ? args.get(0) : new Node.TupleExpr(args, t.line());
    return new Node.Item(node, key, t.line());
  }

  private Expr parseSubscribed() {
    int line = cur().line();
    Expr start = null;
    if (cur().isOp(":")) {
      next();
    } else {
      Expr node = parseExpression(true);
      if (!cur().isOp(":")) {
        return node;
      }
      next();
      start = node;
    }
    Expr stop = null;
    if (!cur().isOp(":") && !cur().isOp("]") && !cur().isOp(",")) {
      stop = parseExpression(true);
    }
    Expr step = null;
    if (cur().isOp(":")) {
      next();
      if (!cur().isOp("]") && !cur().isOp(",")) {
        step = parseExpression(true);
      }
    }
    return new Node.Slice(start, stop, step, line);
  }

  private record Args(List<Expr> args, List<String> kwNames, List<Expr> kwValues, Expr star,
      Expr starStar) {}

  private Args parseCallArgs() {
    expectOp("(");
    List<Expr> args = new ArrayList<>();
    List<String> kwNames = new ArrayList<>();
    List<Expr> kwValues = new ArrayList<>();
    Expr star = null;
    Expr starStar = null;
    boolean requireComma = false;
    while (!cur().isOp(")")) {
      if (requireComma) {
        expectOp(",");
        if (cur().isOp(")")) {
          break;
        }
      }
      if (cur().isOp("*")) {
        next();
        star = parseExpression(true);
      } else if (cur().isOp("**")) {
        next();
        starStar = parseExpression(true);
      } else if (cur().kind() == Kind.NAME && look().isOp("=")) {
        kwNames.add(next().text());
        next();
        kwValues.add(parseExpression(true));
      } else {
        if (!kwNames.isEmpty() || star != null || starStar != null) {
          throw fail("invalid syntax for function call expression");
        }
        args.add(parseExpression(true));
      }
      requireComma = true;
    }
    expectOp(")");
    return new Args(args, kwNames, kwValues, star, starStar);
  }

  private Expr parseCall(Expr node) {
    int line = cur().line();
    Args a = parseCallArgs();
    return new Node.Call(node, a.args, a.kwNames, a.kwValues, a.star, a.starStar, line);
  }

  private Expr parseFilter(Expr node, boolean startInline) {
    while (cur().isOp("|") || startInline) {
      if (!startInline) {
        next();
      }
      Token t = expect(Kind.NAME);
      String name = t.text();
      while (cur().isOp(".")) {
        next();
        name += "." + expect(Kind.NAME).text();
      }
      if (!Builtins.hasFilter(name)) {
        throw new JinjaException("No filter named '" + name + "'.", t.line(), false);
      }
      Args a = cur().isOp("(") ? parseCallArgs()
          : new Args(List.of(), List.of(), List.of(), null, null);
      if (a.star != null || a.starStar != null) {
        throw fail("*args and **kwargs in filter calls are not supported in chat templates");
      }
      node = new Node.Filter(node, name, a.args, a.kwNames, a.kwValues, t.line());
      startInline = false;
    }
    return node;
  }

  private Expr parseTest(Expr node) {
    Token is = next();
    boolean negated = skipName("not");
    Token t = expect(Kind.NAME);
    String name = t.text();
    while (cur().isOp(".")) {
      next();
      name += "." + expect(Kind.NAME).text();
    }
    if (!Builtins.hasTest(name)) {
      throw new JinjaException("No test named '" + name + "'.", t.line(), false);
    }
    Args a;
    Token c = cur();
    if (c.isOp("(")) {
      a = parseCallArgs();
    } else if ((c.kind() == Kind.NAME || c.kind() == Kind.STRING || c.kind() == Kind.INTEGER
        || c.kind() == Kind.FLOAT || c.isOp("(") || c.isOp("[") || c.isOp("{"))
        && !c.isName("else") && !c.isName("or") && !c.isName("and")) {
      if (c.isName("is")) {
        throw fail("You cannot chain multiple tests with is");
      }
      Expr arg = parsePostfix(parsePrimary(false));
      a = new Args(List.of(arg), List.of(), List.of(), null, null);
    } else {
      a = new Args(List.of(), List.of(), List.of(), null, null);
    }
    Expr test = new Node.Test(node, name, a.args, a.kwNames, a.kwValues, is.line());
    return negated ? new Node.Not(test, is.line()) : test;
  }
}
