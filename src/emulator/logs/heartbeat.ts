/**
 * The Heartbeat table, synthesised from the machines' agent connections (logs/connections.ts):
 * per machine, computer, workspace and category, the latest heartbeat, live or kept from a
 * connection that ended. Every row's TimeGenerated is at or before the emulator's now and the
 * query window's end.
 */
import type { ArmContext } from "../arm/types";
import type { Row } from "../kql/eval";
import { getString } from "../util/json";
import { parseId } from "../util/armId";
import { guidFrom } from "../util/random";
import { machineKindOf } from "../model/machines";
import { MACHINE_TYPES } from "../model/resourceTypes";
import { instanceComputerName } from "../model/scaleSetInstances";
import { AmaIndex, connectionKey, connectionsOf, lastBeat } from "../model/connections";
import type { EndedConnection } from "../store/heartbeatHistory";
import type { StoredResource } from "../store/resources";
import { WorkspaceIndex } from "./workspaceIndex";
import type { Narrowing } from "../graph/narrow";

export { SCOM_AGENT_VERSIONS } from "../model/connections";

export const HEARTBEAT_COLUMNS: readonly (readonly [string, string])[] = [
  ["TenantId", "string"], ["SourceSystem", "string"], ["TimeGenerated", "datetime"], ["MG", "string"], ["ManagementGroupName", "string"],
  ["SourceComputerId", "string"], ["ComputerIP", "string"], ["Computer", "string"], ["Category", "string"], ["OSType", "string"],
  ["OSName", "string"], ["OSMajorVersion", "string"], ["OSMinorVersion", "string"], ["Version", "string"], ["SCAgentChannel", "string"],
  ["IsGatewayInstalled", "bool"], ["RemoteIPCountry", "string"], ["SubscriptionId", "string"], ["ResourceGroup", "string"],
  ["ResourceProvider", "string"], ["Resource", "string"], ["ResourceId", "string"], ["ResourceType", "string"],
  ["ComputerEnvironment", "string"], ["Solutions", "string"], ["VMUUID", "string"], ["ComputerPrivateIPs", "dynamic"], ["Type", "string"],
  ["_ResourceId", "string"],
];

/** A connection with its last heartbeat: the same shape the history keeps for ended ones. */
type Beat = EndedConnection;

/** What a Heartbeat answer was built from: the rows, and how many machines were looked at for them. */
export interface HeartbeatAnswer {
  readonly rows: Row[];
  readonly machines: number;
}

/** Which machines a query's leading filters allow (`_ResourceId in~ (...)`, `_ResourceId startswith ...`): the narrowing's ids and prefixes; absent, any. */
export type MachineFilter = Pick<Narrowing, "ids" | "prefixes">;

/**
 * Heartbeat rows (latest per machine, computer, workspace and category) for these workspaces,
 * built from the machines the workspace index names for them (and the filter allows) only.
 */
export function heartbeatRows(ctx: ArmContext, workspaceCustomerIds: ReadonlySet<string>, window: { from: number; to: number }, filter: MachineFilter = {}): HeartbeatAnswer {
  const ids = WorkspaceIndex.of(ctx)
    .machinesOf(workspaceCustomerIds)
    .filter((m) => (!filter.ids || filter.ids.has(m)) && (!filter.prefixes || filter.prefixes.some((p) => m.startsWith(p))));
  const machines = ctx.store.getMany(ids, MACHINE_TYPES);
  return { rows: rowsOf(ctx, machines, AmaIndex.build(ctx, ids), workspaceCustomerIds, window), machines: ids.length };
}

/** The same rows built from every machine of the store: what the index must agree with (tests compare the two). */
export function heartbeatRowsOfEveryMachine(ctx: ArmContext, workspaceCustomerIds: ReadonlySet<string>, window: { from: number; to: number }): HeartbeatAnswer {
  const machines = ctx.store.listTypes(MACHINE_TYPES);
  return { rows: rowsOf(ctx, machines, AmaIndex.build(ctx), workspaceCustomerIds, window), machines: machines.length };
}

