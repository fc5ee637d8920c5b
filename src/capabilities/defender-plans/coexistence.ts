/**
 * Coexistence with the other owners of Defender's components: Defender's own policy assignments
 * (it assigns and manages some for its plans), Azure Landing Zones' (Deploy-MDFC-Config,
 * Deploy-MDEndpoints), a user's, and this tool's. A capability never creates a second assignment
 * for what one of them deploys: it finds them here and says in a finding what it found, who owns
 * it, and what it does about it. Assignments at the subscription, or at a management group above
 * it (assignmentApplies), apply to it.
 */
import type { InventoryPolicyAssignment } from "../../inventory/schema";
import { ALZ_BUILTIN_ASSIGNMENTS, ALZ_MDFC_SET_NAME, COMPONENT_POLICIES, type AssignmentOwner, type ComponentPolicy, type DefenderComponent } from "../../spec";
import { fewNames, sortById, subscriptionScope, workspaceLabel, type PlanContext, type StepSink } from "../../core/kernel";
import { compareAlzParameters, describeComparison, type ParameterComparison } from "./alzParameters";

export interface FoundAssignment {
  readonly assignment: InventoryPolicyAssignment;
  /** The built-in policy it assigns, when it assigns one this catalog knows. */
  readonly policy?: ComponentPolicy;
  readonly owner: AssignmentOwner;
  /** The owner in a finding's words: "Defender for Cloud", "Azure Landing Zones (Deploy-MDFC-Config)". */
  readonly ownerName: string;
  /** "unknown": at a management group the inventory cannot place above the subscription or not; taken to apply (nothing is deployed a second time on a guess). */
  readonly applies: "yes" | "unknown";
}

/** The built-in policy of the catalog a definition id names, by the GUID prefix reference §3 gives. */
export function componentPolicyOf(definitionId: string): ComponentPolicy | undefined {
  const guid = definitionId.slice(definitionId.lastIndexOf("/") + 1).toLowerCase();
  return COMPONENT_POLICIES.find((p) => guid.startsWith(p.prefix));
}

const SET_DEFINITION = /\/providers\/microsoft\.authorization\/policysetdefinitions\/([^/]+)$/i;

/** Whether the assignment is of ALZ's Defender initiative (a custom set named Deploy-MDFC-Config…), whatever the assignment's name. */
export function isAlzDefenderInitiative(a: InventoryPolicyAssignment): boolean {
  const set = SET_DEFINITION.exec(a.policyDefinitionId);
  return !!set && ALZ_MDFC_SET_NAME.test(set[1]!);
}

/**
 * The component an assignment of ALZ's deploys: its Defender initiative (by the set it assigns),
 * or a built-in ALZ assigns under its own name (name and definition both). A `Deploy-…` name
 * alone is not ALZ's: anyone may name an assignment so.
 */
export function alzComponentOf(a: InventoryPolicyAssignment): DefenderComponent | undefined {
  if (isAlzDefenderInitiative(a)) return "plans";
  const known = ALZ_BUILTIN_ASSIGNMENTS[(a.name ?? workspaceLabel(a.id)).toLowerCase()];
  return known && componentPolicyOf(a.policyDefinitionId)?.prefix === known.prefix ? known.component : undefined;
}

/** Who made an assignment: this tool (its `asc-` names), Defender (metadata or its names), ALZ (its initiative or its built-ins' names), or someone else. */
export function ownerOf(a: InventoryPolicyAssignment): { owner: AssignmentOwner; ownerName: string } {
  const name = a.name ?? workspaceLabel(a.id);
  const display = a.displayName ?? "";
  // This tool names its assignments `asc-…` in lower case (Defender's own start with "ASC").
  if (/^asc-/.test(name)) return { owner: "this-tool", ownerName: `this tool (${name})` };
  if (/security center|defender for cloud/i.test(a.assignedBy ?? "") || /^(ASC |Defender for )/i.test(display) || /^ASC[-_ ]/i.test(name)) {
    return { owner: "defender", ownerName: `Defender for Cloud (${display || name})` };
  }
  if (alzComponentOf(a)) return { owner: "alz", ownerName: `Azure Landing Zones (${name})` };
  return { owner: "other", ownerName: `another owner (${display || name})` };
}

const GROUP_SCOPE = "/providers/microsoft.management/managementgroups/";

