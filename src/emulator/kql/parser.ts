/**
 * Parser of the KQL subset: `Table | op | op ...` with the operators and expressions listed in
 * SUPPORTED. Anything else is a KqlError naming what is supported.
 */
import type { Aggregate, Expr, NamedExpr, Operator, Query, SortKey } from "./ast";
import { KqlError, tokenize, type Token } from "./lexer";

export const SUPPORTED_OPERATORS = [
  "where", "project", "project-away", "project-rename", "extend", "order by", "sort by", "take", "limit", "top", "mv-expand", "summarize", "distinct", "count",
];

export const SUPPORTED_SUMMARY =
  "Supported operators: " + SUPPORTED_OPERATORS.join(", ") +
  ". Expressions: literals, columns and dotted/indexed paths, and, or, not(), ==, !=, =~, !~, <, <=, >, >=, in, !in, in~, !in~, " +
  "contains, !contains, contains_cs, has, !has, startswith, endswith, matches regex, +, -, *, /, and functions tolower, toupper, tostring, " +
  "toint, tolong, todouble, tobool, isempty, isnotempty, isnull, isnotnull, strlen, strcat, iff, coalesce, split, array_length, extract, " +
  "substring, now, ago, todatetime, parse_json, todynamic, case, bag_keys. Aggregates: count, countif, dcount, make_list, make_set, arg_max, arg_min, max, min, sum, avg, any, take_any.";

const COMPARE = new Set(["==", "!=", "=~", "!~", "<", "<=", ">", ">=", "<>"]);
const WORD_OPS = new Set([
  "contains", "contains_cs", "has", "has_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "matches", "in", "in~", "like",
]);

export function parseQuery(text: string): Query {
  return new Parser(tokenize(text)).query();
}

class Parser {
  private i = 0;
  private anon = 0;

