/**
 * Long-running operations as Azure runs them: the PUT/DELETE answers 201/202 with an
 * `Azure-AsyncOperation` URL; the operation is InProgress until its due time, then settles (the
 * resource's provisioningState becomes Succeeded/Failed, or the resource goes away). Operations
 * are rows in the database, so an emulator restart finishes what was in flight.
 */
import type { Db } from "../store/db";
import type { ArmContext, LroApi } from "./types";
import { newGuid } from "../util/random";
import { isObject, type JsonObject } from "../util/json";
import { ArmError, ArmErrors } from "../http/errors";

export interface OperationRow {
  id: string;
  resourcel: string;
  action: string;
  status: string;
  started: string;
  due: number;
  ended: string | null;
  payload: string | null;
  error: string | null;
}

/** Custom settlement for actions other than put/delete (VM power actions). */
export type SettleHandler = (ctx: ArmContext, op: OperationRow, payload: JsonObject) => void;

export class LroManager implements LroApi {
  private readonly handlers = new Map<string, SettleHandler>();
  private readonly insertStmt;
  private readonly pendingStmt;
  private readonly dueStmt;
  private readonly getStmt;
  private readonly finishStmt;
  private readonly nextDueStmt;

  constructor(
    db: Db,
    private readonly ctx: () => ArmContext,
  ) {
    this.insertStmt = db.prepare(
      "INSERT INTO operations(id, resourcel, action, status, started, due, payload, error) VALUES (?, ?, ?, 'InProgress', ?, ?, ?, ?)",
    );
    this.pendingStmt = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM operations WHERE resourcel = ? AND status = 'InProgress'");
    this.dueStmt = db.prepare<[number], OperationRow>("SELECT * FROM operations WHERE status = 'InProgress' AND due <= ? ORDER BY due, rowid");
    this.getStmt = db.prepare<[string], OperationRow>("SELECT * FROM operations WHERE id = ?");
    this.finishStmt = db.prepare("UPDATE operations SET status = ?, ended = ?, error = ? WHERE id = ?");
    this.nextDueStmt = db.prepare<[], { d: number | null }>("SELECT MIN(due) AS d FROM operations WHERE status = 'InProgress'");
  }

  on(action: string, handler: SettleHandler): void {
    this.handlers.set(action, handler);
  }

  begin(op: Parameters<LroApi["begin"]>[0]): Record<string, string> {
    const c = this.ctx();
    const id = newGuid();
    // The final outcome travels in the payload; `error` is only set once the operation failed.
    const payload: JsonObject = { ...(op.payload ?? {}), final: op.final, finalError: op.error ? { ...op.error } : null };
    this.insertStmt.run(id, op.resourceId.toLowerCase(), op.action, c.clock.iso(), c.clock.now() + c.settings.lroDelayMs, JSON.stringify(payload), null);
    const sub = /^\/subscriptions\/([^/]+)/i.exec(op.resourceId)?.[1] ?? "00000000-0000-0000-0000-000000000000";
    const base = `${c.baseUrl()}/subscriptions/${sub}/providers/${op.namespace}/locations/${op.location || "global"}`;
    const headers: Record<string, string> = {
      "Azure-AsyncOperation": `${base}/operations/${id}?api-version=${op.apiVersion}`,
    };
    if (op.action !== "put") headers["Location"] = `${base}/operationResults/${id}?api-version=${op.apiVersion}`;
    return headers;
  }

  pending(resourceId: string): boolean {
    return (this.pendingStmt.get(resourceId.toLowerCase())?.n ?? 0) > 0;
  }

  /** Settles every operation whose time has come; returns how many. */
  settleDue(): number {
    const c = this.ctx();
    const due = this.dueStmt.all(c.clock.now());
    for (const op of due) c.tx(() => this.settle(c, op));
    return due.length;
  }

  /** Milliseconds until the next operation is due, or null when none is running. */
  nextDueIn(): number | null {
    const d = this.nextDueStmt.get()?.d;
    return d == null ? null : Math.max(0, d - this.ctx().clock.now());
  }

  private settle(c: ArmContext, op: OperationRow): void {
    const payload = op.payload ? (JSON.parse(op.payload) as JsonObject) : {};
    let status = payload["final"] === "Failed" ? "Failed" : "Succeeded";
    let error: JsonObject | null = isObject(payload["finalError"]) ? payload["finalError"] : null;
    try {
      const stored = c.store.get(op.resourcel);
      if (op.action === "put") {
        if (stored) {
          const doc = { ...stored.doc };
          const props = isObject(doc["properties"]) ? { ...doc["properties"] } : {};
          props["provisioningState"] = status;
          doc["properties"] = props;
          c.store.put({ ...stored, doc });
        }
      } else if (op.action === "delete") {
        if (stored) c.deleteTree(stored);
      } else {
        const handler = this.handlers.get(op.action);
        if (!handler) throw new Error(`no handler for operation '${op.action}'`);
        handler(c, op, payload);
      }
    } catch (err) {
      status = "Failed";
      error = { ...(err instanceof ArmError ? err.asOperationError() : ArmErrors.internalOperationError(String(err))) };
    }
    this.finishStmt.run(status, c.clock.iso(), error ? JSON.stringify(error) : null, op.id);
  }

  /** Body of `GET .../operations/{id}` (Azure-AsyncOperation polling). */
  status(id: string): OperationRow | undefined {
    return this.getStmt.get(id);
  }
}

export function operationBody(op: OperationRow): JsonObject {
  const body: JsonObject = { name: op.id, status: op.status, startTime: op.started };
  if (op.ended) body["endTime"] = op.ended;
  if (op.error) body["error"] = JSON.parse(op.error) as JsonObject;
  return body;
}
