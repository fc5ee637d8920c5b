/**
 * Microsoft.Security at subscription scope: autoProvisioningSettings (today's Azure refuses
 * "On" with 400 Deprecated), workspaceSettings, and pricings (Defender plans, Free by default).
 */
import type { ListInput, PutInput, PutResult, ResourceTypeSpec, Target, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { getString, isObject, type JsonObject } from "../util/json";
import type { EmuRequest } from "../http/types";
import { subscriptionScopeId } from "../util/armId";
import { AUTO_PROVISIONING_TYPE, PRICING_NAMES, PRICING_TYPE, WORKSPACE_SETTING_TYPE, WORKSPACE_TYPE } from "../model/resourceTypes";

/** What these handlers use. */
type Deps = Needs<"store" | "clock">;

export const DEPRECATED_MESSAGE = "Log Analytics auto provisioning is deprecated and can no longer be enabled.";

function settingId(subscriptionId: string, type: string, name: string): string {
  return `${subscriptionScopeId(subscriptionId)}/providers/${type}/${name}`;
}

function autoProvisioningDoc(subscriptionId: string, name: string, value: string): JsonObject {
  return { id: settingId(subscriptionId, AUTO_PROVISIONING_TYPE, name), name, type: AUTO_PROVISIONING_TYPE, properties: { autoProvision: value } };
}

function putAutoProvisioning(input: PutInput<Deps>): PutResult {
  const { body, target } = input;
  if (target.name.toLowerCase() !== "default") throw ArmErrors.invalidParameter(`The setting name must be 'default', not '${target.name}'.`, "name");
  const value = getString(body, "properties", "autoProvision");
  if (value === undefined) throw ArmErrors.invalidParameter("Required property 'properties.autoProvision' is missing: On or Off.", "properties.autoProvision");
  if (value.toLowerCase() === "on") throw ArmErrors.deprecated(DEPRECATED_MESSAGE);
  if (value.toLowerCase() !== "off") throw ArmErrors.invalidParameter(`autoProvision '${value}' is not one of On, Off.`, "properties.autoProvision");
  return { doc: autoProvisioningDoc(target.subscriptionId!, "default", "Off") };
}

export const autoProvisioningSettings: ResourceTypeSpec<Deps> = {
  type: AUTO_PROVISIONING_TYPE,
  apiVersions: API_VERSIONS.securitySettings,
  scopes: ["subscription"],
  createStatus: 200,
  put: putAutoProvisioning,
  virtual: (_ctx, target) =>
    target.name.toLowerCase() === "default"
      ? { id: target.id, type: AUTO_PROVISIONING_TYPE, doc: autoProvisioningDoc(target.subscriptionId!, "default", "Off"), secret: null }
      : undefined,
  list: ({ ctx, subscriptionId }) => {
    const id = settingId(subscriptionId!, AUTO_PROVISIONING_TYPE, "default");
    return [ctx.store.get(id) ?? { id, type: AUTO_PROVISIONING_TYPE, doc: autoProvisioningDoc(subscriptionId!, "default", "Off"), secret: null }];
  },
};

function putWorkspaceSetting(input: PutInput<Deps>): PutResult {
  const { ctx, body, target } = input;
  const workspaceId = getString(body, "properties", "workspaceId");
  const scope = getString(body, "properties", "scope");
  if (!workspaceId) throw ArmErrors.invalidParameter("Required property 'properties.workspaceId' is missing.", "properties.workspaceId");
  if (!scope) throw ArmErrors.invalidParameter("Required property 'properties.scope' is missing.", "properties.scope");
  const ws = ctx.store.get(workspaceId);
  if (!ws || ws.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase()) {
    throw ArmErrors.invalidWorkspaceId(`Workspace '${workspaceId}' was not found; workspaceId must be the ARM id of an existing Log Analytics workspace.`);
  }
  if (scope.toLowerCase().replace(/\/+$/, "") !== subscriptionScopeId(target.subscriptionId!)) {
    throw ArmErrors.invalidParameter(`scope must be '${subscriptionScopeId(target.subscriptionId!)}', not '${scope}'.`, "properties.scope");
  }
  return {
    doc: { id: target.id, name: target.name, type: WORKSPACE_SETTING_TYPE, properties: { workspaceId: ws.id, scope: subscriptionScopeId(target.subscriptionId!) } },
  };
}

export const workspaceSettings: ResourceTypeSpec<Deps> = {
  type: WORKSPACE_SETTING_TYPE,
  apiVersions: API_VERSIONS.securitySettings,
  scopes: ["subscription"],
  createStatus: 200,
  // The spec (and arm-security's operation spec) allow only 204 for a DELETE.
  deleteStatus: 204,
  patchable: true,
  put: putWorkspaceSetting,
};

function pricingDoc(ctx: Deps, subscriptionId: string, name: string, tier: string, apiVersion: string, extra: JsonObject = {}): JsonObject {
  const props: JsonObject = { pricingTier: tier, freeTrialRemainingTime: "PT0S", ...extra };
  if (apiVersion >= "2024-01-01" && tier === "Standard" && !props["enablementTime"]) props["enablementTime"] = ctx.clock.iso();
  return { id: settingId(subscriptionId, PRICING_TYPE, name), name, type: PRICING_TYPE, properties: props };
}

function pricingName(name: string, apiVersion: string): string | undefined {
  const known = PRICING_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
  if (known) return known;
  if (name.toLowerCase() === "default" && apiVersion <= "2018-06-01") return "default";
  return undefined;
}

function putPricing(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, apiVersion, existing } = input;
  const name = pricingName(target.name, apiVersion);
  if (!name) throw ArmErrors.resourceNotFound(PRICING_TYPE, target.name);
  const tier = getString(body, "properties", "pricingTier");
  const canonical = ["Free", "Standard"].find((t) => t.toLowerCase() === (tier ?? "").toLowerCase());
  if (!canonical) throw ArmErrors.invalidParameter(`pricingTier '${tier ?? ""}' is not one of Free, Standard.`, "properties.pricingTier");
  const extra: JsonObject = {};
  const props = body["properties"];
  if (isObject(props)) {
    for (const k of ["subPlan", "extensions", "enforce"]) if (props[k] !== undefined) extra[k] = props[k];
  }
  const prevTier = getString(existing?.doc, "properties", "pricingTier");
  const prevTime = getString(existing?.doc, "properties", "enablementTime");
  if (canonical === "Standard" && prevTier === "Standard" && prevTime) extra["enablementTime"] = prevTime;
  return { doc: pricingDoc(ctx, target.subscriptionId!, name, canonical, apiVersion, extra) };
}

