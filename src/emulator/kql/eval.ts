/**
 * Evaluates a parsed query over in-memory tables (rows are JSON objects). Semantics follow
 * Kusto where the subset overlaps: dynamic property access is case-sensitive, `=~`/`in~` are
 * case-insensitive, `order by` defaults to descending, mv-expand drops empty arrays and keeps
 * nulls, summarize puts the `by` columns first.
 */
import type { Aggregate, Expr, NamedExpr, Operator, Query, SortKey } from "./ast";
import { KqlError } from "./lexer";
import { pathName, SUPPORTED_SUMMARY } from "./parser";
import { isObject, type Json, type JsonObject } from "../util/json";

export type Row = Record<string, Json>;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export interface EvalEnv {
  /** Current time in ms (the emulator's clock). */
  readonly now: number;
}

export function runQuery(query: Query, source: (table: string) => Table | undefined, env: EvalEnv): Table {
  let t = source(query.table);
  if (!t) throw new KqlError(`Table '${query.table}' is not available here.`);
  for (const op of query.ops) t = apply(op, t, env);
  return t;
}

function apply(op: Operator, t: Table, env: EvalEnv): Table {
  switch (op.op) {
    case "where":
      check(op.pred, t.columns);
      return { columns: t.columns, rows: t.rows.filter((r) => evaluate(op.pred, r, env) === true) };
    case "project": {
      op.items.forEach((i) => check(i.expr, t.columns));
      return { columns: op.items.map((i) => i.name), rows: t.rows.map((r) => Object.fromEntries(op.items.map((i) => [i.name, evaluate(i.expr, r, env)]))) };
    }
    case "project-away": {
      for (const n of op.names) if (!t.columns.includes(n)) throw unknownColumn(n);
      const keep = t.columns.filter((c) => !op.names.includes(c));
      return { columns: keep, rows: t.rows.map((r) => pick(r, keep)) };
    }
    case "project-rename": {
      for (const i of op.items) if (!t.columns.includes(i.from)) throw unknownColumn(i.from);
      const map = new Map(op.items.map((i) => [i.from, i.to]));
      const columns = t.columns.map((c) => map.get(c) ?? c);
      return { columns, rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [map.get(c) ?? c, r[c] ?? null]))) };
    }
    case "extend": {
      let columns = [...t.columns];
      let rows = t.rows;
      for (const item of op.items) {
        check(item.expr, columns);
        if (!columns.includes(item.name)) columns = [...columns, item.name];
        rows = rows.map((r) => ({ ...r, [item.name]: evaluate(item.expr, r, env) }));
      }
      return { columns, rows };
    }
    case "sort":
      op.keys.forEach((k) => check(k.expr, t.columns));
      return { columns: t.columns, rows: sortRows(t.rows, op.keys, env) };
    case "take":
      return { columns: t.columns, rows: t.rows.slice(0, op.n) };
    case "top":
      check(op.key.expr, t.columns);
      return { columns: t.columns, rows: sortRows(t.rows, [op.key], env).slice(0, op.n) };
    case "mv-expand": {
      check(op.expr, t.columns);
      const columns = t.columns.includes(op.name) ? t.columns : [...t.columns, op.name];
      const rows: Row[] = [];
      for (const r of t.rows) {
        const v = evaluate(op.expr, r, env);
        let items: Json[];
        if (Array.isArray(v)) items = v;
        else if (isObject(v)) items = Object.entries(v).map(([k, x]) => ({ [k]: x ?? null }));
        else items = [v];
        if (op.limit !== null) items = items.slice(0, op.limit);
        for (const item of items) rows.push({ ...r, [op.name]: item });
      }
      return { columns, rows };
    }
    case "summarize":
      return summarize(op.aggs, op.by, t, env);
    case "distinct": {
      op.items.forEach((i) => check(i.expr, t.columns));
      const seen = new Set<string>();
      const rows: Row[] = [];
      for (const r of t.rows) {
        const out = Object.fromEntries(op.items.map((i) => [i.name, evaluate(i.expr, r, env)]));
        const key = JSON.stringify(op.items.map((i) => out[i.name]));
        if (!seen.has(key)) {
          seen.add(key);
          rows.push(out);
        }
      }
      return { columns: op.items.map((i) => i.name), rows };
    }
    case "count":
      return { columns: ["Count"], rows: [{ Count: t.rows.length }] };
  }
}

