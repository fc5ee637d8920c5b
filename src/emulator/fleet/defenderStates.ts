/**
 * Defender's machine and cluster states, laid over a generated fleet (issue 14): machines that
 * already run Defender for Endpoint (with or without its extension, with automatic updates off),
 * that Defender cannot provision (a generalized image, an unsupported Windows release, Linux without
 * Python), Windows Server 2016 that needs the unified solution, resource-level plans (P1, Free by
 * tag), Guest Configuration (installed, or without the identity it needs), a vulnerability
 * assessment in place, an AKS cluster with the Defender sensor, and an older subscription whose
 * integration leaves out Linux and the unified solution.
 *
 * The states go on machines of the plain "no-agent" case, chosen with an RNG of their own, so the
 * cases and decisions of the seed's fleet stay what they were for a seed. Each generated machine
 * keeps its `ascEmulatorCase` tag; the Defender state is in the summary only.
 */
import type { ArmContext } from "../arm/types";
import type { StoredResource } from "../store/resources";
import type { GuestState } from "../store/guest";
import { clone, getPath, isObject, type JsonObject } from "../util/json";
import { Rng } from "../util/random";
import { EXCLUDE_MDE_AUTO_UPDATE_TAG, GUEST_CONFIGURATION_EXTENSION, MDE_EXTENSION, VA_MACHINE_ASSESSMENT_NAME, type ExtensionKind } from "../../spec";
import { sensorDefaultWorkspaceId } from "../../spec/naming";
import { extensionTypeOf, guestOf, machineKindOf, osTypeOf } from "../model/machines";
import { withSystemAssigned } from "../model/identity";
import { pricingId, settingDoc } from "../model/defender";
import { AKS_TYPE, PRICING_TYPE, SECURITY_SETTING_TYPE, VA_ASSESSMENT_TYPE } from "../model/resourceTypes";

export const DEFENDER_STATES = [
  "mde-extension",
  "mde-auto-update-off",
  "mde-onboarded-otherwise",
  "linux-no-python",
  "generalized-image",
  "unsupported-os",
  "windows-server-2016",
  "resource-plan-p1",
  "resource-plan-free",
  "gc-installed",
  "gc-no-identity",
  "va-assessment",
] as const;
export type DefenderState = (typeof DEFENDER_STATES)[number];

/** The tag that selects the fleet's machines with a resource-level Free plan (a spec's override may name it). */
export const FLEET_FREE_PLAN_TAG = { name: "defenderPlan", value: "free" } as const;

interface StateSpec {
  readonly kinds: readonly string[];
  readonly os?: "Windows" | "Linux";
  apply(ctx: ArmContext, m: StoredResource): void;
}

function putExtension(ctx: ArmContext, m: StoredResource, kind: ExtensionKind, provisioningState = "Succeeded"): void {
  const type = extensionTypeOf(machineKindOf(m.type)!);
  const id = `${m.id}/extensions/${kind.name}`;
  const doc: JsonObject = {
    id,
    name: kind.name,
    type,
    location: (m.doc["location"] as string | undefined) ?? null,
    properties: { publisher: kind.publisher, type: kind.type, typeHandlerVersion: kind.version, autoUpgradeMinorVersion: true, settings: {}, provisioningState },
  };
  ctx.store.put({ id, type, doc, secret: { provisionedAt: ctx.clock.now() - 86_400_000 } });
}

function patchGuest(ctx: ArmContext, m: StoredResource, patch: Partial<GuestState>): void {
  ctx.guest.put(m.id, { ...guestOf(ctx, m), ...patch });
}

function tag(ctx: ArmContext, m: StoredResource, name: string, value: string): void {
  const tags = isObject(m.doc["tags"]) ? clone(m.doc["tags"]) : {};
  ctx.store.put({ ...m, doc: { ...m.doc, tags: { ...tags, [name]: value } } });
}

function resourcePlan(ctx: ArmContext, m: StoredResource, p1: boolean): void {
  const id = pricingId(m.id, "VirtualMachines");
  const properties = p1
    ? { pricingTier: "Standard", subPlan: "P1", freeTrialRemainingTime: "PT0S", enablementTime: ctx.clock.iso(), inherited: "False", inheritedFrom: null }
    : { pricingTier: "Free", freeTrialRemainingTime: "PT0S", inherited: "False", inheritedFrom: null };
  ctx.store.put({ id, type: PRICING_TYPE, doc: { id, name: "VirtualMachines", type: PRICING_TYPE, properties }, secret: null });
}

