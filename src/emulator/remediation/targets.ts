/**
 * Which resources a remediation touches: the non-compliant resources of its assignment's
 * definition inside the remediation's scope (minus the assignment's notScopes, and within its
 * resource selectors), as Azure's ExistingNonCompliant discovery mode selects them.
 */
import type { ArmContext } from "../arm/types";
import type { BuiltinPolicy } from "../catalog/policies";
import type { StoredResource } from "../store/resources";
import { scopeCovers } from "../util/armId";
import { getPath, getString, isObject, type Json } from "../util/json";
import { extensionsOf, osTypeOf } from "../model/machines";
import { associationsOfMachine } from "../model/associations";
import { AKS_TYPE, VM_TYPE } from "../model/resourceTypes";
import { selectedBy } from "../model/resourceSelectors";

/** An assignment parameter's value (`parameters.<name>.value`), names compared case-insensitively. */
export function parameterValue(assignmentParameters: Json | undefined, name: string): string | undefined {
  return getString(assignmentParameters, name, "value");
}

export function isCompliant(ctx: ArmContext, policy: BuiltinPolicy, resource: StoredResource, assignmentParameters: Json | undefined): boolean {
  const d = policy.deploys;
  if (d.kind === "aksAddon") {
    const profiles = getPath(resource.doc, ["properties", "addonProfiles"]);
    if (!isObject(profiles)) return false;
    const key = Object.keys(profiles).find((k) => k.toLowerCase() === d.addon.toLowerCase());
    return key !== undefined && getPath(profiles, [key, "enabled"]) === true;
  }
  if (d.kind === "dcrAssociation") {
    // Existence condition: an association whose rule (or endpoint) is the parameter's.
    const wanted = (parameterValue(assignmentParameters, d.ruleParameter) ?? "").toLowerCase();
    return associationsOfMachine(ctx, resource.id).some((a) =>
      [getString(a.doc, "properties", "dataCollectionRuleId"), getString(a.doc, "properties", "dataCollectionEndpointId")].some((v) => v?.toLowerCase() === wanted),
    );
  }
  return extensionsOf(ctx, resource).some(
    (e) =>
      (getString(e.doc, "properties", "publisher") ?? "").toLowerCase() === d.extension.publisher.toLowerCase() &&
      (getString(e.doc, "properties", "type") ?? "").toLowerCase() === d.extension.type.toLowerCase() &&
      getString(e.doc, "properties", "provisioningState") === "Succeeded",
  );
}

/** Resources the policy applies to (its `if`): VMs of its OS, or AKS clusters. */
export function inPolicyScope(policy: BuiltinPolicy, resource: StoredResource): boolean {
  const d = policy.deploys;
  if (d.kind === "aksAddon") return resource.type.toLowerCase() === AKS_TYPE.toLowerCase();
  return resource.type.toLowerCase() === VM_TYPE.toLowerCase() && osTypeOf(resource) === d.osType;
}

/**
 * Whether one of `notScopes` covers an id (itself or a parent scope, without case): a set of the
 * scopes and a look at each of the id's parent paths, since an assignment holds up to a few hundred
 * notScopes and a subscription's discovery goes through every VM (at 100k machines, 33k VMs times
 * 400 scopes compared one by one kept the emulator's event loop busy for seconds per task).
 */
export function notScopesMatcher(notScopes: readonly string[]): (id: string) => boolean {
  if (notScopes.length === 0) return () => false;
  const scopes = new Set(notScopes.map((n) => n.toLowerCase().replace(/\/+$/, "")));
  if (scopes.has("")) return () => true;
  return (id) => {
    const lower = id.toLowerCase();
    if (scopes.has(lower)) return true;
    for (let i = lower.indexOf("/", 1); i > 0; i = lower.indexOf("/", i + 1)) if (scopes.has(lower.slice(0, i))) return true;
    return false;
  };
}

export function nonCompliantResources(
  ctx: ArmContext,
  policy: BuiltinPolicy,
  assignment: StoredResource,
  scope: string,
  locations: readonly string[],
  limit: number,
): StoredResource[] {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? null;
  if (!sub) return [];
  const notScopes = (getPath(assignment.doc, ["properties", "notScopes"]) as string[] | undefined) ?? [];
  const parameters = getPath(assignment.doc, ["properties", "parameters"]);
  const selectors = getPath(assignment.doc, ["properties", "resourceSelectors"]);
  const type = policy.deploys.kind === "aksAddon" ? AKS_TYPE : VM_TYPE;
  const locs = locations.map((l) => l.replace(/\s+/g, "").toLowerCase());
  const leftOut = notScopesMatcher(notScopes);
  return ctx.store
    .list(type, { subscriptionId: sub })
    .filter((r) => scopeCovers(scope, r.id))
    .filter((r) => !leftOut(r.id))
    .filter((r) => selectedBy(selectors, r))
    .filter((r) => locs.length === 0 || locs.includes(String(r.doc["location"]).toLowerCase()))
    .filter((r) => inPolicyScope(policy, r) && !isCompliant(ctx, policy, r, parameters))
    .slice(0, limit);
}
