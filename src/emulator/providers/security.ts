/**
 * Microsoft.Security at subscription scope: autoProvisioningSettings (today's Azure refuses
 * "On" with 400 Deprecated) and workspaceSettings. Defender's plans, settings and
 * vulnerability assessment are in defender.ts.
 */
import type { PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { getString, type JsonObject } from "../util/json";
import { subscriptionScopeId } from "../util/armId";
import { AUTO_PROVISIONING_TYPE, WORKSPACE_SETTING_TYPE, WORKSPACE_TYPE } from "../model/resourceTypes";

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
