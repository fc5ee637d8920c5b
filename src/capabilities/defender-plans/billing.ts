/**
 * Plan-wide: every Defender plan the `defender` section turns on or off, and every move to another
 * sub-plan of a plan that stays Standard, said once per plan and direction with the subscriptions
 * (a user who adds `storageAccounts: { enabled: true }` starts paying for every storage account;
 * `enabled: false` removes the protection). Defender for Servers keeps its own codes; the words
 * and codes are subscription-settings/billing.ts's. The tiers compared are the ones the
 * subscription phase sends (deprecated sub-plans replaced as there).
 */
import { SERVERS_PLAN, SUB_PLANS, type PlanName } from "../../spec";
import {
  noteServersTierChanges,
  noteSubPlanMove,
  noteTierChanges,
  PLAN_CODES,
  SERVERS_BILLING,
  type PlanBilling,
  type SubPlanBilling,
  type TierField,
} from "../subscription-settings";
import { fewNames, type PlanContext, type StepSink, type StepMap } from "../../core/kernel";
import type { InventoryPlanPricing } from "../../inventory/schema";
import { desiredPlans, livePlan, withSuccessor, type DesiredPlan } from "./desired";

type Words = Omit<PlanBilling, "pricing">;

/** What each plan bills when on and takes away when off (Azure's pricing page's units; the spec's plans and the deprecated ones it may turn off). */
const PLAN_WORDS: Readonly<Record<Exclude<PlanName, typeof SERVERS_PLAN>, Words>> = {
  Containers: {
    name: "Defender for Containers",
    bills: "From the apply on, Azure bills the plan per vCore-hour of every Kubernetes node it covers there (AKS, Arc-enabled and multicloud clusters), and Defender deploys its sensor to their clusters (with ContainerSensor on, the spec's default).",
    ends: "Their clusters and registries lose Defender for Containers protection: runtime threat detection, registry image vulnerability assessment and agentless discovery stop, and the Defender sensor no longer protects their clusters (Defender deploys it no more).",
  },
  CloudPosture: {
    name: "Defender CSPM",
    bills: "From the apply on, Azure bills the plan monthly per billable resource there (servers, databases, storage accounts).",
    ends: "They lose Defender CSPM's attack-path analysis, cloud security explorer, data-aware posture and agentless scanning (unless Defender for Servers P2 keeps it on); the free foundational CSPM stays.",
  },
  StorageAccounts: {
    name: "Defender for Storage",
    bills: "From the apply on, Azure bills the plan per storage account per month there (transactions over the included amount extra), and on-upload malware scanning per GB it scans.",
    ends: "Their storage accounts lose Defender for Storage protection: activity monitoring and its alerts, on-upload malware scanning and sensitive-data threat detection stop.",
  },
  SqlServers: {
    name: "Defender for Azure SQL Databases",
    bills: "From the apply on, Azure bills the plan per SQL server and managed instance there per month.",
    ends: "Their Azure SQL servers and managed instances lose Defender for SQL: vulnerability assessment and the plan's threat alerts stop.",
  },
  SqlServerVirtualMachines: {
    name: "Defender for SQL servers on machines",
    bills: "From the apply on, Azure bills the plan per hour for every machine running SQL Server there (Azure VMs and Arc-enabled servers).",
    ends: "SQL Server on their machines loses Defender for SQL: vulnerability assessment and the plan's threat alerts stop.",
  },
  AppServices: {
    name: "Defender for App Service",
    bills: "From the apply on, Azure bills the plan per instance-hour of every App Service plan there.",
    ends: "Their App Service apps lose Defender for App Service: its threat detection and alerts stop.",
  },
  KeyVaults: {
    name: "Defender for Key Vault",
    bills: "From the apply on, Azure bills the plan per key vault per month there.",
    ends: "Their key vaults lose Defender for Key Vault: its alerts on unusual access stop.",
  },
  Dns: {
    name: "Defender for DNS",
    bills: "From the apply on, Azure bills the plan per million DNS queries their resources make through Azure DNS.",
    ends: "They lose Defender for DNS: its alerts on suspicious DNS activity stop (Defender for Servers P2 includes DNS alerts for the machines it covers).",
  },
  Arm: {
    name: "Defender for Resource Manager",
    bills: "From the apply on, Azure bills the plan per subscription per month.",
    ends: "They lose Defender for Resource Manager: its alerts on suspicious management operations stop.",
  },
  OpenSourceRelationalDatabases: {
    name: "Defender for open-source relational databases",
    bills: "From the apply on, Azure bills the plan per server per month there (Azure Database for PostgreSQL and MySQL).",
    ends: "Their PostgreSQL and MySQL servers lose the plan's threat alerts.",
  },
  CosmosDbs: {
    name: "Defender for Azure Cosmos DB",
    bills: "From the apply on, Azure bills the plan per 100 RU/s provisioned per hour there.",
    ends: "Their Cosmos DB accounts lose the plan's threat alerts.",
  },
  Api: {
    name: "Defender for APIs",
    bills: "From the apply on, Azure bills the plan per month by the API calls of the API Management APIs it protects there.",
    ends: "Their API Management APIs lose Defender for APIs: its inventory, security findings and threat alerts stop.",
  },
  KubernetesService: {
    name: "Defender for Kubernetes (deprecated)",
    bills: "From the apply on, Azure bills the deprecated plan per vCore-hour of their AKS nodes.",
    ends: "Their AKS clusters lose the deprecated plan's protection: Defender for Containers (defender.containers) replaces it.",
  },
  ContainerRegistry: {
    name: "Defender for container registries (deprecated)",
    bills: "From the apply on, Azure bills the deprecated plan per image it scans.",
    ends: "Their registries lose the deprecated plan's image scanning: Defender for Containers (defender.containers) replaces it.",
  },
};

