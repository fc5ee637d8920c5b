/** Who exists in the emulator's directory, and which role assignments cover a resource. */
import type { StoredResource } from "../store/resources";
import { EMULATOR_PRINCIPAL_ID } from "../constants";
import { scopeCovers } from "../util/armId";
import { getString } from "../util/json";
import type { StoreContext } from "./context";
import { AKS_TYPE, ARC_TYPE, POLICY_ASSIGNMENT_TYPE, ROLE_ASSIGNMENT_TYPE } from "./resourceTypes";

/** Principals that exist in the emulator's directory: the dev service principal and managed identities. */
export function knownPrincipals(ctx: StoreContext): Set<string> {
  const out = new Set<string>([EMULATOR_PRINCIPAL_ID]);
  for (const r of ctx.store.listTypes([POLICY_ASSIGNMENT_TYPE, AKS_TYPE, ARC_TYPE])) {
    const p = getString(r.doc, "identity", "principalId");
    if (p) out.add(p.toLowerCase());
  }
  return out;
}

/** Role assignments of a principal whose scope covers `resourceId`. */
export function roleAssignmentsCovering(ctx: StoreContext, principalId: string, resourceId: string): StoredResource[] {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? null;
  return ctx.store
    .list(ROLE_ASSIGNMENT_TYPE, { subscriptionId: sub })
    .filter((r) => getString(r.doc, "properties", "principalId") === principalId.toLowerCase() && scopeCovers(getString(r.doc, "properties", "scope") ?? "", resourceId));
}
