/**
 * Microsoft.Security as Defender for Cloud serves it today: pricings per plan with sub-plans,
 * extensions and enforce, at subscription and at resource level (pricings 2024-01-01); the
 * settings of the Defender for Endpoint integration (2022-05-01); the subscription's
 * vulnerability-assessment provider and a machine's assessment. Each write of a subscription's
 * plan or switch tells Defender's own behaviour (model/defenderAgent.ts), which deploys what
 * Defender deploys itself after its delay.
 *
 * Refusals follow reference/defender-today.md §2: a deprecated sub-plan or an extension the plan
 * does not have is `InvalidInputError`; resource-level pricing is VirtualMachines only, on virtual
 * machines, scale sets and Arc machines, P1 or Free only, and has no `enforce`.
 */
import type { ListInput, PutInput, PutResult, ResourceTypeSpec, Needs, Target } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import type { EmuRequest } from "../http/types";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { subscriptionScopeId } from "../util/armId";
import { PLAN_EXTENSIONS, RESOURCE_LEVEL_PLANS, SUB_PLANS, VA_PROVIDER_MDE_TVM, type PlanName } from "../../spec/defender";
import { WORKSPACE_ID_PATTERN } from "../../spec/patterns";
import {
  defaultExtensions,
  pricingId,
  settingDoc,
  settingName,
  SETTING_DEFAULTS,
  subscriptionPricing,
  type PricingDoc,
  type PricingExtensionWire,
  type PricingPropertiesWire,
} from "../model/defender";
import { machineKindOf } from "../model/machines";
import { ARC_TYPE, MACHINE_TYPES, PRICING_NAMES, PRICING_TYPE, SECURITY_SETTING_TYPE, VA_ASSESSMENT_TYPE, VA_SETTING_TYPE } from "../model/resourceTypes";

/** What these handlers use. */
type Deps = Needs<"store" | "clock">;

/** Defender's own behaviour, told when a subscription's plan or switch changes. */
export interface DefenderSchedule {
  arm(subscriptionId: string): void;
}

function planName(name: string, apiVersion: string): string | undefined {
  const known = PRICING_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
  if (known) return known;
  if (name.toLowerCase() === "default" && apiVersion <= "2018-06-01") return "default";
  return undefined;
}

function tierOf(body: JsonObject): "Free" | "Standard" {
  const tier = getString(body, "properties", "pricingTier");
  const canonical = (["Free", "Standard"] as const).find((t) => t.toLowerCase() === (tier ?? "").toLowerCase());
  if (!canonical) throw ArmErrors.invalidParameter(`pricingTier '${tier ?? ""}' is not one of Free, Standard.`, "properties.pricingTier");
  return canonical;
}

function trueFalse(value: unknown, field: string): "True" | "False" {
  const v = ["True", "False"].find((t) => t.toLowerCase() === String(value).toLowerCase());
  if (!v) throw ArmErrors.invalidParameter(`${field} '${String(value)}' is not one of True, False.`, field);
  return v as "True" | "False";
}

function subPlanOf(plan: string, tier: "Free" | "Standard", given: string | undefined): string | undefined {
  if (tier === "Free") return undefined;
  const subPlans = SUB_PLANS[plan as PlanName];
  if (given === undefined) return plan === "VirtualMachines" ? "P2" : subPlans?.current[0];
  if (!subPlans) throw ArmErrors.invalidInputError(`The plan '${plan}' has no sub-plans; subPlan '${given}' is not accepted.`);
  const deprecated = Object.keys(subPlans.deprecated).find((d) => d.toLowerCase() === given.toLowerCase());
  if (deprecated) throw ArmErrors.invalidInputError(`The sub-plan '${deprecated}' of '${plan}' is deprecated and can no longer be selected; use '${subPlans.deprecated[deprecated]}'.`);
  const current = subPlans.current.find((c) => c.toLowerCase() === given.toLowerCase());
  if (!current) throw ArmErrors.invalidInputError(`The sub-plan '${given}' is not valid for '${plan}'. Valid sub-plans: ${subPlans.current.join(", ")}.`);
  return current;
}

