/**
 * Collects steps and findings while planning. Steps are keyed by id: asking for the same step
 * twice (two subscriptions sharing one custom workspace) yields it once.
 *
 * Step details by action (all ids are ARM ids):
 * - set-pricing            { subscriptionId, pricingName, pricingTier }
 * - set-workspace-setting  { subscriptionId, scope, workspaceId: string | null }  (null = delete the setting)
 * - create-resource-group  { subscriptionId, name, location }
 * - create-workspace       { subscriptionId, resourceGroup, name, location, sku, retentionInDays, createdBySecurityCenter }
 * - install-solution       { workspaceId, solution, name, location, plan }
 * - set-security-events    { workspaceId, dataSource, tier, apiTier }
 * - install-extension / upgrade-extension / reconnect-extension
 *                          { machineId, machineKind, osType, location, name, publisher, type, typeHandlerVersion,
 *                            workspaceId, fromWorkspaceId?, fromVersion? }  (workspace key fetched at apply time)
 * - assign-policy          { subscriptionId, name, scope, policyDefinitionId, displayName, location, identity }
 * - grant-role             { scope, roleDefinitionId, roleName, policyAssignmentId, principalId: string | null }
 * - create-remediation     { policyAssignmentId, name, scope, resourceIds, resourceCount, parallelDeployments,
 *                            resourceDiscoveryMode }
 * - unassign-policy        { policyAssignmentId }
 * - delete-workspace       { workspaceId }
 * Azure Monitor Agent (agent: ama):
 * - enable-identity        { machineId, machineKind, identityType, fromIdentityType: string | null }
 *                          (identityType keeps user-assigned identities: "SystemAssigned, UserAssigned")
 * - install-extension      as above with workspaceId: null (AMA is not workspace-keyed, no key to fetch)
 *                          and enableAutomaticUpgrade: true; it waits for the machine's enable-identity
 * - create-dcr / update-dcr
 *                          { subscriptionId, resourceGroup, name, location, workspaceId, tier, body, fromTier? }
 *                          (body: the ARM PUT body from spec/dcr.ts; update keeps the rule's location;
 *                          fromTier: the tier the rule selects today, null when its queries are custom)
 * - associate-dcr          { machineId, name, dataCollectionRuleId, workspaceId, fromDataCollectionRuleId: string | null }
 *                          (target: the machine's association; a PUT that creates or repoints it)
 * - remove-extension       { machineId, machineKind, osType, name, publisher, type, workspaceId: string | null }
 *                          (only the Log Analytics agent extension; workspaceId: where it reported)
 * - delete-dcr             { dataCollectionRuleId, workspaceId }  (before its default workspace is deleted)
 */
import type { Action, Finding, Severity, Step, StepDetails } from "./types";

/** `<action>:<target>`. Targets are built from one source per resource, so their case is stable. */
export function stepId(action: Action, target: string): string {
  return action + ":" + target;
}

const NO_DEPENDENCIES: readonly string[] = Object.freeze([]);

export class PlanBuilder {
  /** Steps in the order they were added (a step only depends on earlier ones). */
  private readonly ordered: Step[] = [];
  /** Steps that can be asked for twice (workspaces, roles), by id. */
  private readonly steps = new Map<string, Step>();
  private readonly findings: Finding[] = [];
  private readonly findingKeys = new Set<string>();

  /** Adds a step (once) and returns its id. */
  add(action: Action, target: string, details: StepDetails, dependsOn: readonly (string | undefined)[] = []): string {
    const id = stepId(action, target);
    if (!this.steps.has(id)) {
      const step = { id, action, target, dependsOn: uniqueDefined(dependsOn), details };
      this.steps.set(id, step);
      this.ordered.push(step);
    }
    return id;
  }

  /**
   * Adds a step that only this call can produce (one machine's extension), without the id index:
   * hashing half a million long ids is measurable, and nothing asks for these twice.
   */
  addUnique(action: Action, target: string, details: StepDetails, dependsOn: readonly string[] = NO_DEPENDENCIES): string {
    const id = stepId(action, target);
    this.ordered.push({ id, action, target, dependsOn: uniqueDefined(dependsOn), details });
    return id;
  }

  has(id: string): boolean {
    return this.steps.has(id);
  }

  /** Adds a finding (once per severity, code and target). */
  finding(severity: Severity, code: string, target: string, message: string): void {
    const key = `${code}\u0000${target.toLowerCase()}`;
    if (this.findingKeys.has(key)) return;
    this.findingKeys.add(key);
    this.findings.push({ severity, code, target, message });
  }

  build(): { steps: Step[]; findings: Finding[] } {
    return { steps: this.ordered, findings: sortFindings(this.findings) };
  }
}

/**
 * The ids without undefined and duplicates. A list that is already clean is kept as it is, so the
 * machines of one workspace share one dependsOn array.
 */
function uniqueDefined(ids: readonly (string | undefined)[]): readonly string[] {
  if (ids.length === 0) return NO_DEPENDENCIES;
  let clean = true;
  for (let i = 0; i < ids.length && clean; i++) if (ids[i] === undefined || ids.indexOf(ids[i], i + 1) >= 0) clean = false;
  return clean ? (ids as readonly string[]) : [...new Set(ids.filter((d): d is string => d !== undefined))];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      cmp(a.code, b.code) ||
      cmp(a.target.toLowerCase(), b.target.toLowerCase()),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
