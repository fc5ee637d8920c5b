/**
 * Microsoft.Insights/dataCollectionRuleAssociations: an extension resource of a machine,
 * `{machineId}/providers/Microsoft.Insights/dataCollectionRuleAssociations/{name}`; synchronous
 * PUT (201/200), GET, DELETE, list on the machine. `properties.dataCollectionRuleId` must name an
 * existing rule. Deleting the machine deletes its associations (they live under its id).
 */
import type { PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { isObject } from "../util/json";
import { associationDeleted } from "../model/connections";
import { associationResource, associationsOfMachine } from "../model/associations";
import { tracked } from "./common/tracked";
import { AKS_TYPE, ARC_TYPE, DCR_ASSOCIATION_TYPE, VMSS_TYPE, VM_TYPE } from "../model/resourceTypes";

/** What these handlers use. */
type Deps = Needs<"store" | "guest" | "heartbeatHistory" | "clock">;

/** Resource types an association may be attached to (of those the emulator serves). */
const SUPPORTED_SCOPES = [VMSS_TYPE, VM_TYPE, AKS_TYPE, ARC_TYPE];

function requireSupportedScope(scope: StoredResource | undefined): StoredResource {
  const type = scope?.type ?? "";
  if (!scope || !SUPPORTED_SCOPES.some((t) => t.toLowerCase() === type.toLowerCase())) {
    throw ArmErrors.unsupportedResourceType(`Association cannot be created for resource of type '${type || "unknown"}'. Supported types are: ${SUPPORTED_SCOPES.join(",")}`);
  }
  return scope;
}

function putAssociation(input: PutInput<Deps>): PutResult {
  const { ctx, req, target, body, existing } = input;
  requireSupportedScope(target.scopeResource);
  if (!isObject(body["properties"])) {
    throw ArmErrors.invalidPayload("Data collection rule association is invalid", [{ code: "InvalidPayload", message: "'Properties' must not be empty.", target: "properties" }]);
  }
  return associationResource(ctx, req, target.id, target.name, body["properties"], existing);
}

export const dataCollectionRuleAssociations: ResourceTypeSpec<Deps> = {
  type: DCR_ASSOCIATION_TYPE,
  apiVersions: API_VERSIONS.insights,
  scopes: ["resource"],
  // Only a PUT that re-points an association can end what it carried.
  put: tracked(putAssociation, (i) => (i.existing && i.target.scopeResource ? [i.target.scopeResource.id] : [])),
  list: ({ ctx, scope, scopeKind }) => (scopeKind === "resource" ? associationsOfMachine(ctx, scope) : []),
  onDeleted: associationDeleted,
};