/** The extensions after a PUT: the given ones over the current (or the plan's defaults), validated by name. */
function extensionsOf(plan: string, given: unknown, current: PricingExtensionWire[]): PricingExtensionWire[] {
  if (given === undefined || given === null) return current;
  if (!Array.isArray(given)) throw ArmErrors.invalidParameter("extensions must be an array of { name, isEnabled, additionalExtensionProperties }.", "properties.extensions");
  const allowed = PLAN_EXTENSIONS[plan as PlanName] ?? [];
  const out = current.map((e) => ({ ...e }));
  given.forEach((g, i) => {
    if (!isObject(g) || typeof g["name"] !== "string") throw ArmErrors.invalidParameter(`extensions[${i}].name is required.`, `properties.extensions[${i}].name`);
    const name = allowed.find((a) => a.toLowerCase() === String(g["name"]).toLowerCase());
    if (!name) throw ArmErrors.invalidInputError(`The extension '${String(g["name"])}' is not available for the plan '${plan}'${allowed.length ? `; available: ${allowed.join(", ")}` : ""}.`);
    const isEnabled = trueFalse(g["isEnabled"], `properties.extensions[${i}].isEnabled`);
    const props = isObject(g["additionalExtensionProperties"]) ? clone(g["additionalExtensionProperties"]) : undefined;
    if (name === "FileIntegrityMonitoring" && (isEnabled === "True" || props)) checkFimProperties(props, i);
    const next: PricingExtensionWire = { name, isEnabled, ...(props ? { additionalExtensionProperties: props } : {}) };
    const at = out.findIndex((e) => e.name === name);
    if (at >= 0) out[at] = next;
    else out.push(next);
  });
  return out;
}

/**
 * File integrity monitoring needs its workspace and its rules, checked even on a disabled extension
 * that carries properties (as a public deployment reports of ARM; reference §3).
 */
function checkFimProperties(props: Record<string, unknown> | undefined, i: number): void {
  const at = `properties.extensions[${i}].additionalExtensionProperties`;
  for (const key of ["DefinedWorkspaceId", "Rules"]) {
    if (typeof props?.[key] !== "string" || props[key] === "") throw ArmErrors.invalidInputError(`Missing required property '${key}' in ${at} of the extension 'FileIntegrityMonitoring'.`);
  }
  const ws = props!["DefinedWorkspaceId"] as string;
  if (!WORKSPACE_ID_PATTERN.test(ws)) {
    throw ArmErrors.invalidInputError(`${at}.DefinedWorkspaceId '${ws}' is not the resource id of a Log Analytics workspace.`);
  }
  let rules: unknown;
  try {
    rules = JSON.parse(props!["Rules"] as string);
  } catch {
    rules = undefined;
  }
  if (!Array.isArray(rules) || rules.length === 0) throw ArmErrors.invalidInputError(`${at}.Rules must be a JSON array of rules [{ RuleId, MonitoredEntities }].`);
}

function withStatus(extensions: PricingExtensionWire[]): PricingExtensionWire[] {
  return extensions.map(({ operationStatus: _drop, ...e }) => ({
    ...e,
    operationStatus: { code: "Succeeded" as const, message: e.isEnabled === "True" ? "Successfully enabled extension" : "Successfully disabled extension" },
  }));
}

function isMachine(r: StoredResource | undefined): r is StoredResource {
  return !!r && machineKindOf(r.type) !== undefined;
}

