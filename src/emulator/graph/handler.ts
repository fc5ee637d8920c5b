/**
 * `POST /providers/Microsoft.ResourceGraph/resources`: the documented KQL subset over the
 * store's tables, at most 1,000 rows a page with `$skipToken` (queries must keep `id` for it),
 * `totalRecords`, `count` and `resultTruncated` as Resource Graph answers them. Later pages
 * of a walk are served from a snapshot of the result (ResultSnapshots).
 */
import { createHash, randomUUID } from "node:crypto";
import type { Needs, SpecialRoute } from "../arm/types";
import { API_VERSIONS, requireApiVersion } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { jsonBody } from "../http/types";
import { KqlError } from "../kql/lexer";
import { parseQuery } from "../kql/parser";
import { runQuery, type Row, type Table } from "../kql/eval";
import { QueryBudgetExceeded, withinBudget } from "../kql/budget";
import { isObject, type Json, type JsonObject } from "../util/json";
import { GUID_RE } from "../util/random";
import { GRAPH_TABLES, graphTable } from "./tables";
import { narrowingOf } from "./narrow";
import { Hierarchy } from "../model/managementGroups";
import { capturedScope, SUBSCRIPTION_LIMIT_HIT_HEADER } from "../model/graphScope";
import { AuthorizationScope, authorizationScopeFilterOf, type QueryScope } from "./authorizationScope";

const MAX_PAGE = 1000;

const invalidQuery = ArmErrors.graphInvalidQuery;

/** What Resource Graph reads. */
export type GraphDeps = Needs<"store" | "guest" | "clock" | "tenantId" | "settings" | "changeLog">;

interface SkipToken {
  readonly offset: number;
  readonly hash: string;
  /** The snapshot the walk reads from (absent in tokens of older emulators). */
  readonly snap?: string;
}

function columnType(values: readonly Json[]): string {
  const v = values.find((x) => x !== null && x !== undefined);
  if (v === undefined || v === null) return "string";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "string") return "string";
  return "object";
}

/**
 * A query's result, kept while a client walks its pages: the first page evaluates the query over
 * the whole table, later pages are slices of that result (time proportional to the page, not to
 * the fleet), and the walk reads one consistent result. A token whose snapshot has gone (evicted,
 * expired, the emulator restarted) is answered by evaluating again, as before.
 */
export class ResultSnapshots {
  private readonly entries = new Map<string, { readonly result: Table; lastUsed: number }>();

