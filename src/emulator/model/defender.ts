/**
 * Defender for Cloud's documents as the published specs shape them (pricings 2024-01-01, settings
 * 2022-05-01, serverVulnerabilityAssessmentsSettings 2023-05-01; the installed @azure/arm-security
 * 5 models are older, so the wire types are written here), the defaults a subscription has before
 * anything is written, and the reads Defender's own behaviour (defenderAgent.ts) needs.
 */
import { SECURITY_SETTING_KINDS } from "../../spec/defender";
import type { StoredResource } from "../store/resources";
import { getString, isObject, type JsonObject } from "../util/json";
import { subscriptionScopeId } from "../util/armId";
import type { StoreContext } from "./context";
import { PRICING_TYPE, SECURITY_SETTING_TYPE, VA_SETTING_TYPE } from "./resourceTypes";

/** One extension of a pricing (Extension in pricings.json 2024-01-01). */
export interface PricingExtensionWire {
  name: string;
  isEnabled: "True" | "False";
  additionalExtensionProperties?: Record<string, unknown>;
  operationStatus?: { code: "Succeeded" | "Failed"; message: string };
}

/** A pricing document's `properties` (PricingProperties in pricings.json 2024-01-01). */
export interface PricingPropertiesWire {
  pricingTier: "Free" | "Standard";
  subPlan?: string;
  freeTrialRemainingTime?: string;
  enablementTime?: string;
  enforce?: "True" | "False";
  inherited?: "True" | "False";
  inheritedFrom?: string | null;
  resourcesCoverageStatus?: "FullyCovered" | "PartiallyCovered" | "NotCovered";
  extensions?: PricingExtensionWire[];
}

export interface PricingDoc {
  id: string;
  name: string;
  type: typeof PRICING_TYPE;
  properties: PricingPropertiesWire;
}

/**
 * The extensions a plan has once it is Standard and nothing says otherwise: the portal's defaults
 * (P2: agentless scanning on; file integrity monitoring and direct onboarding off; the Containers
 * and CSPM components on).
 */
export function defaultExtensions(plan: string, subPlan: string | undefined): PricingExtensionWire[] {
  const ext = (name: string, on: boolean): PricingExtensionWire => ({ name, isEnabled: on ? "True" : "False" });
  switch (plan) {
    case "VirtualMachines":
      return subPlan === "P1" ? [ext("MdeDesignatedSubscription", false)] : [ext("MdeDesignatedSubscription", false), ext("AgentlessVmScanning", true), ext("FileIntegrityMonitoring", false)];
    case "Containers":
      return [ext("ContainerSensor", true), ext("AgentlessDiscoveryForKubernetes", true), ext("ContainerRegistriesVulnerabilityAssessments", true)];
    case "CloudPosture":
      return [ext("AgentlessVmScanning", true), ext("SensitiveDataDiscovery", true), ext("ContainerRegistriesVulnerabilityAssessments", true), ext("AgentlessDiscoveryForKubernetes", true), ext("EntraPermissionsManagement", false)];
    case "StorageAccounts":
      return [ext("OnUploadMalwareScanning", true), ext("SensitiveDataDiscovery", true)];
    default:
      return [];
  }
}

export function pricingId(scope: string, plan: string): string {
  return `${scope}/providers/${PRICING_TYPE}/${plan}`;
}

/** The subscription's pricing of a plan: its stored document, or Free. */
export function subscriptionPricing(ctx: StoreContext, subscriptionId: string, plan: string): PricingPropertiesWire {
  const stored = ctx.store.get(pricingId(subscriptionScopeId(subscriptionId), plan));
  const props = stored?.doc["properties"];
  return isObject(props) ? (props as unknown as PricingPropertiesWire) : { pricingTier: "Free" };
}

/** A machine's own resource-level VirtualMachines pricing, if it has one. */
export function resourcePricing(ctx: StoreContext, machineId: string): PricingPropertiesWire | undefined {
  const stored = ctx.store.get(pricingId(machineId, "VirtualMachines"));
  const props = stored?.doc["properties"];
  return isObject(props) ? (props as unknown as PricingPropertiesWire) : undefined;
}

export function extensionEnabled(p: PricingPropertiesWire, name: string): boolean {
  return p.pricingTier === "Standard" && (p.extensions ?? []).some((e) => e.name.toLowerCase() === name.toLowerCase() && e.isEnabled === "True");
}

/** Settings a subscription has before anything is written (WDATP and MCAS on, the unified solution on, Linux included). */
export const SETTING_DEFAULTS: Readonly<Record<string, boolean>> = Object.freeze({
  MCAS: true,
  WDATP: true,
  WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: false,
  WDATP_UNIFIED_SOLUTION: true,
  Sentinel: false,
});

/** The canonical name of a setting (the API's enum is case-insensitive), or undefined. */
export function settingName(name: string): string | undefined {
  return Object.keys(SECURITY_SETTING_KINDS).find((n) => n.toLowerCase() === name.toLowerCase());
}

export function settingId(subscriptionId: string, name: string): string {
  return `${subscriptionScopeId(subscriptionId)}/providers/${SECURITY_SETTING_TYPE}/${name}`;
}

export function settingDoc(subscriptionId: string, name: string, enabled: boolean): JsonObject {
  return { id: settingId(subscriptionId, name), name, type: SECURITY_SETTING_TYPE, kind: SECURITY_SETTING_KINDS[name] ?? "DataExportSettings", properties: { enabled } };
}

/** A setting's value: stored, or its default. */
export function settingEnabled(ctx: StoreContext, subscriptionId: string, name: string): boolean {
  const stored = ctx.store.get(settingId(subscriptionId, name));
  const v = stored?.doc["properties"];
  return isObject(v) && typeof v["enabled"] === "boolean" ? v["enabled"] : (SETTING_DEFAULTS[name] ?? false);
}

export function vaSettingId(subscriptionId: string): string {
  return `${subscriptionScopeId(subscriptionId)}/providers/${VA_SETTING_TYPE}/AzureServersSetting`;
}

/** The subscription's vulnerability-assessment provider (`MdeTvm`), or undefined when none is set. */
export function vaProvider(ctx: StoreContext, subscriptionId: string): string | undefined {
  const stored: StoredResource | undefined = ctx.store.get(vaSettingId(subscriptionId));
  return stored ? getString(stored.doc, "properties", "selectedProvider") : undefined;
}
