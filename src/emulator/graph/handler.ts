/**
 * `POST /providers/Microsoft.ResourceGraph/resources`: the documented KQL subset over the
 * store's tables, at most 1,000 rows a page with `$skipToken` (queries must keep `id` for it),
 * `totalRecords`, `count` and `resultTruncated` as Resource Graph answers them.
 */
import { createHash } from "node:crypto";
import type { SpecialRoute } from "../arm/types";
import { API_VERSIONS, requireApiVersion } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { jsonBody } from "../http/types";
import { KqlError } from "../kql/lexer";
import { parseQuery } from "../kql/parser";
import { runQuery, type Row } from "../kql/eval";
import { QueryBudgetExceeded, withinBudget } from "../kql/budget";
import { isObject, type Json, type JsonObject } from "../util/json";
import { GUID_RE } from "../util/random";
import { GRAPH_TABLES, graphTable } from "./tables";
import { SUBSCRIPTION_TYPE } from "../model/resourceTypes";

const MAX_PAGE = 1000;

const invalidQuery = ArmErrors.graphInvalidQuery;

interface SkipToken {
  readonly offset: number;
  readonly hash: string;
}

function columnType(values: readonly Json[]): string {
  const v = values.find((x) => x !== null && x !== undefined);
  if (v === undefined || v === null) return "string";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "string") return "string";
  return "object";
}

export const resourceGraphRoute: SpecialRoute = (ctx, req) => {
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
  let subscriptions: string[] | undefined;
  if (Array.isArray(body["subscriptions"])) {
    subscriptions = body["subscriptions"].map((s) => String(s).toLowerCase());
    const bad = subscriptions.find((s) => !GUID_RE.test(s));
    if (bad) throw invalidQuery(`'${bad}' is not a subscription id.`, req.correlationId);
  } else {
    subscriptions = ctx.store.list(SUBSCRIPTION_TYPE, {}).map((s) => String(s.doc["subscriptionId"]));
  }
  let result;
  try {
    const parsed = parseQuery(query);
    const table = graphTable(ctx, parsed.table, subscriptions);
    if (!table) throw new KqlError(`Table '${parsed.table}' is not supported by the emulator; supported tables are ${Object.keys(GRAPH_TABLES).join(", ")}.`);
    const now = ctx.clock.now();
    result = withinBudget(ctx.settings.queryBudgetMs, () => runQuery(parsed, () => table, { now }));
  } catch (err) {
    if (err instanceof KqlError) throw invalidQuery(err.message, req.correlationId);
    if (err instanceof QueryBudgetExceeded) throw ArmErrors.graphQueryBudgetExceeded(err.message, req.correlationId);
    throw err;
  }
  const hash = createHash("sha256").update(JSON.stringify([query, subscriptions])).digest("base64url").slice(0, 16);
  let offset = typeof options["$skip"] === "number" ? Math.max(0, options["$skip"]) : 0;
  if (typeof options["$skipToken"] === "string" && options["$skipToken"] !== "") {
    let token: SkipToken;
    try {
      token = JSON.parse(Buffer.from(options["$skipToken"], "base64url").toString("utf8")) as SkipToken;
    } catch {
      throw invalidQuery("The $skipToken is invalid.", req.correlationId);
    }
    if (token.hash !== hash) throw invalidQuery("The $skipToken does not belong to this query and scope; send the same query and subscriptions with it.", req.correlationId);
    offset = token.offset;
  }
  const top = typeof options["$top"] === "number" && options["$top"] > 0 ? Math.min(options["$top"], MAX_PAGE) : MAX_PAGE;
  const rows = result.rows.slice(offset, offset + top);
  const more = offset + rows.length < result.rows.length;
  const pageable = result.columns.includes("id");
  const out: JsonObject = {
    totalRecords: result.rows.length,
    count: rows.length,
    resultTruncated: more && !pageable ? "true" : "false",
    facets: [],
  };
  if (more && pageable) out["$skipToken"] = Buffer.from(JSON.stringify({ offset: offset + rows.length, hash } satisfies SkipToken)).toString("base64url");
  if (options["resultFormat"] === "table") {
    out["data"] = {
      columns: result.columns.map((c) => ({ name: c, type: columnType(rows.map((r: Row) => r[c] ?? null)) })),
      rows: rows.map((r: Row) => result.columns.map((c) => r[c] ?? null)),
    };
  } else {
    out["data"] = rows.map((r: Row) => Object.fromEntries(result.columns.map((c) => [c, r[c] ?? null])));
  }
  return { status: 200, body: out };
};