const STATES: Readonly<Record<DefenderState, StateSpec>> = {
  "mde-extension": { kinds: ["vm", "arc"], apply: (ctx, m) => putExtension(ctx, m, MDE_EXTENSION[osTypeOf(m)]) },
  "mde-auto-update-off": {
    kinds: ["vm", "arc"],
    os: "Linux",
    apply: (ctx, m) => {
      putExtension(ctx, m, MDE_EXTENSION.Linux);
      tag(ctx, ctx.store.get(m.id)!, EXCLUDE_MDE_AUTO_UPDATE_TAG, "true");
    },
  },
  "mde-onboarded-otherwise": { kinds: ["vm", "arc"], apply: (ctx, m) => patchGuest(ctx, m, { mdeSensor: true }) },
  "linux-no-python": { kinds: ["vm", "arc"], os: "Linux", apply: (ctx, m) => patchGuest(ctx, m, { python: false }) },
  "generalized-image": { kinds: ["vm"], apply: (ctx, m) => patchGuest(ctx, m, { generalized: true }) },
  "unsupported-os": { kinds: ["vm"], os: "Windows", apply: (ctx, m) => patchGuest(ctx, m, { osName: "Windows Server 2008 R2 Datacenter" }) },
  "windows-server-2016": { kinds: ["vm"], os: "Windows", apply: (ctx, m) => patchGuest(ctx, m, { osName: "Windows Server 2016 Datacenter" }) },
  "resource-plan-p1": { kinds: ["vm", "vmss", "arc"], apply: (ctx, m) => resourcePlan(ctx, m, true) },
  "resource-plan-free": {
    kinds: ["vm", "vmss", "arc"],
    apply: (ctx, m) => {
      tag(ctx, m, FLEET_FREE_PLAN_TAG.name, FLEET_FREE_PLAN_TAG.value);
      resourcePlan(ctx, m, false);
    },
  },
  "gc-installed": {
    kinds: ["vm"],
    apply: (ctx, m) => {
      ctx.store.put({ ...m, doc: { ...m.doc, identity: withSystemAssigned(m, ctx.tenantId) } });
      putExtension(ctx, ctx.store.get(m.id)!, GUEST_CONFIGURATION_EXTENSION[osTypeOf(m)]);
    },
  },
  // Installed before the identity existed: its deployment failed (see model/guestConfiguration.ts).
  "gc-no-identity": { kinds: ["vm"], apply: (ctx, m) => putExtension(ctx, m, GUEST_CONFIGURATION_EXTENSION[osTypeOf(m)], "Failed") },
  "va-assessment": {
    kinds: ["vm", "arc"],
    apply: (ctx, m) => {
      putExtension(ctx, m, MDE_EXTENSION[osTypeOf(m)]);
      const id = `${m.id}/providers/${VA_ASSESSMENT_TYPE}/${VA_MACHINE_ASSESSMENT_NAME}`;
      ctx.store.put({ id, type: VA_ASSESSMENT_TYPE, doc: { id, name: VA_MACHINE_ASSESSMENT_NAME, type: VA_ASSESSMENT_TYPE, properties: { provisioningState: "Succeeded" } }, secret: null });
    },
  },
};

export interface DefenderFleet {
  /** Machine ids by Defender state. */
  readonly states: Readonly<Record<string, readonly string[]>>;
  /** AKS clusters with the Defender sensor on. */
  readonly sensorClusters: readonly string[];
}

/**
 * Lays the states over `plain` (the "no-agent" machines, running with a VM agent): `perState`
 * machines each, spread over the subscriptions, a machine at most one state.
 */
export function applyDefenderStates(ctx: ArmContext, seed: number, plain: readonly string[], clusters: readonly string[], subscriptionIds: readonly string[]): DefenderFleet {
  const rng = new Rng(seed ^ 0xdef);
  // Kind and OS read once per machine: a state's candidates are filtered once, not per pick (the
  // picks, and so the fleet for a seed, are the same as filtering `free` again before each).
  const shapes = new Map<string, { kind: string; os: string }>();
  for (const id of plain) {
    const m = ctx.store.get(id);
    if (m) shapes.set(id, { kind: machineKindOf(m.type) ?? "", os: osTypeOf(m) });
  }
  const taken = new Set<string>();
  const free = [...plain].sort();
  const states: Record<string, string[]> = {};
  const perState = Math.max(1, Math.round(plain.length / 60));
  for (const state of DEFENDER_STATES) {
    const spec = STATES[state];
    const picked: string[] = [];
    const fits = free.filter((id) => {
      const s = shapes.get(id);
      return !taken.has(id) && !!s && spec.kinds.includes(s.kind) && (!spec.os || s.os === spec.os);
    });
    for (let n = 0; n < perState && fits.length; n++) {
      const id = fits.splice(rng.int(fits.length), 1)[0]!;
      taken.add(id);
      spec.apply(ctx, ctx.store.get(id)!);
      picked.push(id);
    }
    states[state] = picked;
  }
  // The oldest subscription kept the integration's older defaults: no Linux, no unified solution.
  const legacy = subscriptionIds[0];
  if (legacy) {
    for (const [name, enabled] of [["WDATP_UNIFIED_SOLUTION", false], ["WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", true]] as const) {
      const doc = settingDoc(legacy, name, enabled);
      ctx.store.put({ id: String(doc["id"]), type: SECURITY_SETTING_TYPE, doc, secret: null });
    }
  }
  const sensorClusters = clusters.slice(0, 1).filter((id) => ctx.store.get(id)?.type === AKS_TYPE);
  for (const id of sensorClusters) {
    const c = ctx.store.get(id)!;
    const props = isObject(c.doc["properties"]) ? c.doc["properties"] : {};
    const sub = /^\/subscriptions\/([^/]+)/i.exec(id)![1]!;
    const defender = { logAnalyticsWorkspaceResourceId: sensorDefaultWorkspaceId(sub, String(c.doc["location"])), securityMonitoring: { enabled: true } };
    ctx.store.put({ ...c, doc: { ...c.doc, properties: { ...props, securityProfile: { ...(isObject(getPath(props, ["securityProfile"])) ? (props["securityProfile"] as JsonObject) : {}), defender } } } });
  }
  return { states, sensorClusters };
}
