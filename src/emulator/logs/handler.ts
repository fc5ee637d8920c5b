/**
 * The Log Analytics query API as `@azure/monitor-query-logs` calls it: `POST
 * {endpoint}/workspaces/{id}/query` (the client appends no `/v1` when an endpoint is given, so
 * both `/v1/...` and `/...` are served) with `workspaces` for additionalWorkspaces, and `$batch`.
 * Tables: Heartbeat. Answers in the `tables` format.
 */
import type { ArmContext } from "../arm/types";
import { ArmError, ArmErrors } from "../http/errors";
import { jsonBody, type EmuRequest, type EmuResponse } from "../http/types";
import { KqlError } from "../kql/lexer";
import { parseQuery } from "../kql/parser";
import { runQuery, type Row, type Table } from "../kql/eval";
import { QueryBudgetExceeded, withinBudget } from "../kql/budget";
import { isObject, type Json, type JsonObject } from "../util/json";
import { findWorkspace, workspaceCustomerId } from "../model/workspaces";
import { narrowingOf } from "../graph/narrow";
import { HEARTBEAT_COLUMNS, heartbeatRows, type HeartbeatAnswer } from "./heartbeat";

/** Told what each Heartbeat answer was built from (the admin counters' work). */
export type OnHeartbeatAnswer = (answer: HeartbeatAnswer) => void;

export function isLogsPath(segments: readonly string[]): boolean {
  const l = segments.map((s) => s.toLowerCase());
  const s = l[0] === "v1" ? l.slice(1) : l;
  return (s[0] === "workspaces" && s.length === 3 && s[2] === "query") || (s.length === 1 && s[0] === "$batch");
}

const badQuery = ArmErrors.logsBadArgument;

/** ISO-8601 duration (PT1H, P1D, P1DT2H, PT30M) in ms. */
function durationMs(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === "P" || text.trim().toUpperCase() === "PT") return undefined;
  return (Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
}

/** The query's time window from `timespan` (duration, start/end or start/duration); everything when absent. */
function window(timespan: unknown, now: number, correlationId: string): { from: number; to: number } {
  if (typeof timespan !== "string" || timespan === "") return { from: -Infinity, to: Infinity };
  const parts = timespan.split("/");
  if (parts.length === 1) {
    const d = durationMs(parts[0]!);
    if (d === undefined) throw badQuery(`timespan '${timespan}' is not an ISO 8601 duration or interval.`, correlationId);
    return { from: now - d, to: now };
  }
  const start = Date.parse(parts[0]!);
  const endDate = Date.parse(parts[1]!);
  const d = durationMs(parts[1]!);
  if (Number.isNaN(start) || (Number.isNaN(endDate) && d === undefined)) throw badQuery(`timespan '${timespan}' is not an ISO 8601 interval.`, correlationId);
  return { from: start, to: Number.isNaN(endDate) ? start + d! : endDate };
}

function columnType(name: string, values: readonly Json[]): string {
  const known = HEARTBEAT_COLUMNS.find(([n]) => n === name);
  if (known) return known[1];
  const v = values.find((x) => x !== null);
  if (v === undefined || v === null) return "string";
  if (typeof v === "number") return Number.isInteger(v) ? "long" : "real";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) ? "datetime" : "string";
  return "dynamic";
}

function toTables(t: Table): JsonObject {
  return {
    tables: [
      {
        name: "PrimaryResult",
        columns: t.columns.map((c) => ({ name: c, type: columnType(c, t.rows.map((r: Row) => r[c] ?? null)) })),
        rows: t.rows.map((r: Row) => t.columns.map((c) => r[c] ?? null)),
      },
    ],
  };
}

/**
 * Workspaces one query may name (the path's and `workspaces`): the query API's documented limit
 * for its cross-resource parameter (reference defender-today.md §6: 10; `workspace()` inside the
 * query allows 100, but that is another mechanism).
 */
export const MAX_QUERY_WORKSPACES = 10;

function runOne(ctx: ArmContext, workspace: string, body: JsonObject, correlationId: string, onAnswer?: OnHeartbeatAnswer): JsonObject {
  const refs = [workspace, ...(Array.isArray(body["workspaces"]) ? body["workspaces"].map(String) : [])];
  if (refs.length > MAX_QUERY_WORKSPACES) {
    throw badQuery(`A query can name at most ${MAX_QUERY_WORKSPACES} workspaces (the workspace in the path and 'workspaces'); this one names ${refs.length}.`, correlationId);
  }
  const ids = new Set<string>();
  for (const ref of refs) {
    const ws = findWorkspace(ctx, ref);
    if (!ws) {
      throw ArmErrors.logsWorkspaceNotFound(ref, correlationId);
    }
    ids.add(workspaceCustomerId(ws).toLowerCase());
  }
  if (typeof body["query"] !== "string" || body["query"].trim() === "") throw badQuery("'query' is required.", correlationId);
  const span = window(body["timespan"], ctx.clock.now(), correlationId);
  try {
    const parsed = parseQuery(body["query"]);
    if (parsed.table !== "Heartbeat") throw new KqlError(`Table '${parsed.table}' is not available in the emulator; supported tables: Heartbeat.`);
    // Built for the machines of these workspaces, and of those only that `_ResourceId` filters allow.
    const answer = heartbeatRows(ctx, ids, span, narrowingOf(parsed, "_ResourceId"));
    onAnswer?.(answer);
    const table = { columns: HEARTBEAT_COLUMNS.map(([n]) => n), rows: answer.rows };
    const now = ctx.clock.now();
    return toTables(withinBudget(ctx.settings.queryBudgetMs, () => runQuery(parsed, () => table, { now })));
  } catch (err) {
    if (err instanceof KqlError) throw badQuery(err.message, correlationId);
    if (err instanceof QueryBudgetExceeded) throw ArmErrors.logsQueryBudgetExceeded(err.message, correlationId);
    throw err;
  }
}

export function handleLogs(ctx: ArmContext, req: EmuRequest, onAnswer?: OnHeartbeatAnswer): EmuResponse {
  const l = req.segments.map((s) => s.toLowerCase());
  const s = l[0] === "v1" ? req.segments.slice(1) : req.segments;
  if (s.length === 1) {
    if (req.method !== "POST") throw ArmErrors.methodNotAllowed(req.method, "Use POST for $batch.");
    req.operation = "POST logs/$batch";
    const body = jsonBody(req);
    const requests = isObject(body) && Array.isArray(body["requests"]) ? body["requests"] : null;
    if (!requests) throw badQuery("'requests' is required.", req.correlationId);
    const responses = requests.map((r): JsonObject => {
      const item = isObject(r) ? r : {};
      const id = String(item["id"] ?? "");
      try {
        const inner = isObject(item["body"]) ? item["body"] : {};
        return { id, status: 200, body: runOne(ctx, String(item["workspace"] ?? ""), inner, req.correlationId, onAnswer) };
      } catch (err) {
        if (err instanceof ArmError) return { id, status: err.status, body: err.body() };
        throw err;
      }
    });
    return { status: 200, body: { responses } };
  }
  req.operation = `${req.method} logs/query`;
  let body: JsonObject;
  if (req.method === "GET") {
    body = { query: req.query.get("query") ?? "", timespan: req.query.get("timespan") ?? undefined };
  } else if (req.method === "POST") {
    const parsed = jsonBody(req);
    if (!isObject(parsed)) throw badQuery("The body must be a JSON object.", req.correlationId);
    body = parsed;
  } else {
    throw ArmErrors.methodNotAllowed(req.method);
  }
  return { status: 200, body: runOne(ctx, s[1]!, body, req.correlationId, onAnswer) };
}