function virtualPricing(ctx: Deps, target: Target): StoredResource | undefined {
  const apiVersion = "2022-03-01";
  const name = pricingName(target.name, "2017-08-01-preview");
  if (!name) return undefined;
  return { id: target.id, type: PRICING_TYPE, doc: pricingDoc(ctx, target.subscriptionId!, name, "Free", apiVersion), secret: null };
}

/**
 * A pricing as the request's api-version knows it: `enablementTime`, `extensions`, `enforce`,
 * `inherited` and the like arrived with 2023-01-01 and later; older versions' schemas do not
 * allow them (the published 2022-03-01 spec has pricingTier, subPlan/planName and
 * freeTrialRemainingTime only).
 */
function pricingView(_ctx: Deps, stored: StoredResource, req?: EmuRequest): JsonObject {
  const apiVersion = req?.query.get("api-version") ?? "";
  if (apiVersion >= "2023-01-01") return stored.doc;
  const props = isObject(stored.doc["properties"]) ? stored.doc["properties"] : {};
  const kept: JsonObject = {};
  for (const k of ["pricingTier", "subPlan", "freeTrialRemainingTime"]) if (props[k] !== undefined) kept[k] = props[k];
  return { ...stored.doc, properties: kept };
}

export const pricings: ResourceTypeSpec<Deps> = {
  type: PRICING_TYPE,
  apiVersions: API_VERSIONS.securityPricings,
  scopes: ["subscription"],
  createStatus: 200,
  view: pricingView,
  put: putPricing,
  virtual: virtualPricing,
  list: ({ ctx, subscriptionId }: ListInput<Deps>) =>
    PRICING_NAMES.map((n) => {
      const id = settingId(subscriptionId!, PRICING_TYPE, n);
      return ctx.store.get(id) ?? { id, type: PRICING_TYPE, doc: pricingDoc(ctx, subscriptionId!, n, "Free", "2022-03-01"), secret: null };
    }),
};
