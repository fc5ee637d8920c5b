/**
 * Every extension PUT the emulator accepted, persisted so it survives restarts: tests check that
 * no extension was PUT twice for the same machine and target (issue 4 and 9).
 */
import type { Db } from "./db";

export interface ExtensionPut {
  readonly seq: number;
  readonly at: string;
  readonly machineId: string;
  readonly name: string;
  readonly publisher: string;
  readonly type: string;
  readonly version: string | null;
  /** settings.workspaceId (a workspace customerId) when the extension is workspace-keyed. */
  readonly workspaceId: string | null;
  /** `arm` for a client's PUT, `remediation` for a policy remediation deployment, `defender` for what Defender deploys itself. */
  readonly source: "arm" | "remediation" | "defender";
  readonly requestId: string | null;
}

interface Row {
  seq: number;
  at: string;
  machine: string;
  name: string;
  publisher: string;
  type: string;
  version: string | null;
  workspace: string | null;
  source: string;
  request_id: string | null;
}

export class ExtensionLog {
  private readonly insertStmt;
  private readonly sinceStmt;
  private readonly clearStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      "INSERT INTO extension_puts(at, machine, name, publisher, type, version, workspace, source, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.sinceStmt = db.prepare<[number], Row>("SELECT * FROM extension_puts WHERE seq > ? ORDER BY seq");
    this.clearStmt = db.prepare("DELETE FROM extension_puts");
  }

  record(entry: Omit<ExtensionPut, "seq">): void {
    this.insertStmt.run(entry.at, entry.machineId, entry.name, entry.publisher, entry.type, entry.version, entry.workspaceId, entry.source, entry.requestId);
  }

  since(seq = 0): ExtensionPut[] {
    return this.sinceStmt.all(seq).map((r) => ({
      seq: r.seq,
      at: r.at,
      machineId: r.machine,
      name: r.name,
      publisher: r.publisher,
      type: r.type,
      version: r.version,
      workspaceId: r.workspace,
      source: r.source === "remediation" || r.source === "defender" ? r.source : "arm",
      requestId: r.request_id,
    }));
  }

  clear(): void {
    this.clearStmt.run();
  }
}
