/**
 * Heartbeats of agent connections that ended (an extension removed, an association or a rule
 * destination gone). The Heartbeat table keeps rows after an agent stops sending, so a machine's
 * last heartbeat into a workspace stays queryable, with its old TimeGenerated, until the query
 * window moves past it. One row per (machine, workspace, category): the latest one.
 */
import type { Db } from "./db";
import { WriteObservers } from "./writeObservers";

export interface EndedConnection {
  readonly workspace: string;
  readonly category: string;
  readonly version: string;
  readonly channel: string;
  readonly managementGroup: string;
  /** Epoch ms of the connection's last heartbeat. */
  readonly last: number;
}

interface Row {
  machinel: string;
  workspace: string;
  category: string;
  version: string;
  channel: string;
  mg: string;
  last: number;
}

export class HeartbeatHistory {
  private readonly putStmt;
  private readonly allStmt;
  private readonly ofStmt;
  private readonly deleteStmt;
  /** Told each machine whose kept heartbeats are recorded or deleted. */
  readonly writes = new WriteObservers();

  constructor(db: Db) {
    this.putStmt = db.prepare(
      `INSERT INTO heartbeat_history(machinel, workspace, category, version, channel, mg, last) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(machinel, workspace, category) DO UPDATE SET version = excluded.version, channel = excluded.channel, mg = excluded.mg, last = excluded.last
       WHERE excluded.last >= heartbeat_history.last`,
    );
    this.allStmt = db.prepare<[], Row>("SELECT * FROM heartbeat_history");
    this.ofStmt = db.prepare<[string], Row>("SELECT * FROM heartbeat_history WHERE machinel = ? ORDER BY rowid");
    this.deleteStmt = db.prepare("DELETE FROM heartbeat_history WHERE machinel = ?");
  }

  record(machineId: string, c: EndedConnection): void {
    this.putStmt.run(machineId.toLowerCase(), c.workspace.toLowerCase(), c.category, c.version, c.channel, c.managementGroup, Math.floor(c.last));
    this.writes.notify(machineId, "put");
  }

  /** Ended connections by lower-case machine id. */
  all(): Map<string, EndedConnection[]> {
    const out = new Map<string, EndedConnection[]>();
    for (const r of this.allStmt.all()) {
      const list = out.get(r.machinel) ?? [];
      list.push(ended(r));
      out.set(r.machinel, list);
    }
    return out;
  }

  /** One machine's ended connections, in the order `all` lists them. */
  of(machineId: string): EndedConnection[] {
    return this.ofStmt.all(machineId.toLowerCase()).map(ended);
  }

  /** A deleted machine's rows go with it. */
  deleteMachine(machineId: string): void {
    this.deleteStmt.run(machineId.toLowerCase());
    this.writes.notify(machineId, "delete");
  }
}

function ended(r: Row): EndedConnection {
  return { workspace: r.workspace, category: r.category, version: r.version, channel: r.channel, managementGroup: r.mg, last: r.last };
}
