/**
 * The embedded database. WAL with synchronous=FULL: every acknowledged write is fsynced before
 * the response leaves, so it survives kill -9 and also power loss, as a write acknowledged by
 * Azure does. NORMAL would survive a process crash only (the WAL is written but not synced) and
 * is ~8x faster per commit here (0.05 ms vs 0.4 ms); 0.4 ms is far below a request's cost, so we
 * keep the stronger guarantee.
 */
import Database from "better-sqlite3";
import { PRINCIPAL_TYPES } from "../model/resourceTypes";

export type Db = Database.Database;

/**
 * The rows whose managed identity is a principal of the directory, as SQL: the principal index
 * holds only those (its expression read from their documents alone, not from every row a fleet
 * writes), and a query uses it only with this very condition.
 */
export const PRINCIPAL_ROWS = `type IN (${PRINCIPAL_TYPES.map((t) => `'${t.toLowerCase()}'`).join(", ")})`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resources (
  idl TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  sub TEXT,
  rgl TEXT,
  parentl TEXT,
  doc TEXT NOT NULL,
  secret TEXT,
  seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_type_sub ON resources(type, sub, idl);
CREATE INDEX IF NOT EXISTS resources_parent ON resources(parentl, type);
CREATE INDEX IF NOT EXISTS resources_principal ON resources(lower(json_extract(doc, '$.identity.principalId'))) WHERE ${PRINCIPAL_ROWS};
CREATE TABLE IF NOT EXISTS guest (machinel TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS operations (
  id TEXT PRIMARY KEY,
  resourcel TEXT NOT NULL,
  action TEXT NOT NULL,
  status TEXT NOT NULL,
  started TEXT NOT NULL,
  due INTEGER NOT NULL,
  ended TEXT,
  payload TEXT,
  error TEXT
);
CREATE INDEX IF NOT EXISTS operations_pending ON operations(status, due);
CREATE TABLE IF NOT EXISTS extension_puts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  machine TEXT NOT NULL,
  name TEXT NOT NULL,
  publisher TEXT NOT NULL,
  type TEXT NOT NULL,
  version TEXT,
  workspace TEXT,
  source TEXT NOT NULL,
  request_id TEXT
);
CREATE TABLE IF NOT EXISTS heartbeat_history (
  machinel TEXT NOT NULL,
  workspace TEXT NOT NULL,
  category TEXT NOT NULL,
  version TEXT NOT NULL,
  channel TEXT NOT NULL,
  mg TEXT NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (machinel, workspace, category)
);
CREATE TABLE IF NOT EXISTS remediation_deployments (
  remediationl TEXT NOT NULL,
  ord INTEGER NOT NULL,
  resource TEXT NOT NULL,
  location TEXT,
  status TEXT NOT NULL,
  deployment_id TEXT,
  error TEXT,
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  PRIMARY KEY (remediationl, ord)
);
`;

export function openDb(path: string): Db {
  const db = openNative(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}

/**
 * The native module loads here: built for another Node (npm's `nodedir` naming another Node's
 * headers), it fails with NODE_MODULE_VERSION, which says nothing about the fix: this says it.
 */
export function openNative(path: string, options?: Database.Options): Db {
  try {
    return new Database(path, options);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!/NODE_MODULE_VERSION/.test(message)) throw err;
    const built = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(message)?.[1];
    throw new Error(
      `better-sqlite3 (the emulator's database) was built for another Node${built ? ` (NODE_MODULE_VERSION ${built})` : ""} than this one (${process.version}, NODE_MODULE_VERSION ${process.versions.modules}): ` +
        `rebuild it with this Node: npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm rebuild better-sqlite3 (README, "Set up and run")`,
      { cause: err },
    );
  }
}

export class Meta {
  private readonly getStmt;
  private readonly setStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
    this.setStmt = db.prepare("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  }
  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }
  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }
}
