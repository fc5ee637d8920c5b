/**
 * Which resources a remediation touches: the non-compliant resources of its assignment's
 * definition inside the remediation's scope (minus the assignment's notScopes, and within its
 * resource selectors), as Azure's ExistingNonCompliant discovery mode selects them.
 */
import type { BuiltinPolicy } from "../catalog/policies";
import type { StoredResource } from "../store/resources";
import { scopeCovers } from "../util/armId";
import { getPath, type Json } from "../util/json";
import type { StoreContext } from "../model/context";
import { AKS_TYPE, VM_TYPE } from "../model/resourceTypes";
import { selectedBy } from "../model/resourceSelectors";
import { compliesWith } from "./compliance";
import { ComplianceIndex } from "./complianceIndex";

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

/**
 * The first `limit` non-compliant resources of the policy in the scope, in id order: the
 * compliance index names the subscription's resources of the policy's type and OS that do not
 * comply; only those in the scope and outside the notScopes are read, to check the selectors and
 * locations (which look at the document).
 */
export function nonCompliantResources(
  ctx: StoreContext,
  policy: BuiltinPolicy,
  assignment: StoredResource,
  scope: string,
  locations: readonly string[],
  limit: number,
  /** What the policy is evaluated with: a set member's parameters, else the assignment's. */
  parameters: Json | undefined = getPath(assignment.doc, ["properties", "parameters"]),
): StoredResource[] {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? null;
  if (!sub) return [];
  const notScopes = (getPath(assignment.doc, ["properties", "notScopes"]) as string[] | undefined) ?? [];
  const selectors = getPath(assignment.doc, ["properties", "resourceSelectors"]);
  const d = policy.deploys;
  const type = (d.kind === "aksAddon" ? AKS_TYPE : VM_TYPE).toLowerCase();
  const locs = locations.map((l) => l.replace(/\s+/g, "").toLowerCase());
  const leftOut = notScopesMatcher(notScopes);
  const candidates: string[] = [];
  for (const [id, r] of ComplianceIndex.of(ctx).resources(sub)) {
    if (r.type !== type || (d.kind !== "aksAddon" && r.facts.os !== d.osType) || compliesWith(policy, parameters, r.facts)) continue;
    if (scopeCovers(scope, id) && !leftOut(id)) candidates.push(id);
  }
  const out: StoredResource[] = [];
  for (const id of candidates.sort()) {
    if (out.length >= limit) break;
    const r = ctx.store.get(id);
    if (r && selectedBy(selectors, r) && (locs.length === 0 || locs.includes(String(r.doc["location"]).toLowerCase()))) out.push(r);
  }
  return out;
}