function putResourcePricing(input: PutInput<Deps>, name: string): PutResult {
  const { ctx, body, target } = input;
  if (!isMachine(target.scopeResource)) {
    throw ArmErrors.invalidInputError(`Resource-level pricing is supported for ${MACHINE_TYPES.join(", ")} only, not '${(target.scopeResource as StoredResource | undefined)?.type ?? "unknown"}'.`);
  }
  if (name !== "VirtualMachines") throw ArmErrors.invalidInputError(`Resource-level pricing is supported for the VirtualMachines plan only, not '${name}'.`);
  if (getString(body, "properties", "enforce") !== undefined) throw ArmErrors.invalidInputError("enforce is only available for subscription-level pricing.");
  const tier = tierOf(body);
  const given = getString(body, "properties", "subPlan");
  if (tier === "Standard" && given?.toUpperCase() !== "P1") {
    throw ArmErrors.invalidInputError(`A resource-level pricing can only be P1 or Free (${RESOURCE_LEVEL_PLANS.join(", ")}), not '${given ?? "Standard without a sub-plan"}'.`);
  }
  const properties: PricingPropertiesWire = {
    pricingTier: tier,
    ...(tier === "Standard" ? { subPlan: "P1", enablementTime: ctx.clock.iso() } : {}),
    freeTrialRemainingTime: "PT0S",
    inherited: "False",
    inheritedFrom: null,
  };
  const doc: PricingDoc = { id: target.id, name: target.name, type: PRICING_TYPE, properties };
  return { doc: doc as unknown as JsonObject };
}

function putSubscriptionPricing(input: PutInput<Deps>, name: string, schedule: () => DefenderSchedule): PutResult {
  const { ctx, body, target, existing, apiVersion } = input;
  const tier = tierOf(body);
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const before = existing ? (existing.doc["properties"] as unknown as PricingPropertiesWire) : undefined;
  const subPlan = subPlanOf(name, tier, getString(props, "subPlan"));
  const enforce = props["enforce"] === undefined ? before?.enforce : trueFalse(props["enforce"], "properties.enforce");
  const current = before?.pricingTier === "Standard" && before.subPlan === subPlan && before.extensions ? before.extensions : defaultExtensions(name, subPlan);
  const extensions = apiVersion >= "2023-01-01" || props["extensions"] !== undefined ? extensionsOf(name, props["extensions"], current) : current;
  const enablementTime = tier === "Standard" ? (before?.pricingTier === "Standard" && before.enablementTime ? before.enablementTime : ctx.clock.iso()) : undefined;
  const properties: PricingPropertiesWire = {
    pricingTier: tier,
    ...(subPlan ? { subPlan } : {}),
    freeTrialRemainingTime: "PT0S",
    ...(enablementTime ? { enablementTime } : {}),
    ...(enforce ? { enforce } : {}),
    ...(tier === "Standard" && extensions.length ? { extensions: withStatus(extensions) } : {}),
  };
  const doc: PricingDoc = { id: target.id, name, type: PRICING_TYPE, properties };
  const sub = target.subscriptionId!;
  return {
    doc: doc as unknown as JsonObject,
    after: () => {
      coupleAgentlessScanning(ctx, sub, name, properties);
      schedule().arm(sub);
    },
  };
}

/** Agentless scanning belongs to Defender for Servers P2 and Defender CSPM: enabling it for one enables it for both (reference §3). */
function coupleAgentlessScanning(ctx: Deps, subscriptionId: string, plan: string, p: PricingPropertiesWire): void {
  const other = plan === "VirtualMachines" ? "CloudPosture" : plan === "CloudPosture" ? "VirtualMachines" : undefined;
  const on = p.extensions?.some((e) => e.name === "AgentlessVmScanning" && e.isEnabled === "True");
  if (!other || !on) return;
  const id = pricingId(subscriptionScopeId(subscriptionId), other);
  const stored = ctx.store.get(id);
  const theirs = stored?.doc["properties"] as unknown as PricingPropertiesWire | undefined;
  const ext = theirs?.extensions?.find((e) => e.name === "AgentlessVmScanning");
  if (!stored || !theirs || theirs.pricingTier !== "Standard" || !ext || ext.isEnabled === "True") return;
  const extensions = withStatus(theirs.extensions!.map((e) => (e.name === "AgentlessVmScanning" ? { ...e, isEnabled: "True" as const } : e)));
  ctx.store.put({ ...stored, doc: { ...stored.doc, properties: { ...theirs, extensions } as unknown as JsonObject } });
}