/**
 * Whether an assignment applies to a subscription: one at the subscription does, one at a
 * management group does when that group is one of the subscription's ancestors (as the inventory
 * records them), unless its notScopes leave the subscription (or a group between) out. "unknown":
 * a management group's, and the inventory does not record the subscription's ancestors.
 */
export function assignmentApplies(ctx: PlanContext, a: InventoryPolicyAssignment, subscriptionId: string): "yes" | "no" | "unknown" {
  const scope = trimmed(a.scope);
  const subscription = subscriptionScope(subscriptionId).toLowerCase();
  if (scope !== subscription && !scope.startsWith(GROUP_SCOPE)) return "no";
  const notScopes = (a.notScopes ?? []).map(trimmed);
  if (notScopes.includes(subscription)) return "no";
  if (scope === subscription) return "yes";
  const ancestors = ancestorsOf(ctx).get(subscriptionId.toLowerCase());
  if (!ancestors) return "unknown";
  const above = (groupScope: string) => groupScope.startsWith(GROUP_SCOPE) && ancestors.has(groupScope.slice(GROUP_SCOPE.length));
  return above(scope) && !notScopes.some(above) ? "yes" : "no";
}

function trimmed(scope: string): string {
  return scope.toLowerCase().replace(/\/+$/, "");
}

/** Each subscription's recorded ancestors (lower-case names); a subscription without the field has no entry. */
function ancestorsOf(ctx: PlanContext): Map<string, ReadonlySet<string>> {
  return ctx.memo(ANCESTORS, () => {
    const out = new Map<string, ReadonlySet<string>>();
    for (const s of ctx.inventory.subscriptions) {
      if (s.managementGroupAncestors) out.set(s.id.toLowerCase(), new Set(s.managementGroupAncestors.map((g) => g.toLowerCase())));
    }
    return out;
  });
}

const ANCESTORS = {};

/** The assignments that apply to the subscription and deploy `component`, sorted by id. */
export function assignmentsDeploying(ctx: PlanContext, subscriptionId: string, component: DefenderComponent): FoundAssignment[] {
  const found: FoundAssignment[] = [];
  for (const a of sortById(ctx.inventory.policyAssignments)) {
    const applies = assignmentApplies(ctx, a, subscriptionId);
    if (applies === "no") continue;
    const policy = componentPolicyOf(a.policyDefinitionId);
    const alz = alzComponentOf(a);
    if (policy?.component !== component && alz !== component) continue;
    found.push({ assignment: a, ...(policy ? { policy } : {}), ...ownerOf(a), applies });
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
  ourPart: (found: FoundAssignment, parameters: ParameterComparison | undefined) => string,
  severity: "info" | "warning" = "info",
): FoundAssignment[] {
  const found = assignmentsDeploying(ctx, subscriptionId, component);
  for (const f of found) {
    if (f.owner === "this-tool") continue;
    // ALZ's initiative: its parameters against the spec, said here and given to ourPart (its advice depends on them).
    const parameters = isAlzDefenderInitiative(f.assignment) ? compareAlzParameters(ctx.spec, f.assignment, subscriptionId) : undefined;
    const compared = parameters ? describeComparison(parameters) : "";
    const policy = f.policy ? `"${f.policy.displayName}"` : "a Defender configuration";
    const unsure =
      f.applies === "unknown"
        ? ` Whether it applies to subscription ${subscriptionId} is not known: the inventory does not record the management groups above it (subscriptions[].managementGroupAncestors), so it is taken to apply.`
        : "";
    b.finding(
      f.applies === "unknown" ? "warning" : severity,
      `coexisting-${component}-assignment`,
      f.assignment.id,
      `${f.ownerName} assigns ${policy}, which deploys ${what}, at ${f.assignment.scope}${reach(ctx, f.assignment)}.${unsure} ${compared ? `${compared} ` : ""}${ourPart(f, parameters)}`,
    );
  }
  return found;
}

/**
 * For an assignment at a management group, the subscriptions of the plan's scope it applies to
 * (or may: ancestors not recorded): its one finding (findings are kept once per code and target)
 * then says where, whichever subscription's planning found it first.
 */
function reach(ctx: PlanContext, a: InventoryPolicyAssignment): string {
  if (!trimmed(a.scope).startsWith(GROUP_SCOPE)) return "";
  const under = [...ctx.inScope].filter((sub) => assignmentApplies(ctx, a, sub) !== "no").sort();
  return ` (for ${under.length} subscription(s) of this plan: ${fewNames(under, 3)})`;
}
