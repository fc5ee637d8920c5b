/**
 * The Heartbeat table, synthesised from the machines' guest state and extensions: what each
 * agent would report, once a minute, into each workspace it is connected to.
 *
 * - Log Analytics agent extension (MMA/OMS) → "Direct Agent" into settings.workspaceId;
 * - directly installed agent → "Direct Agent" into each of its workspaces (multi-homing);
 * - Operations Manager agent → "SCOM Agent", SCAgentChannel SCManagementServer, version by release,
 *   into the workspaces its management group is connected to;
 * - Azure Monitor Agent extension → "Azure Monitor Agent" into its destinations (guest `ama`;
 *   data collection rules are a later issue and will add theirs through `amaDestinations`).
 * A running machine's last heartbeat is ~30 s old; a stopped one's is when it stopped.
 */
import type { ArmContext } from "../arm/types";
import type { Row } from "../kql/eval";
import type { StoredResource } from "../store/resources";
import type { GuestState, ScomRelease } from "../store/guest";
import { compareVersions } from "../../spec/extensions";
import { getString } from "../util/json";
import { parseId } from "../util/armId";
import { guidFrom } from "../util/random";
import { extensionsOf, machineKindOf } from "../providers/machines";
import { LOG_ANALYTICS_PUBLISHER, MACHINE_TYPES } from "../providers/resourceTypes";

export const HEARTBEAT_COLUMNS: readonly (readonly [string, string])[] = [
  ["TenantId", "string"], ["SourceSystem", "string"], ["TimeGenerated", "datetime"], ["MG", "string"], ["ManagementGroupName", "string"],
  ["SourceComputerId", "string"], ["ComputerIP", "string"], ["Computer", "string"], ["Category", "string"], ["OSType", "string"],
  ["OSName", "string"], ["OSMajorVersion", "string"], ["OSMinorVersion", "string"], ["Version", "string"], ["SCAgentChannel", "string"],
  ["IsGatewayInstalled", "bool"], ["RemoteIPCountry", "string"], ["SubscriptionId", "string"], ["ResourceGroup", "string"],
  ["ResourceProvider", "string"], ["Resource", "string"], ["ResourceId", "string"], ["ResourceType", "string"],
  ["ComputerEnvironment", "string"], ["Solutions", "string"], ["VMUUID", "string"], ["ComputerPrivateIPs", "dynamic"], ["Type", "string"],
  ["_ResourceId", "string"],
];

/** Operations Manager agent version by release, as the agent reports it. */
export const SCOM_AGENT_VERSIONS: Readonly<Record<ScomRelease, string>> = {
  "2012": "7.1.10184.0",
  "2016": "8.0.10918.0",
  "2019": "10.19.10014.0",
  "2022": "10.22.10056.0",
};

interface Connection {
  readonly workspace: string;
  readonly category: "Direct Agent" | "SCOM Agent" | "Azure Monitor Agent";
  readonly version: string;
  readonly channel: string;
  readonly managementGroup: string;
}

/** Agent version a Log Analytics extension runs, from its typeHandlerVersion. */
function mmaAgentVersion(os: "Windows" | "Linux", handlerVersion: string): string {
  if (os === "Windows") return compareVersions(handlerVersion, "1.0") >= 0 ? "10.20.18067.0" : "10.19.13515.0";
  return compareVersions(handlerVersion, "1.13") >= 0 ? "1.14.23-0" : "1.12.15-0";
}

/** Where AMA sends its heartbeats: the guest's destinations (DCR associations will add theirs). */
export function amaDestinations(_ctx: ArmContext, _machine: StoredResource, guest: GuestState): string[] {
  return guest.ama?.workspaceCustomerIds ?? [];
}

function connections(ctx: ArmContext, machine: StoredResource, guest: GuestState): Connection[] {
  const out = new Map<string, Connection>();
  const add = (c: Connection): void => {
    const key = `${c.workspace.toLowerCase()}|${c.category}`;
    if (!out.has(key)) out.set(key, c);
  };
  let ama = false;
  for (const ext of extensionsOf(ctx, machine)) {
    if (getString(ext.doc, "properties", "provisioningState") !== "Succeeded") continue;
    const publisher = (getString(ext.doc, "properties", "publisher") ?? "").toLowerCase();
    if (publisher === LOG_ANALYTICS_PUBLISHER.toLowerCase()) {
      const ws = getString(ext.doc, "properties", "settings", "workspaceId");
      if (ws) {
        add({
          workspace: ws.toLowerCase(),
          category: "Direct Agent",
          version: mmaAgentVersion(guest.osType, getString(ext.doc, "properties", "typeHandlerVersion") ?? "1.0"),
          channel: "Direct",
          managementGroup: `AOI-${ws.toLowerCase()}`,
        });
      }
    }
    if (publisher === "microsoft.azure.monitor") ama = true;
  }
  for (const ws of guest.directAgent?.workspaceCustomerIds ?? []) {
    add({
      workspace: ws.toLowerCase(),
      category: "Direct Agent",
      version: guest.directAgent?.version ?? (guest.osType === "Windows" ? "10.20.18053.0" : "1.14.19-0"),
      channel: "Direct",
      managementGroup: `AOI-${ws.toLowerCase()}`,
    });
  }
  if (guest.scom) {
    for (const ws of guest.scom.workspaceCustomerIds) {
      add({ workspace: ws.toLowerCase(), category: "SCOM Agent", version: SCOM_AGENT_VERSIONS[guest.scom.release], channel: "SCManagementServer", managementGroup: guest.scom.managementGroup });
    }
  }
  if (ama) {
    for (const ws of amaDestinations(ctx, machine, guest)) {
      add({ workspace: ws.toLowerCase(), category: "Azure Monitor Agent", version: guest.osType === "Windows" ? "1.30.0.0" : "1.33.2", channel: "", managementGroup: "" });
    }
  }
  return [...out.values()];
}

/** Heartbeat rows (latest per machine, computer, workspace and category) for these workspaces. */
export function heartbeatRows(ctx: ArmContext, workspaceCustomerIds: ReadonlySet<string>, window: { from: number; to: number }): Row[] {
  const rows: Row[] = [];
  const guests = ctx.guest.all();
  const now = ctx.clock.now();
  for (const machine of ctx.store.listTypes(MACHINE_TYPES)) {
    const guest = guests.get(machine.id.toLowerCase());
    if (!guest) continue;
    const last = guest.powerState === "running" ? now - 30_000 : Date.parse(guest.powerStateChangedAt);
    if (!(last >= window.from && last <= window.to)) continue;
    const conns = connections(ctx, machine, guest).filter((c) => workspaceCustomerIds.has(c.workspace));
    if (conns.length === 0) continue;
    const kind = machineKindOf(machine.type)!;
    const parts = parseId(machine.id);
    const computers =
      kind === "vmss"
        ? Array.from({ length: guest.instances ?? 1 }, (_, i) => `${guest.computerName}${i.toString(36).padStart(6, "0")}`)
        : [guest.computerName];
    const resourceId = machine.id.toLowerCase();
    for (const computer of computers) {
      const hash = guidFrom(`${resourceId}/${computer}`);
      for (const c of conns) {
        rows.push({
          TenantId: c.workspace,
          SourceSystem: guest.osType === "Windows" ? "OpsManager" : "Linux",
          TimeGenerated: new Date(last).toISOString(),
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