/** How each sub-plan bills, where a plan's sub-plans bill differently (the classic and deprecated ones a subscription may be on too). */
const SUB_PLAN_BILLING: Readonly<Partial<Record<PlanName, SubPlanBilling>>> = {
  VirtualMachines: { P1: "per machine-hour at Plan 1's rate", P2: "per machine-hour at Plan 2's higher rate" },
  StorageAccounts: {
    DefenderForStorageV2: "per storage account per month, and on-upload malware scanning per GB scanned",
    PerTransaction: "per 10,000 storage transactions (the classic plan)",
    PerStorageAccount: "per storage account per month (the classic plan)",
  },
  KeyVaults: { PerKeyVault: "per key vault per month", PerTransaction: "per 10,000 vault transactions" },
  Arm: { PerSubscription: "per subscription per month", PerApiCall: "per million management API calls" },
};

function billingOf(plan: string): PlanBilling {
  const words = plan === SERVERS_PLAN ? SERVERS_BILLING : PLAN_WORDS[plan as Exclude<PlanName, typeof SERVERS_PLAN>];
  // The spec's validation admits only known plans; a name without words is still said, plainly.
  return { pricing: plan, ...(words ?? { name: `Defender plan ${plan}`, bills: "From the apply on, Azure bills the plan there.", ends: "They lose the plan's protection." }) };
}

/** The spec's section that manages `plan`: leaving it out leaves each subscription's plan as it is. */
function sectionOf(plan: string): string {
  return plan === SERVERS_PLAN ? "defender.servers" : plan === "Containers" ? "defender.containers" : `defender.plans.${plan}`;
}

/** The field that moves the tier, and how to keep it; `subPlan`: what the spec asks for (Servers: its P1 or P2). */
function tierField(plan: string, subPlan: string | null): TierField {
  if (plan === SERVERS_PLAN) {
    return {
      field: "defender.servers.plan",
      keepFree: `defender.servers.plan ${subPlan ?? "P1 or P2"} asks for it: set it to Off to keep these subscriptions on Free, or keep single machines out with a resource-level Free plan (defender.servers.overrides).`,
      keepOn: "defender.servers.plan Off asks for it: set P1 or P2 to keep the plan.",
    };
  }
  const section = sectionOf(plan);
  const leave = `or leave ${section} out of the spec to leave each subscription's plan as it is.`;
  return {
    field: `${section}.enabled`,
    keepFree: `${section}.enabled true asks for it: set it to false to keep these subscriptions on Free, ${leave}`,
    keepOn: `${section}.enabled false asks for it: set it to true to keep the plan, ${leave}`,
  };
}

/** The field that moves the sub-plan, and how to keep each subscription's (a deprecated one no spec keeps). */
function subPlanField(ctx: PlanContext, plan: string, to: string, froms: readonly string[]): { readonly field: string; readonly keep: string } {
  const section = sectionOf(plan);
  const deprecated = froms.filter((f) => SUB_PLANS[plan as PlanName]?.deprecated[f]);
  const kept = froms.filter((f) => !deprecated.includes(f));
  const keep: string[] = [];
  if (kept.length) {
    keep.push(
      plan === SERVERS_PLAN
        ? `defender.servers.plan ${to} asks for it: set it to ${kept.join(" or ")} to keep the sub-plan.`
        : `${section}.subPlan ${to} asks for it: leave subPlan out to keep each subscription's sub-plan as it is.`,
    );
  }
  if (deprecated.length) {
    keep.push(`Azure refuses ${deprecated.join(" and ")} (deprecated, InvalidInputError), so no spec keeps it: leave ${section} out of the spec to leave these subscriptions as they are until Azure moves them.`);
  }
  const field = plan === SERVERS_PLAN ? "defender.servers.plan" : ctx.spec.defender?.plans?.[plan]?.subPlan ? `${section}.subPlan` : `${section}.enabled`;
  return { field, keep: keep.join(" ") };
}

