/**
 * The fleet generator: N machines over three subscriptions, deterministic for a seed, covering
 * every case of fleet/cases.ts, plus AKS clusters with and without the Azure Policy add-on and
 * the workspaces they report to. Runs in one transaction (1,000 machines take well under a second).
 */
import type { ArmContext } from "../arm/types";
import type { Registry } from "../arm/registry";
import { createDirect } from "../arm/direct";
import type { GuestState } from "../store/guest";
import { defaultResourceGroupName, defaultWorkspaceName, solutionForDefender } from "../../spec/naming";
import { geographyOf } from "../../spec/geography";
import { AZURE_MONITOR_AGENT, LOG_ANALYTICS_AGENT } from "../../spec/extensions";
import { clone, type JsonObject } from "../util/json";
import { guidFrom, newSharedKey, Rng } from "../util/random";
import { FLEET_CASE_TAG, ONBOARDED_AT_TAG, APPLIANCE_TAG } from "../constants";
import { subscriptionDoc, resourceGroupDoc } from "../model/containers";
import { workspaceCustomerId } from "../model/workspaces";
import { guestOf, type MachineKind, type OsType } from "../model/machines";
import { CASE_SPECS, FLEET_CASES, FLEET_REGIONS, FLEET_SUBSCRIPTIONS, KIND_WEIGHTS, type FleetCase } from "./cases";
import type { StoredResource } from "../store/resources";
import { applyDefenderStates, type DefenderFleet } from "./defenderStates";
import { DCR_ASSOCIATION_TYPE, DCR_TYPE, RESOURCE_GROUP_TYPE, SECURITY_CENTER_EVENTS_KIND, SENTINEL_EVENTS_KIND, SUBSCRIPTION_TYPE } from "../model/resourceTypes";

/** The fleet's AMA machines' rule and association names (not the planner's `asc-` ones). */
export const FLEET_DCR_NAME = "dcr-contoso-ops";
export const FLEET_ASSOCIATION_NAME = "contoso-ops";

export interface FleetSummary {
  readonly seed: number;
  readonly machines: number;
  readonly subscriptions: readonly { readonly id: string; readonly displayName: string; readonly onboardedAt: string; readonly defender: boolean }[];
  /** Machine ids by case. */
  readonly cases: Readonly<Record<string, readonly string[]>>;
  readonly clusters: readonly { readonly id: string; readonly azurepolicy: boolean }[];
  readonly workspaces: readonly { readonly id: string; readonly customerId: string; readonly role: string }[];
  /** Defender's states laid over plain machines (fleet/defenderStates.ts); absent in fleets made before them. */
  readonly defender?: DefenderFleet;
}

export function subscriptionIdsFor(seed: number): string[] {
  return FLEET_SUBSCRIPTIONS.map((_, i) => guidFrom(`asc-emulator/${seed}/subscription/${i}`));
}

/** The three subscriptions exist in every emulator (also with --fleet 0). */
export function ensureSubscriptions(ctx: ArmContext, seed: number, tenantId: string): string[] {
  const ids = subscriptionIdsFor(seed);
  FLEET_SUBSCRIPTIONS.forEach((s, i) => {
    const doc = subscriptionDoc(ids[i]!, s.displayName, tenantId, { [ONBOARDED_AT_TAG]: s.onboardedAt });
    if (!ctx.store.get(String(doc["id"]))) ctx.store.put({ id: String(doc["id"]), type: SUBSCRIPTION_TYPE, doc, secret: null });
  });
  return ids;
}

class FleetBuilder {
  private readonly rng: Rng;
  private readonly cases = new Map<string, string[]>();
  private readonly workspaces: { id: string; customerId: string; role: string }[] = [];
  private readonly userWorkspaces = new Map<string, StoredResource>();

  constructor(
    private readonly ctx: ArmContext,
    private readonly registry: Registry,
    private readonly seed: number,
    private readonly subs: readonly string[],
  ) {
    this.rng = new Rng(seed);
  }

  private ensureRg(sub: string, name: string, location: string): void {
    const doc = resourceGroupDoc(sub, name, location);
    if (!this.ctx.store.get(String(doc["id"]))) this.ctx.store.put({ id: String(doc["id"]), type: RESOURCE_GROUP_TYPE, doc, secret: null });
  }

  private create(id: string, body: JsonObject): StoredResource {
    return createDirect(this.ctx, this.registry, id, body);
  }