function virtualPricing(ctx: Deps, target: Target): StoredResource | undefined {
  if (target.scopeKind === "resource") {
    if (!isMachine(target.scopeResource) || target.name.toLowerCase() !== "virtualmachines") return undefined;
    // A machine without its own pricing answers the subscription's, inherited.
    const properties = inheritedPricing(ctx, target.subscriptionId!);
    return { id: target.id, type: PRICING_TYPE, doc: { id: target.id, name: target.name, type: PRICING_TYPE, properties } as unknown as JsonObject, secret: null };
  }
  const name = planName(target.name, "2017-08-01-preview");
  if (!name) return undefined;
  const doc: PricingDoc = { id: target.id, name, type: PRICING_TYPE, properties: { pricingTier: "Free", freeTrialRemainingTime: "PT0S" } };
  return { id: target.id, type: PRICING_TYPE, doc: doc as unknown as JsonObject, secret: null };
}

/** resourcesCoverageStatus of a subscription's VirtualMachines: how many of its machines a resource-level Free leaves out. */
/**
 * A pricing as the request's api-version knows it: `enablementTime`, `extensions`, `enforce`,
 * `inherited`, coverage and the like arrived with 2023-01-01 and later; older versions' schemas do
 * not allow them (the published 2022-03-01 spec has pricingTier, subPlan and freeTrialRemainingTime).
 */
function pricingView(ctx: Deps, stored: StoredResource, req?: EmuRequest): JsonObject {
  const apiVersion = req?.query.get("api-version") ?? "";
  if (apiVersion && apiVersion < "2023-01-01") {
    const all = isObject(stored.doc["properties"]) ? stored.doc["properties"] : {};
    const kept: JsonObject = {};
    for (const k of ["pricingTier", "subPlan", "freeTrialRemainingTime"]) if (all[k] !== undefined) kept[k] = all[k];
    return { ...stored.doc, properties: kept };
  }
  const enforced = enforcedOver(ctx, stored);
  if (enforced) return enforced;
  const props = stored.doc["properties"] as unknown as PricingPropertiesWire | undefined;
  const sub = /^\/subscriptions\/([^/]+)\/providers\//i.exec(stored.id)?.[1];
  if (!props || !sub || String(stored.doc["name"]) !== "VirtualMachines") return stored.doc;
  // Counted, not listed: the machines are a count from the index, and only the machines with a
  // pricing of their own (resource-level, unless the subscription's is enforced) are read.
  const machines = ctx.store.count(MACHINE_TYPES, sub);
  let covered = props.pricingTier === "Standard" ? machines : 0;
  if (props.enforce !== "True") {
    for (const own of ctx.store.list(PRICING_TYPE, { subscriptionId: sub })) {
      const at = own.id.toLowerCase().lastIndexOf("/providers/microsoft.security/pricings/");
      // Only a machine's own VirtualMachines pricing (a subscription's plans have no resource above them).
      if (at <= `/subscriptions/${sub}`.length || String(own.doc["name"]).toLowerCase() !== "virtualmachines") continue;
      const tier = (own.doc["properties"] as unknown as PricingPropertiesWire | undefined)?.pricingTier;
      if (tier === props.pricingTier) continue;
      covered += tier === "Standard" ? 1 : -1;
    }
  }
  const status = covered <= 0 ? "NotCovered" : covered >= machines ? "FullyCovered" : "PartiallyCovered";
  return { ...stored.doc, properties: { ...(props as unknown as JsonObject), resourcesCoverageStatus: status } };
}

/**
 * A machine's own VirtualMachines pricing under a subscription that enforces its own: `enforce`
 * "True" forces the subscription's configuration on every descendant (the pricings spec), so the
 * machine's answers the subscription's, inherited (user trial 20: it kept reading its own Free,
 * inherited False). Its own stays stored, and answers again once the subscription stops enforcing.
 */
