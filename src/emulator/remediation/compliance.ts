/**
 * Whether a resource complies with a Deploy-if-not-exists policy (its existence condition), from
 * the few facts of the resource that condition looks at.
 */
import type { BuiltinPolicy } from "../catalog/policies";
import type { StoredResource } from "../store/resources";
import type { StoreContext } from "../model/context";
import { getPath, getString, isObject, type Json } from "../util/json";
import { extensionsOf, osTypeOf, type OsType } from "../model/machines";
import { associationsOfMachine } from "../model/associations";
import { AKS_TYPE } from "../model/resourceTypes";

/** An assignment parameter's value (`parameters.<name>.value`), names compared case-insensitively. */
export function parameterValue(assignmentParameters: Json | undefined, name: string): string | undefined {
  return getString(assignmentParameters, name, "value");
}

/**
 * What a policy's compliance looks at in a VM or cluster (what the compliance index keeps per
 * resource): its OS, the handlers (`publisher/type`, lower case) of its extensions that succeeded,
 * the rules and endpoints (lower-case ids) its associations name, its enabled add-ons (lower case).
 */
export interface ComplianceFacts {
  readonly os: OsType;
  readonly succeededHandlers: ReadonlySet<string>;
  readonly destinations: ReadonlySet<string>;
  readonly enabledAddons: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();
/** Publisher and type as one key (NUL between: neither holds one). */
const handlerKey = (publisher: string, type: string) => `${publisher}\u0000${type}`.toLowerCase();

/** The add-ons enabled, by lower-case name; of names differing only in case, the first decides (as a lookup by name does). */
function enabledAddonsOf(resource: StoredResource): Set<string> {
  const profiles = getPath(resource.doc, ["properties", "addonProfiles"]);
  const enabled = new Set<string>();
  const seen = new Set<string>();
  for (const key of isObject(profiles) ? Object.keys(profiles) : []) {
    const l = key.toLowerCase();
    if (seen.has(l)) continue;
    seen.add(l);
    if (getPath(profiles, [key, "enabled"]) === true) enabled.add(l);
  }
  return enabled;
}

/** The facts of a resource as the store holds it now (a cluster's add-ons; a VM's extensions and associations). */
export function complianceFactsOf(ctx: StoreContext, resource: StoredResource): ComplianceFacts {
  if (resource.type.toLowerCase() === AKS_TYPE.toLowerCase()) {
    return { os: osTypeOf(resource), succeededHandlers: NONE, destinations: NONE, enabledAddons: enabledAddonsOf(resource) };
  }
  const handlers = extensionsOf(ctx, resource)
    .filter((e) => getString(e.doc, "properties", "provisioningState") === "Succeeded")
    .map((e) => handlerKey(getString(e.doc, "properties", "publisher") ?? "", getString(e.doc, "properties", "type") ?? ""));
  const destinations = associationsOfMachine(ctx, resource.id).flatMap((a) =>
    [getString(a.doc, "properties", "dataCollectionRuleId"), getString(a.doc, "properties", "dataCollectionEndpointId")].flatMap((v) => (v === undefined ? [] : [v.toLowerCase()])),
  );
  return { os: osTypeOf(resource), succeededHandlers: new Set(handlers), destinations: new Set(destinations), enabledAddons: NONE };
}

/** Whether a resource with these facts complies with the policy (its existence condition holds). */
export function compliesWith(policy: BuiltinPolicy, assignmentParameters: Json | undefined, facts: ComplianceFacts): boolean {
  const d = policy.deploys;
  if (d.kind === "aksAddon") return facts.enabledAddons.has(d.addon.toLowerCase());
  // Existence condition: an association whose rule (or endpoint) is the parameter's.
  if (d.kind === "dcrAssociation") return facts.destinations.has((parameterValue(assignmentParameters, d.ruleParameter) ?? "").toLowerCase());
  return facts.succeededHandlers.has(handlerKey(d.extension.publisher, d.extension.type));
}