/** Storage's on-upload malware scanning, billed on its own per GB it scans (the plan's own price aside). */
const MALWARE_SCANNING = { plan: "StorageAccounts", extension: "OnUploadMalwareScanning" } as const;

/** The cap the step sends on malware scanning turned on in a plan that stays Standard, when it was off (null: no cap given); undefined otherwise. */
function malwareScanningStarts(desired: DesiredPlan, live: InventoryPlanPricing): string | null | undefined {
  if (desired.plan !== MALWARE_SCANNING.plan || live.pricingTier !== "Standard" || desired.pricingTier !== "Standard") return undefined;
  const wanted = desired.extensions.find((e) => e.name === MALWARE_SCANNING.extension && e.isEnabled === "True");
  if (!wanted || live.extensions?.some((e) => e.name.toLowerCase() === MALWARE_SCANNING.extension.toLowerCase() && e.isEnabled === "True")) return undefined;
  return wanted.additionalExtensionProperties?.["CapGBPerMonthPerStorageAccount"] ?? null;
}

/**
 * Malware scanning turned on where Defender for Storage is on already: billed per GB from the apply
 * on, which the plan's own tier change (said above) does not cover (user trial 20, item 6).
 */
function noteMalwareScanningStarts(b: StepSink<StepMap>, starts: ReadonlyMap<string, string | null>): void {
  if (!starts.size) return;
  const caps = [...new Set(starts.values())].map((c) => (c === null ? "the cap the subscription has (the spec gives none)" : c === "-1" ? "no cap" : `${c} GB`));
  const field = `defender.plans.${MALWARE_SCANNING.plan}.extensions.${MALWARE_SCANNING.extension}`;
  b.finding(
    "warning",
    "defender-extension-billing-starts",
    `${field}.enabled`,
    `This plan turns Defender for Storage's on-upload malware scanning on (pricing StorageAccounts, extension ${MALWARE_SCANNING.extension}: off → on) in ${starts.size} subscription(s): ${fewNames([...starts.keys()])}. From the apply on, Azure bills it per GB it scans, on top of the plan, per storage account and month up to ${caps.join(" or ")} (capGBPerMonthPerStorageAccount). Set ${field}.enabled to false to keep it off.`,
  );
}

export function notePlanBilling(ctx: PlanContext, b: StepSink<StepMap>): void {
  // Keyed by plan, in the spec's plan order (every subscription lists the same plans in the same order).
  const tiers = new Map<string, { on: string[]; off: string[]; subPlan: string | null }>();
  const moves = new Map<string, { to: string; from: Map<string, string[]> }>();
  const scanning = new Map<string, string | null>();
  for (const sub of [...ctx.inScope].sort()) {
    if (!ctx.onboardedAt.has(sub)) continue;
    const settings = ctx.settings.get(sub);
    for (const wanted of desiredPlans(ctx.spec, sub)) {
      const live = livePlan(settings, wanted.plan);
      const { desired } = withSuccessor(wanted, live);
      const cap = malwareScanningStarts(desired, live);
      if (cap !== undefined) scanning.set(sub, cap);
      let tier = tiers.get(desired.plan);
      if (!tier) tiers.set(desired.plan, (tier = { on: [], off: [], subPlan: desired.subPlan }));
      if (live.pricingTier !== desired.pricingTier) {
        (desired.pricingTier === "Standard" ? tier.on : tier.off).push(sub);
        continue;
      }
      // A live Standard without a sub-plan (an older inventory) bills as nobody can tell: the plan's field list shows the move.
      const from = desired.pricingTier === "Standard" ? live.subPlan : undefined;
      if (!from || desired.subPlan === null || from === desired.subPlan) continue;
      let move = moves.get(desired.plan);
      if (!move) moves.set(desired.plan, (move = { to: desired.subPlan, from: new Map() }));
      const leaving = move.from.get(from);
      if (leaving) leaving.push(sub);
      else move.from.set(from, [sub]);
    }
  }
  for (const [plan, changes] of tiers) {
    if (plan === SERVERS_PLAN) noteServersTierChanges(b, changes, tierField(plan, changes.subPlan));
    else noteTierChanges(b, PLAN_CODES, billingOf(plan), changes, tierField(plan, changes.subPlan));
  }
  for (const [plan, move] of moves) {
    const { field, keep } = subPlanField(ctx, plan, move.to, [...move.from.keys()]);
    noteSubPlanMove(b, billingOf(plan), SUB_PLAN_BILLING[plan as PlanName] ?? {}, move, field, keep);
  }
  noteMalwareScanningStarts(b, scanning);
}