  constructor(private readonly toks: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)]!;
  }

  private next(): Token {
    return this.toks[this.i++]!;
  }

  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "op" && t.text === text;
  }

  private isWord(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "ident" && t.text.toLowerCase() === text;
  }

  private expectOp(text: string): void {
    const t = this.next();
    if (t.kind !== "op" || t.text !== text) throw new KqlError(`Expected '${text}' at position ${t.pos} but found '${t.text || "end of query"}'.`);
  }

  private expectWord(text: string): void {
    const t = this.next();
    if (t.kind !== "ident" || t.text.toLowerCase() !== text) throw new KqlError(`Expected '${text}' at position ${t.pos} but found '${t.text || "end of query"}'.`);
  }

  private ident(): string {
    const t = this.next();
    if (t.kind !== "ident") throw new KqlError(`Expected a name at position ${t.pos} but found '${t.text || "end of query"}'.`);
    return t.text;
  }

  private int(): number {
    const t = this.next();
    if (t.kind !== "number" || !Number.isInteger(t.value)) throw new KqlError(`Expected a whole number at position ${t.pos}.`);
    return t.value!;
  }

  query(): Query {
    const table = this.ident();
    const ops: Operator[] = [];
    while (this.isOp("|")) {
      this.next();
      ops.push(this.operator());
    }
    const t = this.peek();
    if (t.kind !== "eof") throw new KqlError(`Unexpected '${t.text}' at position ${t.pos}; operators are separated by '|'.`);
    return { table, ops };
  }

  private operator(): Operator {
    const t = this.next();
    const word = t.kind === "ident" ? t.text.toLowerCase() : t.text;
    switch (word) {
      case "where":
      case "filter":
        return { op: "where", pred: this.expr() };
      case "project":
        return { op: "project", items: this.namedList() };
      case "extend":
        return { op: "extend", items: this.namedList() };
      case "project-away": {
        const names = [this.ident()];
        while (this.isOp(",")) {
          this.next();
          names.push(this.ident());
        }
        return { op: "project-away", names };
      }
      case "project-rename": {
        const items: { to: string; from: string }[] = [];
        do {
          if (items.length) this.next();
          const to = this.ident();
          this.expectOp("=");
          items.push({ to, from: this.ident() });
        } while (this.isOp(","));
        return { op: "project-rename", items };
      }
      case "order":
      case "sort": {
        this.expectWord("by");
        const keys = [this.sortKey()];
        while (this.isOp(",")) {
          this.next();
          keys.push(this.sortKey());
        }
        return { op: "sort", keys };
      }
      case "take":
      case "limit":
        return { op: "take", n: this.int() };
      case "top": {
        const n = this.int();
        this.expectWord("by");
        return { op: "top", n, key: this.sortKey() };
      }
      case "mv-expand": {
        if (this.isWord("kind") || this.isWord("with_itemindex") || this.isWord("bagexpansion")) {
          throw new KqlError(`mv-expand options (${this.peek().text}=) are not supported by the emulator. ${SUPPORTED_SUMMARY}`);
        }
        const item = this.named();
        if (this.isWord("to")) {
          this.next();
          this.expectWord("typeof");
          this.expectOp("(");
          this.ident();
          this.expectOp(")");
        }
        if (this.isOp(",")) throw new KqlError("mv-expand of several columns at once is not supported by the emulator; use one mv-expand per column.");
        let limit: number | null = null;
        if (this.isWord("limit")) {
          this.next();
          limit = this.int();
        }
        return { op: "mv-expand", name: item.name, expr: item.expr, limit };
      }
      case "summarize": {
        const aggs: Aggregate[] = [];
        if (!this.isWord("by")) {
          aggs.push(this.aggregate());
          while (this.isOp(",")) {
            this.next();
            aggs.push(this.aggregate());
          }
        }
        let by: NamedExpr[] = [];
        if (this.isWord("by")) {
          this.next();
          by = this.namedList();
        }
        return { op: "summarize", aggs, by };
      }
      case "distinct":
        return { op: "distinct", items: this.namedList() };
      case "count":
        return { op: "count" };
      default:
        throw new KqlError(`Operator '${t.text || "(none)"}' is not supported by the emulator. ${SUPPORTED_SUMMARY}`);
    }
  }

  private sortKey(): SortKey {
    const expr = this.expr();
    let desc = true;
    if (this.isWord("asc") || this.isWord("desc")) desc = this.next().text.toLowerCase() === "desc";
    let nullsFirst = !desc;
    if (this.isWord("nulls")) {
      this.next();
      nullsFirst = this.ident().toLowerCase() === "first";
    }
    return { expr, desc, nullsFirst };
  }

  private namedList(): NamedExpr[] {
    const items = [this.named()];
    while (this.isOp(",")) {
      this.next();
      items.push(this.named());
    }
    return items;
  }

  private named(): NamedExpr {
    if (this.peek().kind === "ident" && this.isOp("=", 1)) {
      const name = this.ident();
      this.next();
      return { name, expr: this.expr() };
    }
    const expr = this.expr();
    return { name: this.autoName(expr), expr };
  }

  private autoName(expr: Expr): string {
    const path = pathName(expr);
    if (path) return path;
    return `Column${++this.anon}`;
  }

  private aggregate(): Aggregate {
    let name: string | null = null;
    if (this.peek().kind === "ident" && this.isOp("=", 1)) {
      name = this.ident();
      this.next();
    }
    const fn = this.ident().toLowerCase();
    this.expectOp("(");
    const args: Expr[] = [];
    if (!this.isOp(")")) {
      args.push(this.aggArg());
      while (this.isOp(",")) {
        this.next();
        args.push(this.aggArg());
      }
    }
    this.expectOp(")");
    return { name, fn, args };
  }

  private aggArg(): Expr {
    if (this.isOp("*")) {
      this.next();
      return { k: "star" };
    }
    return this.expr();
  }

  // ---- expressions ------------------------------------------------------------------------

  expr(): Expr {
    let l = this.and();
    while (this.isWord("or")) {
      this.next();
      l = { k: "bin", op: "or", l, r: this.and() };
    }
    return l;
  }

  private and(): Expr {
    let l = this.comparison();
    while (this.isWord("and")) {
      this.next();
      l = { k: "bin", op: "and", l, r: this.comparison() };
    }
    return l;
  }

  private comparison(): Expr {
    const l = this.additive();
    const t = this.peek();
    if (t.kind === "op" && COMPARE.has(t.text)) {
      this.next();
      return { k: "bin", op: t.text === "<>" ? "!=" : t.text, l, r: this.additive() };
    }
    let negate = false;
    if (t.kind === "op" && t.text === "!" && this.peek(1).kind === "ident") {
      negate = true;
      this.next();
    }
    const w = this.peek();
    if (w.kind === "ident" && WORD_OPS.has(w.text.toLowerCase())) {
      this.next();
      const word = w.text.toLowerCase();
      if (word === "in" || word === "in~") {
        this.expectOp("(");
        const list: Expr[] = [this.expr()];
        while (this.isOp(",")) {
          this.next();
          list.push(this.expr());
        }
        this.expectOp(")");
        return { k: "in", op: (negate ? "!" : "") + word, l, list };
      }
      if (word === "matches") {
        this.expectWord("regex");
        const e: Expr = { k: "bin", op: "matches", l, r: this.additive() };
        return negate ? { k: "call", fn: "not", args: [e] } : e;
      }
      if (word === "like") throw new KqlError(`'like' is not KQL; use contains, has or matches regex. ${SUPPORTED_SUMMARY}`);
      return { k: "bin", op: (negate ? "!" : "") + word, l, r: this.additive() };
    }
    if (negate) throw new KqlError(`Unexpected '!' at position ${t.pos}.`);
    if (w.kind === "ident" && ["between", "has_any", "has_all", "in~"].includes(w.text.toLowerCase())) {
      throw new KqlError(`'${w.text}' is not supported by the emulator. ${SUPPORTED_SUMMARY}`);
    }
    return l;
  }

  private additive(): Expr {
    let l = this.multiplicative();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next().text;
      l = { k: "bin", op, l, r: this.multiplicative() };
    }
    return l;
  }

  private multiplicative(): Expr {
    let l = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      const op = this.next().text;
      l = { k: "bin", op, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Expr {
    if (this.isOp("-")) {
      this.next();
      return { k: "neg", e: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const t = this.next();
        if (t.kind !== "ident" && t.kind !== "string") throw new KqlError(`Expected a property name after '.' at position ${t.pos}.`);
        e = { k: "member", obj: e, key: { k: "lit", v: t.text } };
      } else if (this.isOp("[")) {
        this.next();
        const key = this.expr();
        this.expectOp("]");
        e = { k: "member", obj: e, key };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case "string":
        return { k: "lit", v: t.text };
      case "number":
        return { k: "lit", v: t.value! };
      case "timespan":
        return { k: "call", fn: "__timespan", args: [{ k: "lit", v: t.value! }] };
      case "op":
        if (t.text === "(") {
          const e = this.expr();
          this.expectOp(")");
          return e;
        }
        throw new KqlError(`Unexpected '${t.text}' at position ${t.pos}.`);
      case "ident": {
        const lower = t.text.toLowerCase();
        if (lower === "true" || lower === "false") return { k: "lit", v: lower === "true" };
        if (lower === "null") return { k: "lit", v: null };
        if (this.isOp("(")) {
          this.next();
          if (lower === "dynamic") return { k: "lit", v: this.dynamicLiteral() };
          const args: Expr[] = [];
          if (!this.isOp(")")) {
            args.push(this.expr());
            while (this.isOp(",")) {
              this.next();
              args.push(this.expr());
            }
          }
          this.expectOp(")");
          return { k: "call", fn: lower, args };
        }
        return { k: "col", name: t.text };
      }
      default:
        throw new KqlError(`Unexpected end of query at position ${t.pos}.`);
    }
  }

  /** `dynamic(...)`: a JSON literal written with KQL tokens. */
  private dynamicLiteral(): import("../util/json").Json {
    const start = this.peek().pos;
    let depth = 1;
    let end = start;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === "eof") throw new KqlError("Unterminated dynamic(...) literal.");
      if (t.kind === "op" && t.text === "(") depth++;
      if (t.kind === "op" && t.text === ")") depth--;
      end = t.pos;
    }
    void end;
    const parts: string[] = [];
    // Rebuild the JSON from the tokens between the parentheses.
    let j = this.i - 2;
    const toks: Token[] = [];
    while (j >= 0 && this.toks[j]!.pos >= start) toks.unshift(this.toks[j--]!);
    for (const tok of toks) parts.push(tok.kind === "string" ? JSON.stringify(tok.text) : tok.text);
    try {
      return JSON.parse(parts.join("")) as import("../util/json").Json;
    } catch {
      throw new KqlError(`dynamic(${parts.join("")}) is not a JSON literal the emulator understands.`);
    }
  }
}

/** `properties.a.b` → `properties_a_b` (Kusto's name for an unnamed path column). */
export function pathName(expr: Expr): string | undefined {
  if (expr.k === "col") return expr.name;
  if (expr.k === "member" && expr.key.k === "lit" && (typeof expr.key.v === "string" || typeof expr.key.v === "number")) {
    const base = pathName(expr.obj);
    return base ? `${base}_${String(expr.key.v)}` : undefined;
  }
  return undefined;
}