function rowsOf(ctx: ArmContext, machines: readonly StoredResource[], index: AmaIndex, workspaceCustomerIds: ReadonlySet<string>, window: { from: number; to: number }): Row[] {
  const rows: Row[] = [];
  // The latest heartbeat at or before the window's end: the clock has moved on since the handler
  // took `window.to` from it, and a beat sent in between must not hide the one before it (a running
  // agent's row would vanish from the answer for that moment).
  const now = Math.min(ctx.clock.now(), window.to);
  for (const machine of machines) {
    const guest = ctx.guest.get(machine.id);
    if (!guest) continue;
    const beats = new Map<string, Beat>();
    for (const c of connectionsOf(ctx, machine, guest, index)) {
      const last = lastBeat(c, guest, now);
      if (last !== undefined) beats.set(connectionKey(c), { ...c, last });
    }
    for (const ended of ctx.heartbeatHistory.of(machine.id)) {
      const key = connectionKey(ended);
      const live = beats.get(key);
      if (!live || live.last < ended.last) beats.set(key, ended);
    }
    const conns = [...beats.values()].filter((b) => workspaceCustomerIds.has(b.workspace) && b.last >= window.from && b.last <= window.to && b.last <= now);
    if (conns.length === 0) continue;
    const kind = machineKindOf(machine.type)!;
    const parts = parseId(machine.id);
    const computers =
      kind === "vmss"
        ? Array.from({ length: guest.instances ?? 1 }, (_, i) => instanceComputerName(guest.computerName, i))
        : [guest.computerName];
    const resourceId = machine.id.toLowerCase();
    for (const computer of computers) {
      const hash = guidFrom(`${resourceId}/${computer}`);
      for (const c of conns) {
        rows.push({
          TenantId: c.workspace,
          SourceSystem: guest.osType === "Windows" ? "OpsManager" : "Linux",
          TimeGenerated: new Date(c.last).toISOString(),
          MG: c.category === "SCOM Agent" ? guidFrom(c.managementGroup) : "00000000-0000-0000-0000-000000000001",
          ManagementGroupName: c.managementGroup,
          SourceComputerId: hash,
          ComputerIP: `20.${parseInt(hash.slice(0, 2), 16)}.${parseInt(hash.slice(2, 4), 16)}.${parseInt(hash.slice(4, 6), 16)}`,
          Computer: computer,
          Category: c.category,
          OSType: guest.osType,
          OSName: guest.osType === "Windows" ? "Windows Server 2019 Datacenter" : "Ubuntu",
          OSMajorVersion: guest.osType === "Windows" ? "10" : "22",
          OSMinorVersion: guest.osType === "Windows" ? "0" : "04",
          Version: c.version,
          SCAgentChannel: c.channel,
          IsGatewayInstalled: false,
          RemoteIPCountry: "",
          SubscriptionId: parts.subscriptionId ?? "",
          ResourceGroup: parts.resourceGroup ?? "",
          ResourceProvider: kind === "arc" ? "Microsoft.HybridCompute" : "Microsoft.Compute",
          Resource: String(machine.doc["name"]),
          ResourceId: resourceId,
          ResourceType: kind === "vm" ? "virtualMachines" : kind === "vmss" ? "virtualMachineScaleSets" : "machines",
          ComputerEnvironment: kind === "arc" ? "Non-Azure" : "Azure",
          Solutions: "",
          VMUUID: getString(machine.doc, "properties", "vmId") ?? "",
          ComputerPrivateIPs: [`10.0.${parseInt(hash.slice(6, 8), 16)}.${parseInt(hash.slice(9, 11), 16)}`],
          Type: "Heartbeat",
          _ResourceId: resourceId,
        });
      }
    }
  }
  return rows;
}
