/**
 * What Defender for Cloud holds per subscription and per machine, read for the inventory: every
 * plan's pricing (2024-01-01, one list request), the integration's settings (2022-05-01, one list
 * request), the vulnerability-assessment provider (one request), and from Resource Graph the
 * machines' own pricings and their vulnerability assessments (securityresources).
 */
import type { InventoryMachine, InventoryPlanPricing, InventorySettings } from "../../inventory/schema";
import { PRICINGS_API_VERSION, SECURITY_SETTINGS_API_VERSION, VA_MACHINE_ASSESSMENT_NAME, VA_SETTINGS_API_VERSION } from "../../spec/defender";
import type { AzureConnection } from "../connection";
import type { GraphRow } from "../graph";
import { isNotFound } from "../errors";
import { ArmRest } from "../rest";
import { withRetries, type RetryOptions } from "../retry";
import { at, str } from "./json";

export type DefenderSettings = Pick<InventorySettings, "plans" | "securitySettings" | "vulnerabilityAssessmentProvider">;

interface ArmList {
  readonly value?: readonly { readonly name?: string; readonly properties?: Record<string, unknown> }[];
}

async function getOrNull(rest: ArmRest, path: string, apiVersion: string, retry?: RetryOptions): Promise<unknown> {
  try {
    return await withRetries(() => rest.get(path, apiVersion), retry);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export async function readDefenderSettings(conn: AzureConnection, subscriptionId: string, retry?: RetryOptions): Promise<DefenderSettings> {
  const rest = new ArmRest(conn);
  const scope = `/subscriptions/${subscriptionId}/providers/Microsoft.Security`;
  const [pricings, settings, va] = await Promise.all([
    getOrNull(rest, `${scope}/pricings`, PRICINGS_API_VERSION, retry) as Promise<ArmList | null>,
    getOrNull(rest, `${scope}/settings`, SECURITY_SETTINGS_API_VERSION, retry) as Promise<ArmList | null>,
    getOrNull(rest, `${scope}/serverVulnerabilityAssessmentsSettings/azureServersSetting`, VA_SETTINGS_API_VERSION, retry),
  ]);
  const plans: Record<string, InventoryPlanPricing> = {};
  for (const p of pricings?.value ?? []) {
    const tier = str(at(p.properties, "pricingTier"));
    if (!p.name || (tier !== "Free" && tier !== "Standard")) continue;
    const enforce = str(at(p.properties, "enforce"));
    const extensions = at(p.properties, "extensions");
    plans[p.name] = {
      pricingTier: tier,
      ...(str(at(p.properties, "subPlan")) ? { subPlan: str(at(p.properties, "subPlan")) } : {}),
      ...(enforce === "True" || enforce === "False" ? { enforce } : {}),
      ...(Array.isArray(extensions)
        ? {
            extensions: extensions.flatMap((e) => {
              const name = str(at(e, "name"));
              const isEnabled = str(at(e, "isEnabled"));
              if (!name || (isEnabled !== "True" && isEnabled !== "False")) return [];
              const props = at(e, "additionalExtensionProperties");
              return [{ name, isEnabled, ...(props && typeof props === "object" ? { additionalExtensionProperties: props as Record<string, unknown> } : {}) }];
            }),
          }
        : {}),
    };
  }
  const securitySettings: Record<string, boolean> = {};
  for (const s of settings?.value ?? []) {
    const enabled = at(s.properties, "enabled");
    if (s.name && typeof enabled === "boolean") securitySettings[s.name] = enabled;
  }
  return { plans, securitySettings, vulnerabilityAssessmentProvider: str(at(va, "properties", "selectedProvider")) ?? null };
}

/** Resource Graph: the machines' own pricings and their vulnerability assessments (subscription pricings come by REST). */
export const DEFENDER_QUERY = [
  "securityresources",
  "| where type in~ ('microsoft.security/pricings', 'microsoft.security/servervulnerabilityassessments')",
  "| project id, name, type, properties",
  "| order by id asc",
].join("\n");

/**
 * The securityresources rows a machine can have, by name under its id: its own Defender for
 * Servers pricing and its vulnerability assessment (Defender's MDE TVM, or the built-in Qualys
 * one, which ARM names `default`). Reading them by id lets a watch round read just the machines
 * that changed (`resourcechanges` covers the `resources` table, not `securityresources`).
 */
const MACHINE_SECURITY_CHILDREN = ["pricings/VirtualMachines", "serverVulnerabilityAssessments/mdetvm", "serverVulnerabilityAssessments/default"] as const;

export function machineSecurityIds(machineId: string): string[] {
  return MACHINE_SECURITY_CHILDREN.map((c) => `${machineId}/providers/Microsoft.Security/${c}`);
}

/** Puts each resource-level pricing and assessment on its machine. */
export function applyDefenderRows(machines: InventoryMachine[], rows: readonly GraphRow[]): void {
  const byId = new Map(machines.map((m) => [m.id.toLowerCase(), m] as const));
  for (const row of rows) {
    const at_ = row.id.toLowerCase().lastIndexOf("/providers/microsoft.security/");
    const m = at_ > 0 ? byId.get(row.id.toLowerCase().slice(0, at_)) : undefined;
    if (!m) continue;
    if (row.type.toLowerCase() === "microsoft.security/pricings") {
      const tier = str(at(row.properties, "pricingTier"));
      // A machine without its own pricing inherits: nothing to record.
      if ((tier === "Free" || tier === "Standard") && str(at(row.properties, "inherited")) !== "True") {
        m.pricing = { pricingTier: tier, ...(str(at(row.properties, "subPlan")) ? { subPlan: str(at(row.properties, "subPlan")) } : {}) };
      }
    } else {
      const name = row.name ?? VA_MACHINE_ASSESSMENT_NAME;
      // Defender's mdetvm beside the retired Qualys `default` (left in place by the transition) is the one that assesses: it is kept, whichever row comes last.
      if (m.vulnerabilityAssessment?.name.toLowerCase() === VA_MACHINE_ASSESSMENT_NAME && name.toLowerCase() !== VA_MACHINE_ASSESSMENT_NAME) continue;
      m.vulnerabilityAssessment = { name, ...(str(at(row.properties, "provisioningState")) ? { provisioningState: str(at(row.properties, "provisioningState")) } : {}) };
    }
  }
}