function pick(r: Row, columns: readonly string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, r[c] ?? null]));
}

function unknownColumn(name: string): KqlError {
  return new KqlError(`Failed to resolve scalar expression named '${name}'.`);
}

/** Column references must exist even when the table is empty, as Kusto checks them statically. */
function check(e: Expr, columns: readonly string[]): void {
  switch (e.k) {
    case "col":
      if (!columns.includes(e.name)) throw unknownColumn(e.name);
      return;
    case "member":
      check(e.obj, columns);
      check(e.key, columns);
      return;
    case "bin":
      check(e.l, columns);
      check(e.r, columns);
      return;
    case "in":
      check(e.l, columns);
      e.list.forEach((x) => check(x, columns));
      return;
    case "neg":
      check(e.e, columns);
      return;
    case "call":
      e.args.forEach((x) => check(x, columns));
      return;
    default:
      return;
  }
}

// ---- values -------------------------------------------------------------------------------

export function toStr(v: Json | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function num(v: Json | undefined): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

function equals(a: Json, b: Json): boolean {
  if (a === null || b === null) return false;
  if (typeof a === "number" || typeof b === "number") {
    const x = num(a);
    const y = num(b);
    return x !== null && y !== null && x === y;
  }
  if (typeof a === "boolean" || typeof b === "boolean") return toStr(a).toLowerCase() === toStr(b).toLowerCase();
  return toStr(a) === toStr(b);
}

function compare(a: Json, b: Json): number {
  const x = num(a);
  const y = num(b);
  if (x !== null && y !== null && typeof a !== "string" && typeof b !== "string") return x - y;
  const s = toStr(a);
  const t = toStr(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** Kusto's `has`: the needle is a whole term of the text (terms split on non-alphanumerics). */
function hasTerm(text: string, needle: string): boolean {
  if (needle === "") return true;
  let from = 0;
  for (;;) {
    const i = text.indexOf(needle, from);
    if (i < 0) return false;
    const before = i === 0 || !/[A-Za-z0-9]/.test(text[i - 1]!);
    const after = i + needle.length >= text.length || !/[A-Za-z0-9]/.test(text[i + needle.length]!);
    if (before && after) return true;
    from = i + 1;
  }
}

function stringOp(op: string, a: Json, b: Json): boolean {
  const negate = op.startsWith("!");
  const base = negate ? op.slice(1) : op;
  const cs = base.endsWith("_cs");
  const word = cs ? base.slice(0, -3) : base;
  let s = toStr(a);
  let t = toStr(b);
  if (!cs) {
    s = s.toLowerCase();
    t = t.toLowerCase();
  }
  let r: boolean;
  switch (word) {
    case "contains":
      r = s.includes(t);
      break;
    case "has":
      r = hasTerm(s, t);
      break;
    case "startswith":
      r = s.startsWith(t);
      break;
    case "endswith":
      r = s.endsWith(t);
      break;
    default:
      throw new KqlError(`Operator '${op}' is not supported. ${SUPPORTED_SUMMARY}`);
  }
  return negate ? !r : r;
}

export function evaluate(e: Expr, row: Row, env: EvalEnv): Json {
  switch (e.k) {
    case "lit":
      return e.v;
    case "col":
      return row[e.name] ?? null;
    case "star":
      throw new KqlError("'*' is only allowed inside arg_max/arg_min.");
    case "member": {
      const obj = evaluate(e.obj, row, env);
      const key = evaluate(e.key, row, env);
      if (Array.isArray(obj) && typeof key === "number") return obj[key < 0 ? obj.length + key : key] ?? null;
      if (isObject(obj) && (typeof key === "string" || typeof key === "number")) return obj[String(key)] ?? null;
      return null;
    }
    case "neg": {
      const v = num(evaluate(e.e, row, env));
      return v === null ? null : -v;
    }
    case "in": {
      const v = evaluate(e.l, row, env);
      const ci = e.op.endsWith("~");
      const list = e.list.flatMap((x) => {
        const y = evaluate(x, row, env);
        return Array.isArray(y) ? y : [y];
      });
      const hit = list.some((y) => (ci ? v !== null && y !== null && toStr(v).toLowerCase() === toStr(y).toLowerCase() : equals(v, y)));
      return e.op.startsWith("!") ? !hit : hit;
    }
    case "bin": {
      if (e.op === "and") return evaluate(e.l, row, env) === true && evaluate(e.r, row, env) === true;
      if (e.op === "or") return evaluate(e.l, row, env) === true || evaluate(e.r, row, env) === true;
      const a = evaluate(e.l, row, env);
      const b = evaluate(e.r, row, env);
      switch (e.op) {
        case "==":
          return equals(a, b);
        case "!=":
          return a !== null && b !== null && !equals(a, b);
        case "=~":
          return a !== null && b !== null && toStr(a).toLowerCase() === toStr(b).toLowerCase();
        case "!~":
          return a !== null && b !== null && toStr(a).toLowerCase() !== toStr(b).toLowerCase();
        case "<":
          return a !== null && b !== null && compare(a, b) < 0;
        case "<=":
          return a !== null && b !== null && compare(a, b) <= 0;
        case ">":
          return a !== null && b !== null && compare(a, b) > 0;
        case ">=":
          return a !== null && b !== null && compare(a, b) >= 0;
        case "matches":
          return new RegExp(toStr(b)).test(toStr(a));
        case "+":
        case "-":
        case "*":
        case "/":
        case "%":
          return arithmetic(e.op, a, b);
        default:
          return stringOp(e.op, a, b);
      }
    }
    case "call":
      return callFunction(e.fn, e.args, row, env);
  }
}

function arithmetic(op: string, a: Json, b: Json): Json {
  // datetime ± timespan: ISO strings and milliseconds.
  if (typeof a === "string" && !Number.isNaN(Date.parse(a)) && typeof b === "number" && (op === "+" || op === "-")) {
    return new Date(Date.parse(a) + (op === "+" ? b : -b)).toISOString();
  }
  const x = num(a);
  const y = num(b);
  if (x === null || y === null) return null;
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return y === 0 ? null : x / y;
    default:
      return y === 0 ? null : x % y;
  }
}

function callFunction(fn: string, args: readonly Expr[], row: Row, env: EvalEnv): Json {
  const arg = (i: number): Json => (args[i] ? evaluate(args[i]!, row, env) : null);
  const arity = (n: number, m = n): void => {
    if (args.length < n || args.length > m) throw new KqlError(`${fn}() expects ${n === m ? n : `${n} to ${m}`} argument(s).`);
  };
  switch (fn) {
    case "__timespan":
      return arg(0);
    case "not":
      arity(1);
      return arg(0) !== true;
    case "tolower":
      arity(1);
      return toStr(arg(0)).toLowerCase();
    case "toupper":
      arity(1);
      return toStr(arg(0)).toUpperCase();
    case "tostring":
      arity(1);
      return toStr(arg(0));
    case "toint":
    case "tolong": {
      arity(1);
      const v = num(arg(0));
      return v === null ? null : Math.trunc(v);
    }
    case "todouble":
    case "toreal":
      arity(1);
      return num(arg(0));
    case "tobool":
    case "toboolean": {
      arity(1);
      const v = arg(0);
      if (typeof v === "boolean") return v;
      const s = toStr(v).toLowerCase();
      return s === "true" || s === "1" ? true : s === "false" || s === "0" ? false : null;
    }
    case "isempty": {
      arity(1);
      const v = arg(0);
      return v === null || v === "";
    }
    case "isnotempty": {
      arity(1);
      const v = arg(0);
      return !(v === null || v === "");
    }
    case "isnull":
      arity(1);
      return arg(0) === null;
    case "isnotnull":
      arity(1);
      return arg(0) !== null;
    case "strlen":
      arity(1);
      return toStr(arg(0)).length;
    case "strcat":
      return args.map((_, i) => toStr(arg(i))).join("");
    case "iff":
    case "iif":
      arity(3);
      return arg(0) === true ? arg(1) : arg(2);
    case "case": {
      if (args.length < 3 || args.length % 2 === 0) throw new KqlError("case() expects condition/value pairs and an else value.");
      for (let i = 0; i + 1 < args.length; i += 2) if (arg(i) === true) return arg(i + 1);
      return arg(args.length - 1);
    }
    case "coalesce":
      for (let i = 0; i < args.length; i++) {
        const v = arg(i);
        if (v !== null && v !== "") return v;
      }
      return null;
    case "split":
      arity(2);
      return toStr(arg(0)).split(toStr(arg(1)));
    case "array_length": {
      arity(1);
      const v = arg(0);
      return Array.isArray(v) ? v.length : null;
    }
    case "bag_keys": {
      arity(1);
      const v = arg(0);
      return isObject(v) ? Object.keys(v) : null;
    }
    case "extract": {
      arity(3);
      const m = new RegExp(toStr(arg(0))).exec(toStr(arg(2)));
      const g = num(arg(1)) ?? 0;
      return m ? (m[g] ?? null) : null;
    }
    case "substring": {
      arity(2, 3);
      const s = toStr(arg(0));
      const start = num(arg(1)) ?? 0;
      return args.length === 3 ? s.substr(start, num(arg(2)) ?? 0) : s.slice(start);
    }
    case "now":
      return new Date(env.now).toISOString();
    case "todatetime": {
      // Datetimes are ISO strings here; anything Date cannot read is null, as Kusto's is.
      arity(1);
      const v = arg(0);
      const ms = typeof v === "string" ? Date.parse(v) : typeof v === "number" ? v : NaN;
      return Number.isNaN(ms) ? null : new Date(ms).toISOString();
    }
    case "ago":
      arity(1);
      return new Date(env.now - (num(arg(0)) ?? 0)).toISOString();
    case "parse_json":
    case "todynamic": {
      arity(1);
      const v = arg(0);
      if (typeof v !== "string") return v;
      try {
        return JSON.parse(v) as Json;
      } catch {
        return v;
      }
    }
    default:
      throw new KqlError(`Function '${fn}()' is not supported by the emulator. ${SUPPORTED_SUMMARY}`);
  }
}

function sortRows(rows: readonly Row[], keys: readonly SortKey[], env: EvalEnv): Row[] {
  const decorated = rows.map((r, i) => ({ r, i, k: keys.map((key) => evaluate(key.expr, r, env)) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]!;
      const x = a.k[j]!;
      const y = b.k[j]!;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === key.nullsFirst ? -1 : 1;
      }
      const c = compare(x, y);
      if (c !== 0) return key.desc ? -c : c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.r);
}

// ---- summarize ----------------------------------------------------------------------------

function aggName(a: Aggregate): string {
  if (a.name) return a.name;
  const first = a.args[0] ? pathName(a.args[0]) : undefined;
  switch (a.fn) {
    case "count":
      return "count_";
    case "countif":
      return "countif_";
    case "make_list":
      return `list_${first ?? ""}`;
    case "make_set":
      return `set_${first ?? ""}`;
    case "take_any":
    case "any":
      return `any_${first ?? ""}`;
    default:
      return `${a.fn}_${first ?? ""}`;
  }
}

function summarize(aggs: readonly Aggregate[], by: readonly NamedExpr[], t: Table, env: EvalEnv): Table {
  by.forEach((b) => check(b.expr, t.columns));
  for (const a of aggs) a.args.forEach((x) => x.k !== "star" && check(x, t.columns));
  const groups = new Map<string, { keys: Json[]; rows: Row[] }>();
  for (const r of t.rows) {
    const keys = by.map((b) => evaluate(b.expr, r, env));
    const k = JSON.stringify(keys);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { keys, rows: [] }));
    g.rows.push(r);
  }
  if (by.length === 0 && groups.size === 0) groups.set("[]", { keys: [], rows: [] });
  const byNames = by.map((b) => b.name);
  let columns: string[] = [...byNames];
  const out: Row[] = [];
  let first = true;
  for (const g of groups.values()) {
    const row: Row = Object.fromEntries(byNames.map((n, i) => [n, g.keys[i] ?? null]));
    for (const a of aggs) {
      const produced = aggregate(a, g.rows, t.columns, byNames, env);
      for (const [name, value] of produced) {
        row[name] = value;
        if (first && !columns.includes(name)) columns = [...columns, name];
      }
    }
    if (first) first = false;
    out.push(row);
  }
  if (groups.size === 0) {
    for (const a of aggs) for (const [name] of aggregate(a, [], t.columns, byNames, env)) if (!columns.includes(name)) columns.push(name);
  }
  return { columns, rows: out };
}