  /** A workspace with seeded customerId and keys, so a seed always gives the same fleet. */
  private workspace(sub: string, rg: string, name: string, location: string, role: string): StoredResource {
    const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
    const existing = this.ctx.store.get(id);
    if (existing) return existing;
    this.ensureRg(sub, rg, location);
    const created = this.create(id, { location, properties: { sku: { name: role === "default" ? "PerNode" : "PerGB2018" }, retentionInDays: role === "default" ? 30 : 90 } });
    const props = { ...(created.doc["properties"] as JsonObject), customerId: guidFrom(`${this.seed}${id.toLowerCase()}/customerId`) };
    const rng = new Rng(parseInt(guidFrom(`${this.seed}${id}/keys`).slice(0, 8), 16));
    const stored: StoredResource = { ...created, doc: { ...created.doc, properties: props }, secret: { primarySharedKey: newSharedKey(rng), secondarySharedKey: newSharedKey(rng) } };
    this.ctx.store.put(stored);
    this.workspaces.push({ id: stored.id, customerId: workspaceCustomerId(stored), role });
    return stored;
  }

  private solution(ws: StoredResource, product: string): void {
    const wsName = String(ws.doc["name"]);
    const name = `${product}(${wsName})`;
    const rgPrefix = ws.id.replace(/\/providers\/.*$/i, "");
    this.create(`${rgPrefix}/providers/Microsoft.OperationsManagement/solutions/${name}`, {
      location: String(ws.doc["location"]),
      plan: { name, publisher: "Microsoft", product: `OMSGallery/${product}`, promotionCode: "" },
      properties: { workspaceResourceId: ws.id },
    });
  }

  private dataSource(ws: StoredResource, kind: string, tier: string): void {
    const props = kind === SENTINEL_EVENTS_KIND ? { tier, tierSetMethod: "Custom" } : { Tier: tier, TierSetMethod: "Custom" };
    this.create(`${ws.id}/dataSources/${kind}`, { kind, properties: props });
  }

  defaultWorkspace(sub: string, region: string): StoredResource {
    const geo = geographyOf(region);
    const defender = FLEET_SUBSCRIPTIONS[this.subs.indexOf(sub)]!.defender;
    const before = this.ctx.store.get(`/subscriptions/${sub}/resourceGroups/${defaultResourceGroupName(geo.code)}/providers/Microsoft.OperationalInsights/workspaces/${defaultWorkspaceName(sub, geo.code)}`);
    if (before) return before;
    const ws = this.workspace(sub, defaultResourceGroupName(geo.code), defaultWorkspaceName(sub, geo.code), geo.workspaceLocation, "default");
    this.solution(ws, solutionForDefender(defender));
    if (defender) this.dataSource(ws, SECURITY_CENTER_EVENTS_KIND, "Minimal");
    return ws;
  }

  userWorkspace(sub: string, role: "ops" | "apps" | "sentinel"): StoredResource {
    const key = `${sub}/${role}`;
    const have = this.userWorkspaces.get(key);
    if (have) return have;
    const n = this.subs.indexOf(sub) + 1;
    const location = role === "apps" ? "westeurope" : "eastus";
    const ws = this.workspace(sub, role === "sentinel" ? "rg-sentinel" : "rg-monitoring", `law-${role}-s${n}`, location, role);
    if (role === "ops") this.solution(ws, "Security");
    if (role === "sentinel") {
      this.solution(ws, "SecurityInsights");
      this.dataSource(ws, SENTINEL_EVENTS_KIND, "Recommended");
    }
    this.userWorkspaces.set(key, ws);
    return ws;
  }

  private pickKind(kinds: readonly MachineKind[]): MachineKind {
    return this.rng.weighted(kinds.map((k) => ({ value: k, weight: KIND_WEIGHTS[k] })));
  }

