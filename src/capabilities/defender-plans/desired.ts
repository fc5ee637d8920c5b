/**
 * What the spec wants of each Defender plan it manages, as the pricings API (2024-01-01) takes it,
 * and how that differs from what the subscription has, field by field. A field the spec does not
 * manage is never compared (a plan that is off carries no sub-plan or extensions worth a write).
 */
import type { InventoryPlanPricing, InventoryPricingExtension, InventorySettings } from "../../inventory/schema";
import {
  CONTAINERS_PLAN,
  PLAN_EXTENSIONS,
  SERVERS_PLAN,
  SUB_PLANS,
  resolveContainers,
  resolveServers,
  serversPricing,
  type DefenderSpec,
  type PlanName,
  type Spec,
} from "../../spec";
import { RECOMMENDED_MONITORED_ENTITIES, fimRulesSummary, fimRulesValue, sameFimRules } from "./fimRules";

/** One extension of a pricing as the step sends it. */
export interface PlanExtension {
  readonly name: string;
  readonly isEnabled: "True" | "False";
  readonly additionalExtensionProperties?: Readonly<Record<string, string>>;
}

/** The pricing body the spec wants for one plan. */
export interface DesiredPlan {
  readonly plan: string;
  readonly pricingTier: "Standard" | "Free";
  /** Sent when set (a Standard plan with sub-plans). */
  readonly subPlan: string | null;
  /** Sent when set (Defender for Servers). */
  readonly enforce: "True" | "False" | null;
  readonly extensions: readonly PlanExtension[];
}

/** One field that differs: `VirtualMachines.subPlan: P1 → P2`. */
export interface PlanChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

/** The JSON-string form of agentless scanning's ExclusionTags (the pricings example's `[{"key":..,"value":..}]`). */
export function exclusionTagsValue(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value })));
}

const on = (b: boolean): "True" | "False" => (b ? "True" : "False");

