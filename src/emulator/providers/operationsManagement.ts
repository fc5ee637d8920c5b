/**
 * Microsoft.OperationsManagement/solutions (2015-11-01-preview only): `Security(<ws>)` and
 * `SecurityCenterFree(<ws>)` with plan {name, publisher Microsoft, product OMSGallery/<Product>}.
 */
import type { PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { SOLUTION_TYPE } from "../model/resourceTypes";

/** What these handlers use. */
type Deps = Needs<"store">;

export function solutionDoc(id: string, name: string, location: string, workspaceId: string, product: string, extraProps: JsonObject = {}): JsonObject {
  return {
    id,
    name,
    type: SOLUTION_TYPE,
    location: location.replace(/\s+/g, "").toLowerCase(),
    plan: { name, publisher: "Microsoft", product: `OMSGallery/${product}`, promotionCode: "" },
    properties: { ...extraProps, workspaceResourceId: workspaceId, provisioningState: "Succeeded", containedResources: [`${workspaceId}/views/${name}`] },
  };
}

function putSolution(input: PutInput<Deps>): PutResult {
  const { ctx, body, target } = input;
  const location = typeof body["location"] === "string" ? body["location"] : "";
  if (!location) throw ArmErrors.locationRequired();
  const plan = body["plan"];
  if (!isObject(plan)) throw ArmErrors.invalidParameter("'plan' is required: {name, publisher, product, promotionCode}.", "plan");
  const product = getString(plan, "product") ?? "";
  const m = /^OMSGallery\/(.+)$/i.exec(product);
  if (!m) throw ArmErrors.invalidParameter(`plan.product '${product}' must be 'OMSGallery/<Product>', e.g. OMSGallery/Security.`, "plan.product");
  const workspaceId = getString(body, "properties", "workspaceResourceId") ?? "";
  const ws = workspaceId ? ctx.store.get(workspaceId) : undefined;
  if (!ws) throw ArmErrors.invalidParameter(`properties.workspaceResourceId '${workspaceId}' is not an existing Log Analytics workspace.`, "properties.workspaceResourceId");
  const expected = `${m[1]}(${String(ws.doc["name"])})`;
  if (target.name.toLowerCase() !== expected.toLowerCase()) {
    throw ArmErrors.invalidParameter(`The solution name must be '${expected}' for product '${product}' on workspace '${String(ws.doc["name"])}', not '${target.name}'.`, "name");
  }
  if ((getString(plan, "name") ?? "").toLowerCase() !== expected.toLowerCase()) {
    throw ArmErrors.invalidParameter(`plan.name must be '${expected}'.`, "plan.name");
  }
  if ((getString(plan, "publisher") ?? "").toLowerCase() !== "microsoft") throw ArmErrors.invalidParameter("plan.publisher must be 'Microsoft'.", "plan.publisher");
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  delete props["provisioningState"];
  const doc = solutionDoc(target.id, target.name, location, ws.id, m[1]!, props);
  if (isObject(body["tags"])) doc["tags"] = clone(body["tags"]);
  // Long-running, as the spec marks it (x-ms-long-running-operation): Creating until the operation settles.
  return { doc, lro: { final: "Succeeded" } };
}

export const solutions: ResourceTypeSpec<Deps> = {
  type: SOLUTION_TYPE,
  apiVersions: API_VERSIONS.operationsManagement,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  // Solutions_CreateOrUpdate answers 201 only, a replacement too.
  updateStatus: 201,
  put: putSolution,
};