  private machineBody(kind: MachineKind, name: string, os: OsType, location: string, fleetCase: FleetCase, index: number): JsonObject {
    const tags: JsonObject = { [FLEET_CASE_TAG]: fleetCase };
    const image =
      os === "Windows"
        ? { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2019-datacenter-gensecond", version: "latest" }
        : { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", version: "latest" };
    const computerName = name.slice(0, 15);
    const config = os === "Windows" ? { windowsConfiguration: { provisionVMAgent: fleetCase !== "no-vm-agent" } } : { linuxConfiguration: { provisionVMAgent: fleetCase !== "no-vm-agent" } };
    if (kind === "arc") {
      // Onboarding (azcmagent connect) gives every Arc machine a system-assigned identity.
      return { location, tags, identity: { type: "SystemAssigned" }, properties: { osType: os.toLowerCase(), displayName: computerName } };
    }
    if (kind === "vmss") {
      return {
        location,
        tags,
        sku: { name: "Standard_D2s_v3", tier: "Standard", capacity: 2 },
        properties: {
          upgradePolicy: { mode: "Automatic" },
          virtualMachineProfile: { osProfile: { computerNamePrefix: name.slice(0, 9), ...config }, storageProfile: { imageReference: image, osDisk: { osType: os } } },
        },
      };
    }
    const body: JsonObject = {
      location,
      tags,
      // The Azure Monitor Agent authenticates with the VM's managed identity.
      ...(fleetCase === "ama" ? { identity: { type: "SystemAssigned" } } : {}),
      properties: {
        hardwareProfile: { vmSize: "Standard_D2s_v3" },
        storageProfile: { imageReference: image, osDisk: { osType: os } },
        osProfile: { computerName, ...config },
      },
    };
    if (fleetCase === "appliance") {
      const ngfw = index % 2 === 0;
      const plan = ngfw ? { name: "byol", publisher: "paloaltonetworks", product: "vmseries-flex" } : { name: "hourly", publisher: "barracudanetworks", product: "waf" };
      body["plan"] = plan;
      (body["properties"] as { storageProfile: JsonObject }).storageProfile["imageReference"] = { publisher: plan.publisher, offer: plan.product, sku: plan.name, version: "latest" };
      tags[APPLIANCE_TAG] = ngfw ? "NGFW" : "WAF";
    }
    return body;
  }

  private extension(machine: StoredResource, kind: MachineKind, body: JsonObject, name: string): void {
    void kind;
    this.create(`${machine.id}/extensions/${name}`, body);
  }

  private mma(machine: StoredResource, kind: MachineKind, os: OsType, ws: StoredResource, version?: string): void {
    const agent = LOG_ANALYTICS_AGENT[os];
    this.extension(machine, kind, {
      location: String(machine.doc["location"]),
      properties: {
        publisher: agent.publisher,
        type: agent.type,
        typeHandlerVersion: version ?? agent.version,
        autoUpgradeMinorVersion: true,
        settings: { workspaceId: workspaceCustomerId(ws), stopOnMultipleConnections: "true" },
        protectedSettings: { workspaceKey: String(ws.secret?.["primarySharedKey"]) },
      },
    }, agent.name);
  }

  /**
   * The operations team's data collection rule (someone else's: not named like the planner's),
   * sending Windows event logs and syslog to law-ops, made three days ago.
   */
  private opsRule(sub: string, since: string): StoredResource {
    const ws = this.userWorkspace(sub, "ops");
    const id = `${ws.id.replace(/\/providers\/.*$/i, "")}/providers/${DCR_TYPE}/${FLEET_DCR_NAME}`;
    const existing = this.ctx.store.get(id);
    if (existing) return existing;
    const rule = this.create(id, {
      location: String(ws.doc["location"]),
      properties: {
        description: "Operations: Windows event logs and syslog (warnings and worse).",
        dataSources: {
          windowsEventLogs: [{ name: "eventLogs", streams: ["Microsoft-Event"], xPathQueries: ["Application!*[System[(Level=1 or Level=2 or Level=3)]]", "System!*[System[(Level=1 or Level=2 or Level=3)]]"] }],
          syslog: [{ name: "syslog", streams: ["Microsoft-Syslog"], facilityNames: ["auth", "authpriv", "daemon", "syslog"], logLevels: ["Warning", "Error", "Critical", "Alert", "Emergency"] }],
        },
        destinations: { logAnalytics: [{ name: "opsWorkspace", workspaceResourceId: ws.id }] },
        dataFlows: [{ streams: ["Microsoft-Event", "Microsoft-Syslog"], destinations: ["opsWorkspace"] }],
      },
    });
    const stored = { ...rule, secret: { destinationsSince: { [ws.id.toLowerCase()]: since } } };
    this.ctx.store.put(stored);
    return stored;
  }

  /** AMA with the VM's identity, associated with the operations rule; all of it three days old, so it heartbeats now. */
  private ama(machine: StoredResource, kind: MachineKind, os: OsType, sub: string, since: string): void {
    const agent = AZURE_MONITOR_AGENT[os];
    const extId = `${machine.id}/extensions/${agent.name}`;
    this.extension(machine, kind, { location: String(machine.doc["location"]), properties: { publisher: agent.publisher, type: agent.type, typeHandlerVersion: agent.version, autoUpgradeMinorVersion: true, enableAutomaticUpgrade: true } }, agent.name);
    const ext = this.ctx.store.get(extId)!;
    this.ctx.store.put({ ...ext, secret: { provisionedAt: Date.parse(since) } });
    const rule = this.opsRule(sub, since);
    const assoc = this.create(`${machine.id}/providers/${DCR_ASSOCIATION_TYPE}/${FLEET_ASSOCIATION_NAME}`, { properties: { dataCollectionRuleId: rule.id } });
    this.ctx.store.put({ ...assoc, secret: { since } });
  }

  machine(index: number, fleetCase: FleetCase, sub: string, fixedRegion?: string): void {
    const spec = CASE_SPECS[fleetCase];
    const kind = this.pickKind(spec.kinds);
    const os: OsType = spec.os ?? (this.rng.next() < 0.55 ? "Windows" : "Linux");
    const picked = this.rng.weighted(FLEET_REGIONS);
    const region = fixedRegion ?? picked;
    const prefix = kind === "vm" ? "vm" : kind === "vmss" ? "vmss" : "arc";
    const name = `${prefix}-${spec.abbrev}-${String(index).padStart(4, "0")}`;
    const rg = `rg-${prefix}-${region}`;
    this.ensureRg(sub, rg, region);
    const provider = kind === "arc" ? "Microsoft.HybridCompute/machines" : kind === "vmss" ? "Microsoft.Compute/virtualMachineScaleSets" : "Microsoft.Compute/virtualMachines";
    const machine = this.create(`/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${name}`, this.machineBody(kind, name, os, region, fleetCase, index));
    const vmId = guidFrom(`${this.seed}${machine.id.toLowerCase()}/vmId`);
    const props = { ...(machine.doc["properties"] as JsonObject) };
    if (kind === "vmss") props["uniqueId"] = vmId;
    else props["vmId"] = vmId;
    this.ctx.store.put({ ...machine, doc: { ...machine.doc, properties: props } });
    let guest: GuestState = guestOf(this.ctx, machine);
    const threeDaysAgo = new Date(this.ctx.clock.now() - 3 * 86_400_000).toISOString();
    switch (fleetCase) {
      case "mma-default-workspace":
        this.mma(machine, kind, os, this.defaultWorkspace(sub, region));
        break;
      case "mma-old-version":
        this.mma(machine, kind, os, this.defaultWorkspace(sub, region), "1.7");
        break;
      case "mma-user-workspace-with-solution":
        this.mma(machine, kind, os, this.userWorkspace(sub, "ops"));
        break;
      case "mma-user-workspace-without-solution":
        this.mma(machine, kind, os, this.userWorkspace(sub, "apps"));
        break;
      case "mma-sentinel-workspace":
        this.mma(machine, kind, os, this.userWorkspace(sub, "sentinel"));
        break;
      case "direct-agent-windows":
        guest = { ...guest, directAgent: { workspaceCustomerIds: [workspaceCustomerId(this.userWorkspace(sub, "ops"))], version: "10.20.18053.0" } };
        break;
      case "direct-agent-linux":
        guest = { ...guest, directAgent: { workspaceCustomerIds: [workspaceCustomerId(this.userWorkspace(sub, "apps"))], version: "1.14.19-0" } };
        break;
      case "scom-2012":
      case "scom-2016":
      case "scom-2019":
        guest = {
          ...guest,
          scom: { release: fleetCase.slice(5) as "2012" | "2016" | "2019", managementGroup: "CONTOSO-OPS", workspaceCustomerIds: [workspaceCustomerId(this.userWorkspace(sub, "ops"))] },
        };
        break;
      case "ama":
        this.ama(machine, kind, os, sub, threeDaysAgo);
        break;
      case "no-vm-agent":
        guest = { ...guest, vmAgent: false };
        break;
      case "stopped":
      case "deallocated":
        guest = { ...guest, powerState: fleetCase, powerStateChangedAt: threeDaysAgo };
        break;
      default:
        break;
    }
    this.ctx.guest.put(machine.id, guest);
    const list = this.cases.get(fleetCase) ?? [];
    list.push(machine.id);
    this.cases.set(fleetCase, list);
  }

  cluster(index: number, sub: string, enabled: boolean): { id: string; azurepolicy: boolean } {
    const region = this.rng.weighted(FLEET_REGIONS);
    const rg = `rg-aks-${region}`;
    this.ensureRg(sub, rg, region);
    const name = `aks-${enabled ? "policy" : "nopolicy"}-${String(index).padStart(3, "0")}`;
    const c = this.create(`/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`, {
      location: region,
      tags: { [FLEET_CASE_TAG]: enabled ? "aks-with-azurepolicy" : "aks-without-azurepolicy" },
      properties: { kubernetesVersion: "1.30.6", dnsPrefix: name, addonProfiles: enabled ? { azurepolicy: { enabled: true } } : {} },
    });
    const identity = { ...(c.doc["identity"] as JsonObject), principalId: guidFrom(`${this.seed}${c.id.toLowerCase()}/identity`) };
    this.ctx.store.put({ ...c, doc: { ...c.doc, identity } });
    return { id: c.id, azurepolicy: enabled };
  }

  /** Machine ids of a case so far. */
  casesOf(fleetCase: FleetCase): readonly string[] {
    return this.cases.get(fleetCase) ?? [];
  }

  summary(machines: number, clusters: { id: string; azurepolicy: boolean }[], defender: DefenderFleet): FleetSummary {
    return {
      seed: this.seed,
      machines,
      subscriptions: FLEET_SUBSCRIPTIONS.map((s, i) => ({ id: this.subs[i]!, displayName: s.displayName, onboardedAt: s.onboardedAt, defender: s.defender })),
      cases: Object.fromEntries(FLEET_CASES.map((c) => [c, clone(this.cases.get(c) ?? [])])),
      clusters,
      workspaces: this.workspaces,
      defender,
    };
  }
}

export function generateFleet(ctx: ArmContext, registry: Registry, count: number, seed: number, subscriptionIds: readonly string[]): FleetSummary {
  const b = new FleetBuilder(ctx, registry, seed, subscriptionIds);
  const caseRng = new Rng(seed ^ 0x5eed);
  const guaranteed = FLEET_CASES.length * subscriptionIds.length;
  for (let i = 0; i < count; i++) {
    let fleetCase: FleetCase;
    let sub: string;
    // The first machines visit every region (southafricanorth, outside every geography, included).
    const region = i < FLEET_REGIONS.length ? FLEET_REGIONS[i]!.value : undefined;
    if (count >= guaranteed && i < guaranteed) {
      // Every case in every subscription first (the legacy subscription needs them all too).
      fleetCase = FLEET_CASES[Math.floor(i / subscriptionIds.length)]!;
      sub = subscriptionIds[i % subscriptionIds.length]!;
    } else if (count < guaranteed) {
      fleetCase = FLEET_CASES[i % FLEET_CASES.length]!;
      sub = subscriptionIds[i % subscriptionIds.length]!;
    } else {
      fleetCase = caseRng.weighted(FLEET_CASES.map((c) => ({ value: c, weight: CASE_SPECS[c].weight })));
      sub = caseRng.pick(subscriptionIds);
    }
    b.machine(i + 1, fleetCase, sub, region);
  }
  const clusters: { id: string; azurepolicy: boolean }[] = [];
  const clusterCount = count === 0 ? 0 : Math.max(2, Math.round(count / 40));
  for (let i = 0; i < clusterCount; i++) clusters.push(b.cluster(i + 1, subscriptionIds[i % subscriptionIds.length]!, i % 2 === 0));
  const defender = applyDefenderStates(ctx, seed, b.casesOf("no-agent"), clusters.map((c) => c.id), subscriptionIds);
  // Defender on in the second subscription.
  if (count > 0) {
    FLEET_SUBSCRIPTIONS.forEach((s, i) => {
      if (s.defender) createDirect(ctx, registry, `/subscriptions/${subscriptionIds[i]}/providers/Microsoft.Security/pricings/VirtualMachines`, { properties: { pricingTier: "Standard" } });
    });
  }
  // The log records client PUTs only; the fleet's own extensions are not requests.
  ctx.extensionLog.clear();
  return b.summary(count, clusters, defender);
}
