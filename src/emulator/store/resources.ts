/**
 * Resources as ARM documents (what GET returns), one row each, keyed by lower-case id. Secrets
 * (protectedSettings, shared keys) live in their own column and are never part of a response.
 */
import { PRINCIPAL_ROWS, type Db } from "./db";
import { parseId } from "../util/armId";
import type { JsonObject } from "../util/json";
import { diffDocuments, type ChangeActor, type ChangeLog } from "./changeLog";
import { GraphLag } from "./graphLag";
import { WriteObservers } from "./writeObservers";

/** Where the store records resource changes, for which types, on which clock and for whom. */
export interface ChangeRecording {
  readonly log: ChangeLog;
  /** Lower-case types whose changes are recorded (Resource Graph's `resources` table). */
  readonly types: ReadonlySet<string>;
  readonly now: () => number;
  /** The request being served (null outside one: background work, remediation deployments). */
  readonly actor: () => ChangeActor;
}

export interface StoredResource {
  /** Id as first created (ARM keeps the casing of the create request). */
  readonly id: string;
  /** Canonical type, e.g. `Microsoft.Compute/virtualMachines/extensions`. */
  readonly type: string;
  readonly doc: JsonObject;
  readonly secret: JsonObject | null;
}

interface Row {
  id: string;
  type: string;
  doc: string;
  secret: string | null;
}

export interface ListFilter {
  readonly subscriptionId?: string | null;
  readonly resourceGroup?: string | null;
  readonly parentId?: string | null;
  /** Only ids that sort after this one (keyset paging). */
  readonly afterId?: string;
  readonly limit?: number;
}