function enforcedOver(ctx: Deps, stored: StoredResource): JsonObject | undefined {
  const at = stored.id.toLowerCase().lastIndexOf("/providers/microsoft.security/pricings/");
  if (at < 0 || String(stored.doc["name"]).toLowerCase() !== "virtualmachines") return undefined;
  const machineId = stored.id.slice(0, at);
  const sub = /^\/subscriptions\/([^/]+)\//i.exec(machineId)?.[1];
  if (!sub || !/\/resourcegroups\//i.test(machineId) || subscriptionPricing(ctx, sub, "VirtualMachines").enforce !== "True") return undefined;
  return { ...stored.doc, properties: inheritedPricing(ctx, sub) as unknown as JsonObject };
}

/** The subscription's VirtualMachines pricing as a machine inherits it: `inherited`, from the subscription, without the subscription-level fields. */
function inheritedPricing(ctx: Deps, subscriptionId: string): PricingPropertiesWire {
  const properties: PricingPropertiesWire = { ...subscriptionPricing(ctx, subscriptionId, "VirtualMachines"), inherited: "True", inheritedFrom: subscriptionScopeId(subscriptionId) };
  delete properties.enforce;
  delete properties.resourcesCoverageStatus;
  return properties;
}

export function defenderPricings(schedule: () => DefenderSchedule): ResourceTypeSpec<Deps> {
  return {
    type: PRICING_TYPE,
    apiVersions: API_VERSIONS.securityPricings,
    scopes: ["subscription", "resource"],
    createStatus: 200,
    put: (input) => {
      const name = input.target.scopeKind === "resource" ? input.target.name : planName(input.target.name, input.apiVersion);
      if (!name) throw ArmErrors.resourceNotFound(PRICING_TYPE, input.target.name);
      return input.target.scopeKind === "resource" ? putResourcePricing(input, PRICING_NAMES.find((n) => n.toLowerCase() === name.toLowerCase()) ?? name) : putSubscriptionPricing(input, name, schedule);
    },
    virtual: virtualPricing,
    view: (ctx, stored, req) => pricingView(ctx, stored, req),
    beforeDelete: (_ctx, stored, del) => {
      // Deleting is for resource-level pricing (the machine goes back to the subscription's); a machine's own delete cascades.
      if (del.rootId.toLowerCase() === stored.id.toLowerCase() && /^\/subscriptions\/[^/]+\/providers\//i.test(stored.id)) {
        throw ArmErrors.invalidInputError("A subscription's pricing cannot be deleted: set its pricingTier to Free.");
      }
    },
    list: ({ ctx, scope, scopeKind, subscriptionId }: ListInput<Deps>) => {
      if (scopeKind === "resource") {
        const own = ctx.store.get(pricingId(scope, "VirtualMachines"));
        return own ? [own] : [];
      }
      return PRICING_NAMES.map((n) => {
        const id = pricingId(subscriptionScopeId(subscriptionId!), n);
        return ctx.store.get(id) ?? virtualPricing(ctx, { id, name: n, scope, scopeKind: "subscription", subscriptionId, resourceGroup: null })!;
      });
    },
  };
}

function putSetting(input: PutInput<Deps>, schedule: () => DefenderSchedule): PutResult {
  const { body, target } = input;
  const name = settingName(target.name);
  if (!name) throw ArmErrors.invalidParameter(`The setting '${target.name}' is not one of ${Object.keys(SETTING_DEFAULTS).join(", ")}.`, "settingName");
  const expected = String(settingDoc(target.subscriptionId!, name, false)["kind"]);
  const kind = typeof body["kind"] === "string" ? body["kind"] : undefined;
  if (kind?.toLowerCase() !== expected.toLowerCase()) throw ArmErrors.invalidParameter(`The setting '${name}' has kind '${expected}', not '${kind ?? ""}'.`, "kind");
  const enabled = isObject(body["properties"]) ? body["properties"]["enabled"] : undefined;
  if (typeof enabled !== "boolean") throw ArmErrors.invalidParameter("Required property 'properties.enabled' is missing: true or false.", "properties.enabled");
  const sub = target.subscriptionId!;
  return { doc: settingDoc(sub, name, enabled), after: () => schedule().arm(sub) };
}

export function defenderSettings(schedule: () => DefenderSchedule): ResourceTypeSpec<Deps> {
  return {
    type: SECURITY_SETTING_TYPE,
    apiVersions: API_VERSIONS.securityDataSettings,
    scopes: ["subscription"],
    createStatus: 200,
    put: (input) => putSetting(input, schedule),
    virtual: (_ctx, target) => {
      const name = settingName(target.name);
      return name ? { id: target.id, type: SECURITY_SETTING_TYPE, doc: settingDoc(target.subscriptionId!, name, SETTING_DEFAULTS[name] ?? false), secret: null } : undefined;
    },
    list: ({ ctx, subscriptionId }) =>
      Object.keys(SETTING_DEFAULTS).map((n) => {
        const doc = settingDoc(subscriptionId!, n, SETTING_DEFAULTS[n] ?? false);
        return ctx.store.get(String(doc["id"])) ?? { id: String(doc["id"]), type: SECURITY_SETTING_TYPE, doc, secret: null };
      }),
  };
}

export function vulnerabilityAssessmentSettings(schedule: () => DefenderSchedule): ResourceTypeSpec<Deps> {
  return {
    type: VA_SETTING_TYPE,
    apiVersions: API_VERSIONS.serverVulnerabilityAssessmentSettings,
    scopes: ["subscription"],
    createStatus: 200,
    put: ({ body, target }) => {
      // The published spec's settingKind is `azureServersSetting` (modelAsString); ARM names are case-insensitive.
      if (target.name.toLowerCase() !== "azureserverssetting") throw ArmErrors.invalidParameter(`The setting kind '${target.name}' is not one of azureServersSetting.`, "settingKind");
      if (body["kind"] !== "AzureServersSetting") throw ArmErrors.invalidParameter(`kind '${String(body["kind"] ?? "")}' is not one of AzureServersSetting.`, "kind");
      const provider = getString(body, "properties", "selectedProvider");
      if (provider?.toLowerCase() !== VA_PROVIDER_MDE_TVM.toLowerCase()) {
        throw ArmErrors.invalidParameter(`selectedProvider '${provider ?? ""}' is not one of ${VA_PROVIDER_MDE_TVM}.`, "properties.selectedProvider");
      }
      const sub = target.subscriptionId!;
      return { doc: { id: target.id, name: target.name, type: VA_SETTING_TYPE, kind: "AzureServersSetting", properties: { selectedProvider: VA_PROVIDER_MDE_TVM } }, after: () => schedule().arm(sub) };
    },
  };
}

/** A machine's vulnerability assessment (`mdetvm`, as Defender and DINE 13ce0167 name it; `default` on 2020-01-01). */
export const vulnerabilityAssessments: ResourceTypeSpec<Deps> = {
  type: VA_ASSESSMENT_TYPE,
  apiVersions: API_VERSIONS.serverVulnerabilityAssessments,
  scopes: ["resource"],
  createStatus: 200,
  // ServerVulnerabilityAssessment_CreateOrUpdate declares no body (the Azure CLI's `az rest` sends none).
  bodyOptional: true,
  put: ({ target }) => {
    if (!isMachine(target.scopeResource)) throw ArmErrors.invalidInputError(`A server vulnerability assessment needs a virtual machine or an Arc machine (${[MACHINE_TYPES[0], ARC_TYPE].join(", ")}).`);
    if (!["mdetvm", "default"].includes(target.name.toLowerCase())) throw ArmErrors.invalidParameter(`The assessment '${target.name}' is not one of mdetvm, default.`, "serverVulnerabilityAssessment");
    return { doc: { id: target.id, name: target.name, type: VA_ASSESSMENT_TYPE, properties: { provisioningState: "Succeeded" } } };
  },
  list: ({ ctx, scope, scopeKind }) =>
    scopeKind === "resource" ? ["mdetvm", "default"].flatMap((n) => ctx.store.get(`${scope}/providers/${VA_ASSESSMENT_TYPE}/${n}`) ?? []) : [],
};
