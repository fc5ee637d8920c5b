/** The steps of Defender plans: a subscription's pricing of one plan, and a machine's own pricing. */
import type { InventoryResourcePricing } from "../../inventory/schema";
import { SERVERS_PLAN } from "../../spec";
import { workspaceLabel, type StepKinds } from "../../core/kernel";
import { changeLabel, type PlanChange, type PlanExtension } from "./desired";

/** PUT `pricings/{plan}` at the subscription with the whole body the spec wants; `changes` say why. */
export interface SetDefenderPlanDetails {
  readonly subscriptionId: string;
  readonly plan: string;
  readonly pricingTier: "Standard" | "Free";
  readonly subPlan: string | null;
  readonly enforce: "True" | "False" | null;
  readonly extensions: readonly PlanExtension[];
  /** Field by field, what differs from the live pricing (never empty). */
  readonly changes: readonly PlanChange[];
}

/** PUT `{machine}/providers/Microsoft.Security/pricings/VirtualMachines`: P1 (Standard) or Free. */
export interface SetResourcePricingDetails {
  readonly machineId: string;
  readonly subscriptionId: string;
  readonly pricingTier: "Standard" | "Free";
  readonly subPlan: "P1" | null;
  /** The machine's own pricing before, null when it inherited the subscription's. */
  readonly from: InventoryResourcePricing | null;
}

export interface DefenderPlanSteps {
  readonly "set-defender-plan": SetDefenderPlanDetails;
  readonly "set-resource-pricing": SetResourcePricingDetails;
}

/** The resource-level pricing of a machine (ARM id). */
export function resourcePricingId(machineId: string): string {
  return `${machineId}/providers/Microsoft.Security/pricings/${SERVERS_PLAN}`;
}

export function resourcePlanLabel(p: { readonly pricingTier: string; readonly subPlan?: string | null } | null): string {
  if (!p) return "inherited";
  return p.pricingTier === "Standard" ? (p.subPlan ?? "Standard") : "Free";
}

export const DEFENDER_PLAN_STEPS: StepKinds<DefenderPlanSteps> = {
  "set-defender-plan": {
    label: (d) => d.changes.map(changeLabel).join(", "),
    simulate: (sim, d) => {
      const settings = sim.settingsOf(d.subscriptionId);
      const plans = (settings.plans ??= {});
      plans[d.plan] = {
        pricingTier: d.pricingTier,
        ...(d.subPlan !== null ? { subPlan: d.subPlan } : {}),
        ...(d.enforce !== null ? { enforce: d.enforce } : {}),
        extensions: d.extensions.map((e) => ({ ...e, ...(e.additionalExtensionProperties ? { additionalExtensionProperties: { ...e.additionalExtensionProperties } } : {}) })),
      };
      if (d.plan === SERVERS_PLAN) settings.pricingTier = d.pricingTier;
    },
  },
  "set-resource-pricing": {
    label: (d) => `${workspaceLabel(d.machineId)}: ${resourcePlanLabel(d.from)} → ${resourcePlanLabel(d)}`,
    machineId: (d) => d.machineId,
    simulate: (sim, d) => {
      sim.machine(d.machineId).pricing = { pricingTier: d.pricingTier, ...(d.subPlan ? { subPlan: d.subPlan } : {}) };
    },
  },
};
