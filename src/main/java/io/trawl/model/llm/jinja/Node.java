package io.trawl.model.llm.jinja;

import java.util.List;

/** The syntax tree of a template: statements ({@link Stmt}) and expressions ({@link Expr}). */
final class Node {
  private Node() {}

  sealed interface Stmt permits Text, Print, If, For, Set, SetBlock, Macro, FilterBlock, With,
      Break, Continue, Block {}

  record Text(String text) implements Stmt {}

  record Print(Expr expr) implements Stmt {}

  record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> otherwise) implements Stmt {}

  record For(Expr target, Expr iter, Expr filter, List<Stmt> body, List<Stmt> otherwise, int line)
      implements Stmt {}

  record Set(Expr target, Expr value, int line) implements Stmt {}

  record SetBlock(Expr target, Expr filter, List<Stmt> body, int line) implements Stmt {}

  record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body)
      implements Stmt {}

  /** {@code {% filter f %}body{% endfilter %}}: {@code filter} is a Filter expression on null. */
  record FilterBlock(Expr filter, List<Stmt> body) implements Stmt {}

  record With(List<Expr> targets, List<Expr> values, List<Stmt> body) implements Stmt {}

  record Break(int line) implements Stmt {}

  record Continue(int line) implements Stmt {}

  /** A body rendered as it is (Hugging Face's {@code {% generation %}}). */
  record Block(List<Stmt> body) implements Stmt {}

  sealed interface Expr permits Const, Name, NsRef, TupleExpr, ListExpr, DictExpr, Attr, Item,
      Slice, Call, Filter, Test, Not, Neg, Pos, Binary, Concat, Compare, And, Or, Cond {
    int line();
  }

  record Const(Object value, int line) implements Expr {}

  record Name(String name, int line) implements Expr {}

  /** {@code ns.attr} as an assignment target. */
  record NsRef(String name, String attr, int line) implements Expr {}

  record TupleExpr(List<Expr> items, int line) implements Expr {}

  record ListExpr(List<Expr> items, int line) implements Expr {}

  record DictExpr(List<Expr> keys, List<Expr> values, int line) implements Expr {}

  record Attr(Expr obj, String name, int line) implements Expr {}

  record Item(Expr obj, Expr key, int line) implements Expr {}

  record Slice(Expr start, Expr stop, Expr step, int line) implements Expr {}

  record Call(Expr fn, List<Expr> args, List<String> kwNames, List<Expr> kwValues, Expr starArgs,
      Expr starKwargs, int line) implements Expr {}

  /** {@code obj | name(args)}; {@code obj} is null in a filter block. */
  record Filter(Expr obj, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues,
      int line) implements Expr {}

  record Test(Expr obj, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues,
      int line) implements Expr {}

  record Not(Expr expr, int line) implements Expr {}

  record Neg(Expr expr, int line) implements Expr {}

  record Pos(Expr expr, int line) implements Expr {}

  record Binary(String op, Expr left, Expr right, int line) implements Expr {}

  record Concat(List<Expr> parts, int line) implements Expr {}

  record Compare(Expr first, List<String> ops, List<Expr> rest, int line) implements Expr {}

  record And(Expr left, Expr right, int line) implements Expr {}

  record Or(Expr left, Expr right, int line) implements Expr {}

  /** {@code then if test else otherwise}; {@code otherwise} may be null (then undefined). */
  record Cond(Expr test, Expr then, Expr otherwise, int line) implements Expr {}
}
