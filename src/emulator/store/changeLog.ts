/**
 * Resource changes, as Resource Graph's `resourcechanges` table reports them: one record per
 * create, update (the document changed) and delete of a tracked resource, with when (the
 * emulator's clock), what changed (leaf paths, previous and new values) and who (the request's
 * principal and correlation id). Azure keeps 14 days of changes; so does the emulator's table.
 */
import type { Db } from "./db";
import type { Json, JsonObject } from "../util/json";
import { ChangeIndexLag } from "./changeIndexLag";

export type ChangeType = "Create" | "Update" | "Delete";

export interface ResourceChange {
  readonly seq: number;
  /** Epoch ms on the emulator clock. */
  readonly at: number;
  readonly id: string;
  readonly type: string;
  readonly changeType: ChangeType;
  /** Leaf path → {previousValue, newValue, propertyChangeType} (Update only). */
  readonly changes: JsonObject;
  readonly correlationId: string | null;
  readonly changedBy: string | null;
}

interface Row {
  seq: number;
  at: number;
  id: string;
  type: string;
  change_type: ChangeType;
  changes: string | null;
  correlation_id: string | null;
  changed_by: string | null;
}

/** Who makes the changes of the request being served. */
export interface ChangeActor {
  readonly correlationId: string | null;
  readonly changedBy: string | null;
}

const MAX_CHANGED_PATHS = 50;

/** Leaf-level differences between two documents (paths like `properties.settings.workspaceId`). */
export function diffDocuments(before: Json | undefined, after: Json | undefined, path = "", out: JsonObject = {}): JsonObject {
  if (Object.keys(out).length >= MAX_CHANGED_PATHS) return out;
  const isObj = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
  // An object that appears or goes is reported leaf by leaf, as Azure lists `tags.owner`.
  if ((isObj(before) || before === undefined) && (isObj(after) || after === undefined) && (isObj(before) || isObj(after))) {
    const b = isObj(before) ? before : {};
    const a = isObj(after) ? after : {};
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) diffDocuments(b[k], a[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return out;
  const kind = before === undefined ? "Insert" : after === undefined ? "Remove" : "Update";
  out[path || "(root)"] = { previousValue: before ?? null, newValue: after ?? null, propertyChangeType: kind, changeCategory: "User" };
  return out;
}

export class ChangeLog {
  /** How long after its write each change row shows in `resourcechanges` (late indexing; none by default). */
  readonly indexLag = new ChangeIndexLag();
  private readonly insertStmt;
  private readonly sinceStmt;
  private readonly pruneStmt;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS resource_changes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      id TEXT NOT NULL,
      type TEXT NOT NULL,
      sub TEXT,
      change_type TEXT NOT NULL,
      changes TEXT,
      correlation_id TEXT,
      changed_by TEXT
    );
    CREATE INDEX IF NOT EXISTS resource_changes_at ON resource_changes(at);`);
    this.insertStmt = db.prepare("INSERT INTO resource_changes(at, id, type, sub, change_type, changes, correlation_id, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.sinceStmt = db.prepare<[number], Row>("SELECT seq, at, id, type, change_type, changes, correlation_id, changed_by FROM resource_changes WHERE at >= ? ORDER BY seq");
    this.pruneStmt = db.prepare("DELETE FROM resource_changes WHERE at < ?");
  }

  record(c: Omit<ResourceChange, "seq">, subscriptionId: string | null): void {
    this.insertStmt.run(c.at, c.id, c.type, subscriptionId, c.changeType, Object.keys(c.changes).length ? JSON.stringify(c.changes) : null, c.correlationId, c.changedBy);
  }

  /** Changes at or after `fromMs`, oldest first. */
  since(fromMs: number): ResourceChange[] {
    return this.sinceStmt.all(fromMs).map((r) => ({
      seq: r.seq,
      at: r.at,
      id: r.id,
      type: r.type,
      changeType: r.change_type,
      changes: r.changes ? (JSON.parse(r.changes) as JsonObject) : {},
      correlationId: r.correlation_id,
      changedBy: r.changed_by,
    }));
  }

  /** Drops changes older than `beforeMs` (Azure's retention). */
  prune(beforeMs: number): void {
    this.pruneStmt.run(beforeMs);
  }
}