function aggregate(a: Aggregate, rows: readonly Row[], columns: readonly string[], byNames: readonly string[], env: EvalEnv): [string, Json][] {
  const values = (i = 0): Json[] => rows.map((r) => evaluate(a.args[i]!, r, env));
  const name = aggName(a);
  const need = (n: number): void => {
    if (a.args.length < n) throw new KqlError(`${a.fn}() expects ${n} argument(s).`);
  };
  switch (a.fn) {
    case "count":
      return [[name, rows.length]];
    case "countif":
      need(1);
      return [[name, values().filter((v) => v === true).length]];
    case "dcount":
      need(1);
      return [[name, new Set(values().filter((v) => v !== null).map((v) => toStr(v))).size]];
    case "make_list":
      need(1);
      return [[name, values().filter((v) => v !== null)]];
    case "make_set": {
      need(1);
      const seen = new Map<string, Json>();
      for (const v of values()) if (v !== null && !seen.has(JSON.stringify(v))) seen.set(JSON.stringify(v), v);
      return [[name, [...seen.values()]]];
    }
    case "any":
    case "take_any":
      need(1);
      return [[name, rows.length ? values()[0]! : null]];
    case "max":
    case "min": {
      need(1);
      const vs = values().filter((v) => v !== null);
      if (vs.length === 0) return [[name, null]];
      return [[name, vs.reduce((m, v) => ((a.fn === "max" ? compare(v, m) > 0 : compare(v, m) < 0) ? v : m))]];
    }
    case "sum":
    case "avg": {
      need(1);
      const vs = values().map(num).filter((v): v is number => v !== null);
      const s = vs.reduce((x, y) => x + y, 0);
      return [[name, a.fn === "sum" ? s : vs.length ? s / vs.length : null]];
    }
    case "arg_max":
    case "arg_min": {
      need(1);
      const target = a.args[0]!;
      const targetName = a.name ?? pathName(target) ?? `${a.fn === "arg_max" ? "max" : "min"}_Column`;
      let best: Row | undefined;
      let bestV: Json = null;
      for (const r of rows) {
        const v = evaluate(target, r, env);
        if (v === null) continue;
        if (best === undefined || (a.fn === "arg_max" ? compare(v, bestV) > 0 : compare(v, bestV) < 0)) {
          best = r;
          bestV = v;
        }
      }
      const out: [string, Json][] = [[targetName, bestV]];
      for (const extra of a.args.slice(1)) {
        if (extra.k === "star") {
          for (const c of columns) if (c !== targetName && !byNames.includes(c)) out.push([c, best ? (best[c] ?? null) : null]);
        } else {
          const n = pathName(extra);
          if (!n) throw new KqlError(`${a.fn}() takes columns or '*' after the expression to maximize.`);
          out.push([n, best ? evaluate(extra, best, env) : null]);
        }
      }
      return out;
    }
    default:
      throw new KqlError(`Aggregate '${a.fn}()' is not supported by the emulator. ${SUPPORTED_SUMMARY}`);
  }
}

export type { JsonObject };
