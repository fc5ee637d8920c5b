/**
 * What a query's leading `where` clauses say about the rows it can return, so a table is built
 * from the store's indexes instead of in full: `id in~ (...)` / `id == '...'` reads those ids by
 * primary key, `id startswith 'p' or id startswith 'q'` reads those ranges of the primary key,
 * `type in~ (...)` / `type =~ '...'` builds only rows of those types, a filter keeping only VMs
 * not running and Arc machines not connected builds only the machines whose guest says so,
 * and `resourcechanges`' `timestamp >= t` (a datetime or `ago(...)`) reads the change log from `t` on (indexed by time); the
 * Heartbeat table is built for the machines `_ResourceId` filters allow (logs/handler.ts). The
 * narrowing only ever keeps a superset of the matching rows: the query itself still runs over
 * them, so results are exactly those of a full scan.
 */
import type { Expr, Query } from "../kql/ast";

export interface Narrowing {
  /** Lower-case ids the rows must have (absent: any). */
  readonly ids?: ReadonlySet<string>;
  /** Lower-case prefixes one of which the rows' ids must start with (absent: any). */
  readonly prefixes?: readonly string[];
  /** Lower-case types the rows must have (absent: any). */
  readonly types?: ReadonlySet<string>;
  /** Only machines not running or not connected can match (their power state or status `!~` the running one). */
  readonly unpowered?: boolean;
  /** Epoch ms the change rows are at or after (`resourcechanges` only; absent: the retention). */
  readonly changedFrom?: number;
}

/** The dotted column path of `a.b.c`, bare or inside a call of `unwrap` (`tostring`, `todatetime`); undefined for anything else. */
function pathOf(e: Expr, unwrap: string): string | undefined {
  if (e.k === "call" && e.fn.toLowerCase() === unwrap && e.args.length === 1) return pathOf(e.args[0]!, unwrap);
  const path: string[] = [];
  let x: Expr = e;
  while (x.k === "member") {
    const key = literalString(x.key);
    if (key === undefined) return undefined;
    path.unshift(key);
    x = x.obj;
  }
  return x.k === "col" ? [x.name, ...path].join(".") : undefined;
}

/** `and`-joined terms of a predicate. */
function conjuncts(e: Expr): Expr[] {
  return e.k === "bin" && e.op === "and" ? [...conjuncts(e.l), ...conjuncts(e.r)] : [e];
}

function literalString(e: Expr): string | undefined {
  return e.k === "lit" && typeof e.v === "string" ? e.v : undefined;
}

/** The ids an `id in (...)`, `id in~ (...)`, `id == ''` or `id =~ ''` term allows (undefined: not such a term). */
function idsOf(term: Expr, idColumn: string): string[] | undefined {
  const isIdColumn = (e: Expr) => e.k === "col" && e.name === idColumn;
  if (term.k === "in" && (term.op === "in" || term.op === "in~") && isIdColumn(term.l)) {
    const values = term.list.map(literalString);
    return values.every((v): v is string => v !== undefined) ? values : undefined;
  }
  if (term.k === "bin" && (term.op === "==" || term.op === "=~")) {
    const [col, lit] = isIdColumn(term.l) ? [term.l, term.r] : [term.r, term.l];
    const v = literalString(lit);
    return isIdColumn(col) && v !== undefined ? [v] : undefined;
  }
  return undefined;
}

/** The types a `type in~ (...)`, `type in (...)`, `type =~ ''` or `type == ''` term allows (undefined: not such a term). */
function typesOf(term: Expr): string[] | undefined {
  return idsOf(term, "type");
}

/** What a machine that runs shows: its row matches none of these terms. */
const POWERED: Readonly<Record<string, string>> = {
  "properties.extended.instanceView.powerState.code": "powerstate/running",
  "properties.status": "connected",
};

/** Whether every row a term keeps has a power state or status other than the running one: each `or`-ed part `and`s such a `!~` / `!=`. */
function unpoweredOnly(term: Expr): boolean {
  const notPowered = (t: Expr) => {
    if (t.k !== "bin" || (t.op !== "!~" && t.op !== "!=")) return false;
    const path = pathOf(t.l, "tostring");
    return path !== undefined && POWERED[path] !== undefined && literalString(t.r)?.toLowerCase() === POWERED[path];
  };
  return disjuncts(term).every((d) => conjuncts(d).some(notPowered));
}

