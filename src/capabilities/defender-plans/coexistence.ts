/**
 * Coexistence with the other owners of Defender's components: Defender's own policy assignments
 * (it assigns and manages some for its plans), Azure Landing Zones' (Deploy-MDFC-Config,
 * Deploy-MDEndpoints), a user's, and this tool's. A capability never creates a second assignment
 * for what one of them deploys: it finds them here and says in a finding what it found, who owns
 * it, and what it does about it. Assignments at the subscription or above it (a management group)
 * apply to it.
 */
import type { InventoryPolicyAssignment } from "../../inventory/schema";
import { ALZ_DEFENDER_ASSIGNMENTS, COMPONENT_POLICIES, type AssignmentOwner, type ComponentPolicy, type DefenderComponent } from "../../spec";
import { sortById, subscriptionScope, workspaceLabel, type PlanContext, type StepSink } from "../../core/kernel";

export interface FoundAssignment {
  readonly assignment: InventoryPolicyAssignment;
  /** The built-in policy it assigns, when it assigns one this catalog knows. */
  readonly policy?: ComponentPolicy;
  readonly owner: AssignmentOwner;
  /** The owner in a finding's words: "Defender for Cloud", "Azure Landing Zones (Deploy-MDFC-Config)". */
  readonly ownerName: string;
}

/** The built-in policy of the catalog a definition id names, by the GUID prefix reference §3 gives. */
export function componentPolicyOf(definitionId: string): ComponentPolicy | undefined {
  const guid = definitionId.slice(definitionId.lastIndexOf("/") + 1).toLowerCase();
  return COMPONENT_POLICIES.find((p) => guid.startsWith(p.prefix));
}

/** Who made an assignment: this tool (its `asc-` names), Defender (metadata or its names), ALZ (its names), or someone else. */
export function ownerOf(a: InventoryPolicyAssignment): { owner: AssignmentOwner; ownerName: string } {
  const name = a.name ?? workspaceLabel(a.id);
  const display = a.displayName ?? "";
  // This tool names its assignments `asc-…` in lower case (Defender's own start with "ASC").
  if (/^asc-/.test(name)) return { owner: "this-tool", ownerName: `this tool (${name})` };
  if (/security center|defender for cloud/i.test(a.assignedBy ?? "") || /^(ASC |Defender for )/i.test(display) || /^ASC[-_ ]/i.test(name)) {
    return { owner: "defender", ownerName: `Defender for Cloud (${display || name})` };
  }
  if (ALZ_DEFENDER_ASSIGNMENTS[name.toLowerCase()] || /^(Deploy|Enforce|Audit)-/.test(name)) return { owner: "alz", ownerName: `Azure Landing Zones (${name})` };
  return { owner: "other", ownerName: `another owner (${display || name})` };
}

function appliesTo(a: InventoryPolicyAssignment, subscriptionId: string): boolean {
  const scope = a.scope.toLowerCase();
  return scope === subscriptionScope(subscriptionId) || scope.startsWith("/providers/microsoft.management/managementgroups/");
}

/** The assignments that apply to the subscription and deploy `component`, sorted by id. */
export function assignmentsDeploying(ctx: PlanContext, subscriptionId: string, component: DefenderComponent): FoundAssignment[] {
  const found: FoundAssignment[] = [];
  for (const a of sortById(ctx.inventory.policyAssignments)) {
    if (!appliesTo(a, subscriptionId)) continue;
    const policy = componentPolicyOf(a.policyDefinitionId);
    const alz = ALZ_DEFENDER_ASSIGNMENTS[(a.name ?? workspaceLabel(a.id)).toLowerCase()];
    if (policy?.component !== component && alz !== component) continue;
    found.push({ assignment: a, ...(policy ? { policy } : {}), ...ownerOf(a) });
  }
  return found;
}

/**
 * One finding per assignment that deploys `component` at the subscription: what it is, who owns it,
 * and `ourPart` (what this tool does beside it). Assignments this tool made are not reported.
 */
export function noteCoexistence(
  ctx: PlanContext,
  b: StepSink<object>,
  subscriptionId: string,
  component: DefenderComponent,
  what: string,
  ourPart: (found: FoundAssignment) => string,
  severity: "info" | "warning" = "info",
): FoundAssignment[] {
  const found = assignmentsDeploying(ctx, subscriptionId, component);
  for (const f of found) {
    if (f.owner === "this-tool") continue;
    const policy = f.policy ? `"${f.policy.displayName}"` : "a Defender configuration";
    b.finding(
      severity,
      `coexisting-${component}-assignment`,
      f.assignment.id,
      `${f.ownerName} assigns ${policy}, which deploys ${what}, at ${f.assignment.scope}. ${ourPart(f)}`,
    );
  }
  return found;
}