export class ResourceStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly deleteTreeStmt;
  private readonly treeStmt;
  private readonly childrenStmt;
  private readonly rangeStmt;
  private readonly pageStmt;
  private readonly pageAfterStmt;
  private seq: number;
  private readonly docStmt;
  private readonly principalStmt;
  /** Off while a fleet is generated: a new fleet is history, not changes. */
  recordChanges = true;
  /** Told each id put, and each id whose tree is deleted. */
  readonly writes = new WriteObservers();

  constructor(
    private readonly db: Db,
    private readonly changes?: ChangeRecording,
    /** What Resource Graph does not see yet (off unless the emulator is given a lag). */
    readonly graphLag: GraphLag<StoredResource> = new GraphLag<StoredResource>(() => 0, Date.now),
  ) {
    this.docStmt = db.prepare<[string], { doc: string }>("SELECT doc FROM resources WHERE idl = ?");
    this.getStmt = db.prepare<[string], Row>("SELECT id, type, doc, secret FROM resources WHERE idl = ?");
    this.upsertStmt = db.prepare(
      `INSERT INTO resources(idl, id, type, sub, rgl, parentl, doc, secret, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(idl) DO UPDATE SET doc = excluded.doc, secret = excluded.secret`,
    );
    // '/' is 0x2F and '0' 0x30: [prefix + '/', prefix + '0') is exactly the subtree, on the primary key.
    this.deleteTreeStmt = db.prepare("DELETE FROM resources WHERE idl = ? OR (idl >= ? AND idl < ?)");
    this.treeStmt = db.prepare<[string, string, string], Row>(
      "SELECT id, type, doc, secret FROM resources WHERE idl = ? OR (idl >= ? AND idl < ?) ORDER BY idl DESC",
    );
    this.childrenStmt = db.prepare<[string], Row>("SELECT id, type, doc, secret FROM resources WHERE parentl = ? ORDER BY idl");
    this.rangeStmt = db.prepare<[string, string], Row & { idl: string }>("SELECT idl, id, type, doc, secret FROM resources WHERE idl >= ? AND idl < ? ORDER BY idl");
    // Resources without a subscription (sub NULL) sort first and are only on the first page's path:
    // the types paged (machines, clusters) always have one.
    this.pageStmt = db.prepare<[string, number], Row>("SELECT id, type, doc, secret FROM resources WHERE type = ? ORDER BY sub, idl LIMIT ?");
    this.pageAfterStmt = db.prepare<[string, string, string, number], Row>(
      "SELECT id, type, doc, secret FROM resources WHERE type = ? AND (sub, idl) > (?, ?) ORDER BY sub, idl LIMIT ?",
    );
    this.principalStmt = db.prepare<[string], unknown>(`SELECT 1 FROM resources WHERE lower(json_extract(doc, '$.identity.principalId')) = ? AND ${PRINCIPAL_ROWS} LIMIT 1`);
    const max = db.prepare<[], { m: number | null }>("SELECT MAX(seq) AS m FROM resources").get();
    this.seq = max?.m ?? 0;
  }

  get(id: string): StoredResource | undefined {
    const row = this.getStmt.get(id.toLowerCase().replace(/\/+$/, ""));
    return row ? toStored(row) : undefined;
  }

  put(resource: StoredResource): void {
    const parts = parseId(resource.id);
    const doc = JSON.stringify(resource.doc);
    if (this.graphLag.enabled && this.recordChanges) {
      const before = this.get(resource.id);
      if (!before || JSON.stringify(before.doc) !== doc) this.graphLag.noteWrite(resource.id, before);
    }
    this.noteChange(resource, parts.subscriptionId, doc);
    this.upsertStmt.run(
      resource.id.toLowerCase(),
      resource.id,
      resource.type.toLowerCase(),
      parts.subscriptionId,
      parts.resourceGroup?.toLowerCase() ?? null,
      parts.parentId?.toLowerCase() ?? null,
      doc,
      resource.secret ? JSON.stringify(resource.secret) : null,
      ++this.seq,
    );
    this.writes.notify(resource.id, "put");
  }

  /** Records a create or an update (the document changed) of a tracked type. */
  private noteChange(resource: StoredResource, subscriptionId: string | null, doc: string): void {
    const c = this.changes;
    if (!c || !this.recordChanges || !c.types.has(resource.type.toLowerCase())) return;
    const before = this.docStmt.get(resource.id.toLowerCase())?.doc;
    if (before === doc) return;
    const changes = before === undefined ? {} : diffDocuments(JSON.parse(before) as JsonObject, resource.doc);
    c.log.record({ at: c.now(), id: resource.id, type: resource.type, changeType: before === undefined ? "Create" : "Update", changes, ...c.actor() }, subscriptionId);
  }

  /** Deletes a resource and everything nested under its id. */
  deleteTree(id: string): void {
    const l = id.toLowerCase();
    const c = this.changes;
    if (this.recordChanges && (c || this.graphLag.enabled)) {
      for (const r of this.tree(id)) {
        this.graphLag.noteWrite(r.id, r);
        if (c?.types.has(r.type.toLowerCase())) c.log.record({ at: c.now(), id: r.id, type: r.type, changeType: "Delete", changes: {}, ...c.actor() }, parseId(r.id).subscriptionId);
      }
    }
    this.deleteTreeStmt.run(l, l + "/", l + "0");
    this.writes.notify(id, "delete");
  }

  /** The resource and everything under it, deepest first (the order a cascade deletes them). */
  tree(id: string): StoredResource[] {
    const l = id.toLowerCase();
    return this.treeStmt.all(l, l + "/", l + "0").map(toStored);
  }

  children(parentId: string): StoredResource[] {
    return this.childrenStmt.all(parentId.toLowerCase()).map(toStored);
  }

  list(type: string, filter: ListFilter = {}): StoredResource[] {
    const where: string[] = ["type = ?"];
    const args: (string | number)[] = [type.toLowerCase()];
    if (filter.subscriptionId !== undefined) {
      where.push(filter.subscriptionId === null ? "sub IS NULL" : "sub = ?");
      if (filter.subscriptionId !== null) args.push(filter.subscriptionId.toLowerCase());
    }
    if (filter.resourceGroup) {
      where.push("rgl = ?");
      args.push(filter.resourceGroup.toLowerCase());
    }
    if (filter.parentId) {
      where.push("parentl = ?");
      args.push(filter.parentId.toLowerCase());
    }
    if (filter.afterId) {
      where.push("idl > ?");
      args.push(filter.afterId.toLowerCase());
    }
    const limit = filter.limit ? ` LIMIT ${Math.floor(filter.limit)}` : "";
    const sql = `SELECT id, type, doc, secret FROM resources WHERE ${where.join(" AND ")} ORDER BY idl${limit}`;
    return this.db.prepare<(string | number)[], Row>(sql).all(...args).map(toStored);
  }

  /** Every resource in a subscription (or one of its groups), nested ones included, groups themselves excluded. */
  inGroups(subscriptionId: string, resourceGroup?: string): StoredResource[] {
    const args: string[] = [subscriptionId.toLowerCase()];
    let sql = "SELECT id, type, doc, secret FROM resources WHERE sub = ? AND rgl IS NOT NULL AND type <> 'microsoft.resources/resourcegroups'";
    if (resourceGroup) {
      sql += " AND rgl = ?";
      args.push(resourceGroup.toLowerCase());
    }
    return this.db.prepare<string[], Row>(sql + " ORDER BY idl").all(...args).map(toStored);
  }

  /**
   * The resources with these ids (any casing) among the given types and subscriptions, in id
   * order: one primary-key lookup per id, whatever the store holds.
   */
  getMany(ids: Iterable<string>, types: readonly string[], subscriptionIds?: readonly string[]): StoredResource[] {
    const typeSet = new Set(types.map((t) => t.toLowerCase()));
    const subSet = subscriptionIds ? new Set(subscriptionIds.map((x) => x.toLowerCase())) : undefined;
    const rows: (Row & { idl: string })[] = [];
    for (const id of new Set([...ids].map((x) => x.toLowerCase()))) {
      const row = this.getStmt.get(id);
      if (!row || !typeSet.has(row.type)) continue;
      if (subSet && !subSet.has(parseId(row.id).subscriptionId?.toLowerCase() ?? "")) continue;
      rows.push({ ...row, idl: id });
    }
    return rows.sort((a, b) => (a.idl < b.idl ? -1 : a.idl > b.idl ? 1 : 0)).map(toStored);
  }

  /**
   * The resources whose ids start with one of these prefixes (any casing), among the given types
   * and subscriptions, in id order: one range of the primary key per prefix, whatever the store holds.
   */
  getByPrefixes(prefixes: Iterable<string>, types: readonly string[], subscriptionIds?: readonly string[]): StoredResource[] {
    const typeSet = new Set(types.map((t) => t.toLowerCase()));
    const subSet = subscriptionIds ? new Set(subscriptionIds.map((x) => x.toLowerCase())) : undefined;
    const rows = new Map<string, Row>();
    for (const prefix of new Set([...prefixes].map((x) => x.toLowerCase()))) {
      if (!prefix) throw new Error("getByPrefixes: an empty prefix is the whole table");
      for (const row of this.rangeStmt.all(prefix, prefixEnd(prefix))) {
        if (!typeSet.has(row.type)) continue;
        if (subSet && !subSet.has(parseId(row.id).subscriptionId?.toLowerCase() ?? "")) continue;
        rows.set(row.idl, row);
      }
    }
    return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => toStored(row));
  }

  /**
   * Up to `limit` resources of a type in (subscription, id) order, after `after` (the last one of
   * the previous page): the (type, sub, idl) index walked from where the page before stopped, so
   * paging through a type costs the rows read, with no sort of the rest.
   */
  listPage(type: string, limit: number, after?: StoredResource): StoredResource[] {
    const n = Math.max(1, Math.floor(limit));
    if (!after) return this.pageStmt.all(type.toLowerCase(), n).map(toStored);
    const sub = parseId(after.id).subscriptionId ?? "";
    return this.pageAfterStmt.all(type.toLowerCase(), sub, after.id.toLowerCase(), n).map(toStored);
  }

  /** Whether a managed identity of the directory's (PRINCIPAL_TYPES) has this principal id (any casing): one lookup in the principal index. */
  hasPrincipal(principalId: string): boolean {
    return this.principalStmt.get(principalId.toLowerCase()) !== undefined;
  }

  /** How many resources of the given types a subscription holds: from the (type, sub) index, no document read. */
  count(types: readonly string[], subscriptionId: string): number {
    if (types.length === 0) return 0;
    const sql = `SELECT COUNT(*) AS n FROM resources WHERE type IN (${types.map(() => "?").join(",")}) AND sub = ?`;
    return this.db.prepare<string[], { n: number }>(sql).get(...types.map((t) => t.toLowerCase()), subscriptionId.toLowerCase())!.n;
  }

  /** Every resource of the given types (lower-case), optionally within subscriptions: Resource Graph's input. */
  listTypes(types: readonly string[], subscriptionIds?: readonly string[]): StoredResource[] {
    if (types.length === 0) return [];
    const args: string[] = types.map((t) => t.toLowerCase());
    let sql = `SELECT id, type, doc, secret FROM resources WHERE type IN (${types.map(() => "?").join(",")})`;
    if (subscriptionIds) {
      if (subscriptionIds.length === 0) return [];
      sql += ` AND sub IN (${subscriptionIds.map(() => "?").join(",")})`;
      args.push(...subscriptionIds.map((s) => s.toLowerCase()));
    }
    return this.db.prepare<string[], Row>(sql + " ORDER BY idl").all(...args).map(toStored);
  }
}

/** The first string after every string that starts with `prefix` (its last UTF-16 unit raised by one): the end of its key range. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function toStored(row: Row): StoredResource {
  const doc = JSON.parse(row.doc) as JsonObject;
  return {
    id: row.id,
    type: typeof doc["type"] === "string" ? doc["type"] : row.type,
    doc,
    secret: row.secret ? (JSON.parse(row.secret) as JsonObject) : null,
  };
}