/** `or`-joined terms of a predicate. */
function disjuncts(e: Expr): Expr[] {
  return e.k === "bin" && e.op === "or" ? [...disjuncts(e.l), ...disjuncts(e.r)] : [e];
}

/** The prefixes of `id startswith 'p' [or id startswith 'q' ...]` (startswith is case-insensitive; _cs narrows less); undefined: not such a term. */
function prefixesOf(term: Expr, idColumn: string): string[] | undefined {
  const out: string[] = [];
  for (const d of disjuncts(term)) {
    const v = d.k === "bin" && (d.op === "startswith" || d.op === "startswith_cs") && d.l.k === "col" && d.l.name === idColumn ? literalString(d.r) : undefined;
    // An empty prefix keeps every row: no narrowing.
    if (!v) return undefined;
    out.push(v.toLowerCase());
  }
  return out;
}

/** `properties.changeAttributes.timestamp`, bare or in `todatetime(...)`. */
function isChangeTimestamp(e: Expr): boolean {
  return pathOf(e, "todatetime") === "properties.changeAttributes.timestamp";
}

/** A time the query names: a datetime literal (bare or in `todatetime`), or `ago(<timespan>)` on the query's clock (`now`). */
function timeLiteral(e: Expr, now: number | undefined): number | undefined {
  if (e.k === "call" && e.fn.toLowerCase() === "ago" && e.args.length === 1) {
    const span = e.args[0]!;
    const ms = span.k === "call" && span.fn === "__timespan" && span.args[0]?.k === "lit" ? span.args[0].v : undefined;
    return now !== undefined && typeof ms === "number" ? now - ms : undefined;
  }
  const s = e.k === "call" && e.fn.toLowerCase() === "todatetime" && e.args.length === 1 ? literalString(e.args[0]!) : literalString(e);
  const ms = s === undefined ? NaN : Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The earliest change time a `timestamp >= t` / `> t` / `t <= timestamp` / `t < timestamp` term allows. */
function changedFromOf(term: Expr, now: number | undefined): number | undefined {
  if (term.k !== "bin") return undefined;
  if ((term.op === ">=" || term.op === ">") && isChangeTimestamp(term.l)) return timeLiteral(term.r, now);
  if ((term.op === "<=" || term.op === "<") && isChangeTimestamp(term.r)) return timeLiteral(term.l, now);
  return undefined;
}

/**
 * `idColumn`: the column holding the rows' resource ids (`id` in Resource Graph, `_ResourceId` in
 * Log Analytics); `now`: the clock the query is evaluated on (`ago()`), at or before its `now`.
 */
export function narrowingOf(query: Query, idColumn = "id", now?: number): Narrowing {
  let ids: Set<string> | undefined;
  let prefixes: string[] | undefined;
  let changedFrom: number | undefined;
  let types: Set<string> | undefined;
  let unpowered = false;
  // Only the leading filters see the table's own columns.
  for (const op of query.ops) {
    if (op.op !== "where") break;
    for (const term of conjuncts(op.pred)) {
      const allowed = idsOf(term, idColumn);
      if (allowed) {
        const lower = new Set(allowed.map((s) => s.toLowerCase()));
        ids = ids ? new Set([...ids].filter((x) => lower.has(x))) : lower;
      }
      unpowered ||= unpoweredOnly(term);
      const typed = typesOf(term);
      if (typed) {
        const lower = new Set(typed.map((t) => t.toLowerCase()));
        types = types ? new Set([...types].filter((x) => lower.has(x))) : lower;
      }
      // One prefix list is enough to narrow by (a second `and`-ed one keeps a superset).
      prefixes ??= prefixesOf(term, idColumn);
      const from = changedFromOf(term, now);
      if (from !== undefined) changedFrom = Math.max(changedFrom ?? from, from);
    }
  }
  return { ...(ids ? { ids } : {}), ...(types ? { types } : {}), ...(unpowered ? { unpowered } : {}), ...(prefixes ? { prefixes } : {}), ...(changedFrom !== undefined ? { changedFrom } : {}) };
}
