/**
 * Workspace keys for the Log Analytics agent: read at apply time, once per workspace and run,
 * held in memory only, and sent only in an extension's protectedSettings; never logged,
 * journaled or returned.
 */
import { nameOf, resourceGroupOf, subscriptionOf } from "../inventory/ids";
import type { ArmClients } from "./clients";
import type { WriteGate } from "./writeGate";

export interface WorkspaceSecret {
  readonly customerId: string;
  readonly key: string;
}

export class WorkspaceSecrets {
  private readonly cache = new Map<string, Promise<WorkspaceSecret>>();

  constructor(
    private readonly clients: ArmClients,
    private readonly gate: WriteGate,
  ) {}

  /** The workspace's customerId and primary key. */
  of(workspaceId: string): Promise<WorkspaceSecret> {
    const k = workspaceId.toLowerCase();
    let p = this.cache.get(k);
    if (!p) {
      const oi = this.clients.insights(subscriptionOf(workspaceId));
      const [rg, name] = [resourceGroupOf(workspaceId), nameOf(workspaceId)];
      p = (async () => {
        const ws = await this.gate.read(() => oi.workspaces.get(rg, name));
        const keys = await this.gate.read(() => oi.sharedKeys.getSharedKeys(rg, name));
        if (!ws.customerId || !keys.primarySharedKey) throw new Error(`workspace ${name}: no customerId or key in the answer`);
        return { customerId: ws.customerId, key: keys.primarySharedKey };
      })();
      p.catch(() => this.cache.delete(k));
      this.cache.set(k, p);
    }
    return p;
  }
}
