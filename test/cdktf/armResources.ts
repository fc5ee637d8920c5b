/**
 * The common ground of the two front ends: the Azure resources a stack declares, each as
 * `{ armType, name, props }` where `name` is the resource's full ARM id (it carries the
 * subscription and resource group) and `props` its key properties in ARM's words. A role
 * assignment's principal is `principal-of:<policy assignment id>` on both sides (the identity is
 * only known once Azure creates the assignment).
 */
export interface ArmResource {
  readonly armType: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
}

export const ARM = {
  resourceGroup: "Microsoft.Resources/resourceGroups",
  workspace: "Microsoft.OperationalInsights/workspaces",
  dataSource: "Microsoft.OperationalInsights/workspaces/dataSources",
  solution: "Microsoft.OperationsManagement/solutions",
  pricing: "Microsoft.Security/pricings",
  workspaceSetting: "Microsoft.Security/workspaceSettings",
  policyAssignment: "Microsoft.Authorization/policyAssignments",
  roleAssignment: "Microsoft.Authorization/roleAssignments",
  remediation: "Microsoft.PolicyInsights/remediations",
  dataCollectionRule: "Microsoft.Insights/dataCollectionRules",
  deployment: "Microsoft.Resources/deployments",
} as const;

export function principalOf(policyAssignmentId: string): string {
  return `principal-of:${policyAssignmentId}`;
}

/** JSON with every object's keys sorted: equal values, equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A set of resources in a comparable form: sorted, one canonical JSON text each. */
export function asSet(resources: readonly ArmResource[]): string[] {
  return resources.map(stableJson).sort();
}
