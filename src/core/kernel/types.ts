/**
 * The Plan contract (DESIGN.md "Plan"): per-machine decisions, ordered steps, findings, summary.
 */

export const DECISIONS = [
  "compliant",
  "install",
  "install-multihome",
  "install-beside-scom",
  "reconnect",
  "keep-user-workspace",
  "keep-existing",
  "upgrade",
  "skip-linux-direct-agent",
  "skip-legacy-subscription",
  "blocked-scom-2012",
  "skip-not-eligible",
  "out-of-scope",
  // Azure Monitor Agent (agent: ama); reconnect, keep-*, skip-not-eligible and out-of-scope apply too.
  "ama-compliant",
  "ama-install",
  "ama-migrate",
  "ama-associate",
  "ama-enable-identity",
  "ama-awaiting-heartbeat",
  "ama-remove-legacy",
  "ama-keep-legacy",
] as const;
export type Decision = (typeof DECISIONS)[number];

/** Decisions only `agent: ama` plans make. */
export const AMA_DECISIONS: readonly Decision[] = DECISIONS.filter((d) => d.startsWith("ama-"));

export const ACTIONS = [
  "set-pricing",
  "set-workspace-setting",
  "create-resource-group",
  "create-workspace",
  "install-solution",
  "set-security-events",
  "install-extension",
  "upgrade-extension",
  "reconnect-extension",
  "assign-policy",
  "grant-role",
  "create-remediation",
  "unassign-policy",
  "delete-workspace",
  // Azure Monitor Agent
  "enable-identity",
  "create-dcr",
  "update-dcr",
  "associate-dcr",
  "remove-extension",
  "delete-dcr",
] as const;
export type Action = (typeof ACTIONS)[number];

export interface MachinePlan {
  readonly id: string;
  readonly decision: Decision;
  /** ARM id of the workspace the machine's agent reports to once the plan is applied, or null. */
  readonly workspace: string | null;
  readonly reason: string;
}

/** Step details are plain JSON; each action's shape is documented in steps.ts. */
export type StepDetails = Readonly<Record<string, unknown>>;

export interface Step {
  readonly id: string;
  readonly action: Action;
  /** ARM id the step changes. */
  readonly target: string;
  readonly dependsOn: readonly string[];
  readonly details: StepDetails;
}

export type Severity = "error" | "warning" | "info";

export interface Finding {
  readonly severity: Severity;
  readonly code: string;
  readonly target: string;
  readonly message: string;
}

export interface PlanSummary {
  readonly machines: number;
  readonly decisions: Readonly<Partial<Record<Decision, number>>>;
  readonly steps: number;
  readonly actions: Readonly<Partial<Record<Action, number>>>;
  readonly findings: Readonly<Partial<Record<Severity, number>>>;
}

export interface Plan {
  readonly version: 1;
  readonly machines: readonly MachinePlan[];
  readonly steps: readonly Step[];
  readonly findings: readonly Finding[];
  readonly summary: PlanSummary;
}