/** Every plan the spec manages for `subscriptionId`, in a stable order. */
export function desiredPlans(spec: Spec, subscriptionId: string): DesiredPlan[] {
  const out: DesiredPlan[] = [];
  const servers = resolveServers(spec.defender);
  if (servers) {
    const pricing = serversPricing(servers);
    const extensions: PlanExtension[] = [];
    if (pricing.pricingTier === "Standard") {
      extensions.push({ name: "MdeDesignatedSubscription", isEnabled: on(servers.designatedSubscription === subscriptionId) });
      if (servers.plan === "P2") {
        const tags = Object.keys(servers.exclusionTags).length ? { ExclusionTags: exclusionTagsValue(servers.exclusionTags) } : undefined;
        extensions.push({ name: "AgentlessVmScanning", isEnabled: on(servers.agentlessScanning), ...(servers.agentlessScanning && tags ? { additionalExtensionProperties: tags } : {}) });
        // Property names from public deployments (reference §3; see fimRules.ts): ARM refuses FIM without both.
        const ws = servers.fileIntegrityWorkspace;
        const fim = servers.fileIntegrityMonitoring && ws ? { DefinedWorkspaceId: ws, Rules: fimRulesValue(servers.fileIntegrityEntities ?? RECOMMENDED_MONITORED_ENTITIES) } : undefined;
        extensions.push({ name: "FileIntegrityMonitoring", isEnabled: on(servers.fileIntegrityMonitoring), ...(fim ? { additionalExtensionProperties: fim } : {}) });
      }
    }
    out.push({ plan: SERVERS_PLAN, pricingTier: pricing.pricingTier, subPlan: pricing.subPlan, enforce: pricing.pricingTier === "Standard" ? on(servers.enforce) : null, extensions });
  }
  const containers = resolveContainers(spec.defender);
  if (containers) {
    const extensions: PlanExtension[] = containers.enabled
      ? [
          { name: "ContainerSensor", isEnabled: on(containers.sensor) },
          { name: "AgentlessDiscoveryForKubernetes", isEnabled: on(containers.agentlessDiscovery) },
          { name: "ContainerRegistriesVulnerabilityAssessments", isEnabled: on(containers.registryVulnerabilityAssessment) },
        ]
      : [];
    out.push({ plan: CONTAINERS_PLAN, pricingTier: containers.enabled ? "Standard" : "Free", subPlan: null, enforce: null, extensions });
  }
  for (const [plan, p] of Object.entries(spec.defender?.plans ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push({ plan, pricingTier: p.enabled ? "Standard" : "Free", subPlan: p.enabled ? (p.subPlan ?? null) : null, enforce: null, extensions: p.enabled ? namedExtensions(plan, p.extensions) : [] });
  }
  return out;
}

type OtherPlanExtensions = NonNullable<NonNullable<DefenderSpec["plans"]>[string]["extensions"]>;

/**
 * The extensions `defender.plans.<plan>.extensions` names, in the reference's order. Only those:
 * a PUT keeps the extensions it does not list (Azure and the emulator alike; README "Defender"),
 * so one the spec does not name keeps what it has.
 */
function namedExtensions(plan: string, named: OtherPlanExtensions | undefined): PlanExtension[] {
  if (!named) return [];
  return (PLAN_EXTENSIONS[plan as PlanName] ?? []).flatMap((name): PlanExtension[] => {
    const e = named[name];
    if (!e) return [];
    const props: Record<string, string> = {};
    if (e.enabled && e.exclusionTags && Object.keys(e.exclusionTags).length) props["ExclusionTags"] = exclusionTagsValue(e.exclusionTags);
    if (e.enabled && e.capGBPerMonthPerStorageAccount !== undefined) props["CapGBPerMonthPerStorageAccount"] = String(e.capGBPerMonthPerStorageAccount);
    return [{ name, isEnabled: on(e.enabled), ...(Object.keys(props).length ? { additionalExtensionProperties: props } : {}) }];
  });
}

/** The subscription's pricing of `plan` as the inventory has it (older inventories: the VirtualMachines tier only). */
export function livePlan(settings: InventorySettings | undefined, plan: string): InventoryPlanPricing {
  const found = settings?.plans?.[plan];
  if (found) return found;
  if (plan === SERVERS_PLAN && settings?.pricingTier) return { pricingTier: settings.pricingTier };
  return { pricingTier: "Free" };
}

/** The replacement of a deprecated sub-plan the subscription is on, if it is on one. */
export function deprecatedSubPlan(plan: string, live: InventoryPlanPricing): { readonly from: string; readonly to: string } | undefined {
  const sub = live.subPlan;
  const to = sub ? SUB_PLANS[plan as PlanName]?.deprecated[sub] : undefined;
  return sub && to ? { from: sub, to } : undefined;
}

/**
 * The body this plan sends for `wanted` against the live pricing: a Standard plan the spec gives no
 * sub-plan, on a deprecated one, moves to its successor (Azure refuses the deprecated one).
 */
export function withSuccessor(wanted: DesiredPlan, live: InventoryPlanPricing): { readonly desired: DesiredPlan; readonly deprecated?: { readonly from: string; readonly to: string } } {
  const deprecated = deprecatedSubPlan(wanted.plan, live);
  if (!deprecated || wanted.pricingTier !== "Standard" || wanted.subPlan !== null) return { desired: wanted };
  return { desired: { ...wanted, subPlan: deprecated.to }, deprecated };
}

/** The fields of `desired` that the live pricing does not have, in the order the plan shows them. */
export function planChanges(desired: DesiredPlan, live: InventoryPlanPricing): PlanChange[] {
  const out: PlanChange[] = [];
  const field = (name: string) => `${desired.plan}.${name}`;
  if (live.pricingTier !== desired.pricingTier) out.push({ field: field("pricingTier"), from: live.pricingTier, to: desired.pricingTier });
  if (desired.pricingTier !== "Standard") return out;
  const liveSub = live.pricingTier === "Standard" ? (live.subPlan ?? null) : null;
  if (desired.subPlan !== null && liveSub !== desired.subPlan) {
    out.push({ field: field("subPlan"), from: liveSub ?? "(none)", to: desired.subPlan });
    // Down to a sub-plan without them: Azure turns the higher plan's extensions off with it (P2's agentless scanning and FIM on P1).
    for (const name of droppedExtensions(desired, live)) out.push({ field: field(name), from: "on", to: `off (not in ${desired.subPlan})` });
  }
  if (desired.enforce !== null && (live.enforce ?? "False") !== desired.enforce) out.push({ field: field("enforce"), from: live.enforce ?? "False", to: desired.enforce });
  for (const ext of desired.extensions) {
    const have = live.extensions?.find((e) => e.name.toLowerCase() === ext.name.toLowerCase());
    const haveOn = have?.isEnabled === "True";
    const wantOn = ext.isEnabled === "True";
    if (haveOn !== wantOn) out.push({ field: field(ext.name), from: haveOn ? "on" : "off", to: wantOn ? "on" : "off" });
    else if (wantOn) {
      for (const [key, value] of Object.entries(ext.additionalExtensionProperties ?? {})) {
        const current = propertyOf(have, key);
        if (samePropertyValue(key, current, value)) continue;
        // Rules are a long JSON string: the plan shows what they watch, the step carries them whole.
        const shown = key === "Rules" ? fimRulesSummary : (v: string | undefined) => v ?? "(none)";
        out.push({ field: field(`${ext.name}.${key}`), from: shown(current), to: shown(value) });
      }
    }
  }
  return out;
}

/** The extensions on in `live` that the desired sub-plan does not have (none when it keeps every one of them). */
export function droppedExtensions(desired: DesiredPlan, live: InventoryPlanPricing): string[] {
  // Only Defender for Servers' list is whole for its sub-plan; another plan's lists the extensions the spec names.
  if (desired.plan !== SERVERS_PLAN || desired.pricingTier !== "Standard" || desired.subPlan === null) return [];
  const kept = new Set(desired.extensions.map((e) => e.name.toLowerCase()));
  return (live.extensions ?? []).filter((e) => e.isEnabled === "True" && !kept.has(e.name.toLowerCase())).map((e) => e.name);
}

function propertyOf(ext: InventoryPricingExtension | undefined, key: string): string | undefined {
  const props = ext?.additionalExtensionProperties ?? undefined;
  if (!props) return undefined;
  const found = Object.entries(props).find(([k]) => k.toLowerCase() === key.toLowerCase());
  const v = found?.[1];
  return typeof v === "string" ? v : v === undefined || v === null ? undefined : JSON.stringify(v);
}

/** ExclusionTags compare as sets of pairs (any key case, any order); Rules by what they watch; ids ignore case. */
function samePropertyValue(key: string, current: string | undefined, wanted: string): boolean {
  if (current === undefined) return false;
  if (key === "ExclusionTags") return normalizedTags(current) === normalizedTags(wanted);
  if (key === "Rules") return sameFimRules(current, wanted);
  return current.toLowerCase() === wanted.toLowerCase();
}

function normalizedTags(text: string): string {
  try {
    // The examples write both `{"key":..}` and `{'Key':..}`: accept either.
    const parsed = JSON.parse(text.replace(/'/g, '"')) as unknown;
    if (!Array.isArray(parsed)) return text;
    const pairs = parsed.map((p) => {
      const o = (p ?? {}) as Record<string, unknown>;
      const get = (k: string) => String(Object.entries(o).find(([x]) => x.toLowerCase() === k)?.[1] ?? "");
      return `${get("key")}=${get("value")}`;
    });
    return pairs.sort().join("\n");
  } catch {
    return text;
  }
}

/** The change label the plan shows: `VirtualMachines.subPlan: P1 → P2`. */
export function changeLabel(c: PlanChange): string {
  return `${c.field}: ${c.from} → ${c.to}`;
}
