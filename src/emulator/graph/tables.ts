/**
 * Resource Graph tables built from the store, shaped as real Resource Graph rows: lower-case
 * `type`, `resourceGroup` and `location`; VMs carry `properties.extended.instanceView.powerState`;
 * extensions never carry protectedSettings (they are not in documents at all).
 */
import type { ArmContext } from "../arm/types";
import type { Row, Table } from "../kql/eval";
import type { StoredResource } from "../store/resources";
import type { GuestState } from "../store/guest";
import { parseId } from "../util/armId";
import { clone, isObject, type Json, type JsonObject } from "../util/json";
import { machineView, vmssView } from "../model/views";
import { defaultGuest, osTypeOf } from "../model/machines";
import * as T from "../model/resourceTypes";

export const GRAPH_COLUMNS = [
  "id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation",
] as const;

export const GRAPH_TABLES: Readonly<Record<string, readonly string[]>> = {
  resources: [T.VM_TYPE, T.VM_EXTENSION_TYPE, T.VMSS_TYPE, T.ARC_TYPE, T.ARC_EXTENSION_TYPE, T.AKS_TYPE, T.WORKSPACE_TYPE, T.SOLUTION_TYPE, T.DCR_TYPE],
  /** Resource Graph keeps associations (extension resources of machines) here, not in `resources`. */
  insightsresources: [T.DCR_ASSOCIATION_TYPE],
  resourcecontainers: [T.SUBSCRIPTION_TYPE, T.RESOURCE_GROUP_TYPE],
  policyresources: [T.POLICY_ASSIGNMENT_TYPE, T.REMEDIATION_TYPE],
  authorizationresources: [T.ROLE_ASSIGNMENT_TYPE],
  securityresources: [T.PRICING_TYPE, T.AUTO_PROVISIONING_TYPE, T.WORKSPACE_SETTING_TYPE],
};

const POWER_DISPLAY: Record<string, string> = { running: "VM running", stopped: "VM stopped", deallocated: "VM deallocated" };

function graphProperties(ctx: ArmContext, r: StoredResource, guests: Map<string, GuestState>): Json {
  const t = r.type.toLowerCase();
  if (t === T.VM_TYPE.toLowerCase()) {
    const props = clone(isObject(r.doc["properties"]) ? r.doc["properties"] : {});
    const g = guests.get(r.id.toLowerCase()) ?? defaultGuest(osTypeOf(r), String(r.doc["name"]), ctx.clock.iso());
    props["extended"] = {
      instanceView: {
        computerName: g.computerName,
        osName: g.osType === "Windows" ? "Windows Server 2019 Datacenter" : "ubuntu",
        osVersion: g.osType === "Windows" ? "10.0.17763.6414" : "22.04",
        hyperVGeneration: "V2",
        powerState: { code: `PowerState/${g.powerState}`, displayStatus: POWER_DISPLAY[g.powerState] ?? g.powerState, level: "Info" },
      },
    };
    return props;
  }
  if (t === T.VMSS_TYPE.toLowerCase()) return vmssView(ctx, r)["properties"] ?? null;
  if (t === T.ARC_TYPE.toLowerCase()) return machineView(ctx, r)["properties"] ?? null;
  return (r.doc["properties"] as Json | undefined) ?? null;
}

/** The Resource Graph type of a resource (resource groups are `.../subscriptions/resourcegroups`). */
function graphType(r: StoredResource): string {
  const t = r.type.toLowerCase();
  if (t === T.RESOURCE_GROUP_TYPE.toLowerCase()) return "microsoft.resources/subscriptions/resourcegroups";
  return t;
}

export function graphRow(ctx: ArmContext, r: StoredResource, guests: Map<string, GuestState>): Row {
  const parts = parseId(r.id);
  const d = r.doc;
  const isSub = r.type.toLowerCase() === T.SUBSCRIPTION_TYPE.toLowerCase();
  return {
    id: r.id,
    name: isSub ? String(d["displayName"] ?? "") : String(d["name"] ?? parts.name),
    type: graphType(r),
    tenantId: ctx.tenantId,
    kind: typeof d["kind"] === "string" ? d["kind"] : "",
    location: typeof d["location"] === "string" ? d["location"].toLowerCase() : "",
    resourceGroup: (parts.resourceGroup ?? "").toLowerCase(),
    subscriptionId: parts.subscriptionId ?? "",
    managedBy: typeof d["managedBy"] === "string" ? d["managedBy"] : "",
    sku: (d["sku"] as Json | undefined) ?? null,
    plan: (d["plan"] as Json | undefined) ?? null,
    properties: isSub ? ({ state: d["state"] ?? "Enabled", subscriptionPolicies: d["subscriptionPolicies"] ?? null } as JsonObject) : graphProperties(ctx, r, guests),
    tags: (d["tags"] as Json | undefined) ?? null,
    identity: (d["identity"] as Json | undefined) ?? null,
    zones: (d["zones"] as Json | undefined) ?? null,
    extendedLocation: (d["extendedLocation"] as Json | undefined) ?? null,
  };
}

/** A table's rows within the given subscriptions (all of them when undefined). */
export function graphTable(ctx: ArmContext, table: string, subscriptions: readonly string[] | undefined): Table | undefined {
  const types = GRAPH_TABLES[table.toLowerCase()];
  if (!types) return undefined;
  const guests = ctx.guest.all();
  const resources = ctx.store.listTypes(types, subscriptions);
  if (table.toLowerCase() === "securityresources") {
    // Defender plans exist for every subscription even when never written (Free).
    const have = new Set(resources.map((r) => r.id.toLowerCase()));
    const subs = subscriptions ?? ctx.store.list(T.SUBSCRIPTION_TYPE, {}).map((s) => String(s.doc["subscriptionId"]));
    for (const sub of subs) {
      for (const n of T.PRICING_NAMES) {
        const id = `/subscriptions/${sub.toLowerCase()}/providers/${T.PRICING_TYPE}/${n}`;
        if (!have.has(id.toLowerCase())) {
          resources.push({ id, type: T.PRICING_TYPE, doc: { id, name: n, type: T.PRICING_TYPE, properties: { pricingTier: "Free", freeTrialRemainingTime: "PT0S" } }, secret: null });
        }
      }
    }
    resources.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
  }
  return { columns: [...GRAPH_COLUMNS], rows: resources.map((r) => graphRow(ctx, r, guests)) };
}