  constructor(
    private readonly max = 8,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  get(id: string | undefined): Table | undefined {
    if (!id) return undefined;
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (Date.now() - e.lastUsed > this.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    e.lastUsed = Date.now();
    // Most recently used last: eviction takes the first.
    this.entries.delete(id);
    this.entries.set(id, e);
    return e.result;
  }

  put(result: Table): string {
    const id = randomUUID();
    this.entries.set(id, { result, lastUsed: Date.now() });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return id;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}

function decodeToken(raw: unknown, hash: string, correlationId: string): SkipToken | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  let token: SkipToken;
  try {
    token = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as SkipToken;
  } catch {
    throw invalidQuery("The $skipToken is invalid.", correlationId);
  }
  if (token.hash !== hash) throw invalidQuery("The $skipToken does not belong to this query and scope; send the same query and subscriptions with it.", correlationId);
  return token;
}

function evaluate(
  ctx: GraphDeps,
  query: string,
  subscriptions: readonly string[],
  correlationId: string,
  onEvaluate: (inputRows: number) => void,
  authorization: () => AuthorizationScope,
): Table {
  try {
    const parsed = parseQuery(query);
    // One clock for the narrowing and the query: the table read from `ago(...)` on holds what the query keeps.
    const now = ctx.clock.now();
    // Built from the store's indexes where the query's filters allow: the cost follows the rows asked for.
    const table = graphTable(ctx, parsed.table, subscriptions, narrowingOf(parsed, "id", now), authorization);
    if (!table) throw new KqlError(`Table '${parsed.table}' is not supported by the emulator; supported tables are ${Object.keys(GRAPH_TABLES).join(", ")}.`);
    onEvaluate(table.rows.length);
    return withinBudget(ctx.settings.queryBudgetMs, () => runQuery(parsed, () => table, { now }));
  } catch (err) {
    if (err instanceof KqlError) throw invalidQuery(err.message, correlationId);
    if (err instanceof QueryBudgetExceeded) throw ArmErrors.graphQueryBudgetExceeded(err.message, correlationId);
    throw err;
  }
}

/** The Resource Graph route, with its own snapshots of results being paged. */
/** `onEvaluate` hears of each full evaluation (not a page served from a snapshot) with the rows it read. */
export function resourceGraphRoute(snapshots = new ResultSnapshots(), onEvaluate: (inputRows: number) => void = () => undefined): SpecialRoute<GraphDeps> {
  return (ctx, req) => {
    const l = req.segments.map((s) => s.toLowerCase());
    if (!(l.length === 3 && l[0] === "providers" && l[1] === "microsoft.resourcegraph" && l[2] === "resources")) return undefined;
    if (req.method !== "POST") throw ArmErrors.methodNotAllowed(req.method);
    requireApiVersion(req, API_VERSIONS.resourceGraph);
    req.operation = "POST microsoft.resourcegraph/resources";
    const body = jsonBody(req);
    if (!isObject(body) || typeof body["query"] !== "string" || body["query"].trim() === "") {
      throw invalidQuery("The request must have a 'query' string.", req.correlationId);
    }
    const query = body["query"];
    const options = isObject(body["options"]) ? body["options"] : {};
    const filter = authorizationScopeFilterOf(options, req.correlationId);
    let subscriptions: string[];
    let queryScope: QueryScope;
    let limitHit = false;
    if (Array.isArray(body["subscriptions"])) {
      subscriptions = body["subscriptions"].map((s) => String(s).toLowerCase());
      const bad = subscriptions.find((s) => !GUID_RE.test(s));
      if (bad) throw invalidQuery(`'${bad}' is not a subscription id.`, req.correlationId);
      queryScope = { subscriptions };
    } else {
      // Management-group scope (the subscriptions at or below the groups named) or the tenant's, capped as Azure caps them.
      const h = Hierarchy.read(ctx, ctx.tenantId);
      const names = Array.isArray(body["managementGroups"]) ? body["managementGroups"].map(String) : undefined;
      const missing = names?.find((n) => !h.group(n));
      if (missing) throw invalidQuery(`Management group '${missing}' was not found.`, req.correlationId);
      ({ subscriptions, limitHit } = capturedScope(h, names));
      // The tenant's query: the tenant root group's scope.
      queryScope = { managementGroups: names ?? [h.root.name] };
    }
    const authorization = () => new AuthorizationScope(() => Hierarchy.read(ctx, ctx.tenantId), queryScope, subscriptions, filter);
    const hash = createHash("sha256").update(JSON.stringify([query, subscriptions, filter])).digest("base64url").slice(0, 16);
    const token = decodeToken(options["$skipToken"], hash, req.correlationId);
    let snap = token?.snap;
    let result = snapshots.get(snap);
    if (!result) {
      result = evaluate(ctx, query, subscriptions, req.correlationId, onEvaluate, authorization);
      snap = undefined;
    }
    const top = typeof options["$top"] === "number" && options["$top"] > 0 ? Math.min(options["$top"], MAX_PAGE) : MAX_PAGE;
    // A later page of a walk may repeat rows of the page before it, or skip some (settings), as Azure's can.
    const shift = token ? Math.min(ctx.settings.graphMissingRows, result.rows.length) - Math.min(ctx.settings.graphRepeatedRows, top - 1) : 0;
    const offset = token ? Math.max(0, token.offset + shift) : typeof options["$skip"] === "number" ? Math.max(0, options["$skip"]) : 0;
    const rows = result.rows.slice(offset, offset + top);
    const more = offset + rows.length < result.rows.length;
    const pageable = result.columns.includes("id");
    const out: JsonObject = {
      totalRecords: result.rows.length,
      count: rows.length,
      resultTruncated: more && !pageable ? "true" : "false",
      facets: [],
    };
    if (more && pageable) {
      snap ??= snapshots.put(result);
      out["$skipToken"] = Buffer.from(JSON.stringify({ offset: offset + rows.length, hash, snap } satisfies SkipToken)).toString("base64url");
    } else if (snap) {
      snapshots.forget(snap);
    }
    const columns = result.columns;
    if (options["resultFormat"] === "table") {
      out["data"] = {
        columns: columns.map((c) => ({ name: c, type: columnType(rows.map((r: Row) => r[c] ?? null)) })),
        rows: rows.map((r: Row) => columns.map((c) => r[c] ?? null)),
      };
    } else {
      out["data"] = rows.map((r: Row) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
    }
    return { status: 200, body: out, ...(limitHit ? { headers: { [SUBSCRIPTION_LIMIT_HIT_HEADER]: "true" } } : {}) };
  };
}
