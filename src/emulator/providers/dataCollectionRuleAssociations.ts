/**
 * Microsoft.Insights/dataCollectionRuleAssociations: an extension resource of a machine,
 * `{machineId}/providers/Microsoft.Insights/dataCollectionRuleAssociations/{name}`; synchronous
 * PUT (201/200), GET, DELETE, list on the machine. `properties.dataCollectionRuleId` must name an
 * existing rule. Deleting the machine deletes its associations (they live under its id).
 */
import type { ArmContext, PutInput, PutResult, ResourceTypeSpec } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmError } from "../http/errors";
import type { EmuRequest } from "../http/types";
import type { StoredResource } from "../store/resources";
import { getString, isObject, type JsonObject } from "../util/json";
import { newGuid } from "../util/random";
import { endConnectionsOf } from "../logs/connections";
import { associationScope, associationsOfMachine } from "./associationLookup";
import { tracked } from "./agentTracking";
import { invalidPayload } from "./dataCollectionRules";
import { systemData } from "./systemData";
import { AKS_TYPE, ARC_TYPE, DCR_ASSOCIATION_TYPE, DCR_TYPE, VMSS_TYPE, VM_TYPE } from "./resourceTypes";

/** Resource types an association may be attached to (of those the emulator serves). */
const SUPPORTED_SCOPES = [VMSS_TYPE, VM_TYPE, AKS_TYPE, ARC_TYPE];

function requireSupportedScope(scope: StoredResource | undefined): StoredResource {
  const type = scope?.type ?? "";
  if (!scope || !SUPPORTED_SCOPES.some((t) => t.toLowerCase() === type.toLowerCase())) {
    throw new ArmError(400, "UnsupportedResourceType", `Association cannot be created for resource of type '${type || "unknown"}'. Supported types are: ${SUPPORTED_SCOPES.join(",")}`);
  }
  return scope;
}

/**
 * Builds an association document (ARM PUT and remediation deployments). `since`, hidden: when
 * the association got its current rule; the agent heartbeats to the rule's workspaces a minute later.
 */
export function associationResource(ctx: ArmContext, req: EmuRequest | undefined, id: string, name: string, props: JsonObject, existing?: StoredResource): PutResult {
  const ruleId = getString(props, "dataCollectionRuleId");
  const endpointId = getString(props, "dataCollectionEndpointId");
  if (endpointId && !ruleId) {
    throw invalidPayload("Data collection rule association is invalid", [
      { code: "UnsupportedDataCollectionEndpoint", message: "Data collection endpoints are not emulated; associate a data collection rule.", target: "properties.dataCollectionEndpointId" },
    ]);
  }
  if (!ruleId) {
    throw invalidPayload("Data collection rule association is invalid", [
      { code: "InvalidPayload", message: "'DataCollectionRuleId' or 'DataCollectionEndpointId' must be specified.", target: "properties" },
    ]);
  }
  const rule = ctx.store.get(ruleId);
  if (!rule || rule.type.toLowerCase() !== DCR_TYPE.toLowerCase()) {
    throw invalidPayload("Data collection rule association is invalid", [
      { code: "InvalidDataCollectionRuleId", message: `Data collection rule '${ruleId}' does not exist.`, target: "properties.dataCollectionRuleId" },
    ]);
  }
  const out: JsonObject = {};
  if (typeof props["description"] === "string") out["description"] = props["description"];
  out["dataCollectionRuleId"] = ruleId;
  out["provisioningState"] = "Succeeded";
  const sameRule = (getString(existing?.doc, "properties", "dataCollectionRuleId") ?? "").toLowerCase() === ruleId.toLowerCase();
  const since = sameRule && typeof existing?.secret?.["since"] === "string" ? existing.secret["since"] : ctx.clock.iso();
  return {
    doc: { id, name, type: DCR_ASSOCIATION_TYPE, etag: `"${newGuid()}"`, systemData: systemData(ctx, req, existing), properties: out },
    secret: { since },
  };
}

function putAssociation(input: PutInput): PutResult {
  const { ctx, req, target, body, existing } = input;
  requireSupportedScope(target.scopeResource);
  if (!isObject(body["properties"])) {
    throw invalidPayload("Data collection rule association is invalid", [{ code: "InvalidPayload", message: "'Properties' must not be empty.", target: "properties" }]);
  }
  return associationResource(ctx, req, target.id, target.name, body["properties"], existing);
}

export const dataCollectionRuleAssociations: ResourceTypeSpec = {
  type: DCR_ASSOCIATION_TYPE,
  apiVersions: API_VERSIONS.insights,
  scopes: ["resource"],
  // Only a PUT that re-points an association can end what it carried.
  put: tracked(putAssociation, (i) => (i.existing && i.target.scopeResource ? [i.target.scopeResource.id] : [])),
  list: ({ ctx, scope, scopeKind }) => (scopeKind === "resource" ? associationsOfMachine(ctx, scope) : []),
  onDeleted: (ctx, stored) => {
    if (ctx.store.get(stored.id)) endConnectionsOf(ctx, associationScope(stored.id), [stored.id]);
  },
};
