/**
 * The Plan contract (DESIGN.md "Plan"): per-machine decisions, ordered steps, findings, summary.
 * Generic over the step and decision types: the registered capabilities (src/capabilities) bind
 * them, so the kernel knows no capability's action or decision.
 */

/** Details of each action a capability owns: `{ "set-pricing": SetPricingDetails, ... }`. */
export type StepMap = object;

/** The step map of a capability that owns no action (it plans into others'). */
export type NoSteps = Record<never, never>;

/** One step of a plan. `details` is plain JSON; its shape is fixed by the action. */
export interface StepOf<A extends string, D> {
  readonly id: string;
  readonly action: A;
  /** ARM id the step changes. */
  readonly target: string;
  readonly dependsOn: readonly string[];
  readonly details: D;
}

/** The discriminated union of the steps of a step map: one member per action. */
export type StepUnion<M extends StepMap> = { [A in keyof M & string]: StepOf<A, M[A]> }[keyof M & string];

/** A component's decision as the plan shows it. */
export interface ComponentPlan {
  readonly decision: string;
  readonly reason: string;
}

/** Decisions by component name (only the components the spec asks for). */
export type ComponentPlans = Readonly<Record<string, ComponentPlan>>;

export interface MachinePlan<D extends string = string> {
  readonly id: string;
  readonly decision: D;
  /** ARM id of the workspace the machine's agent reports to once the plan is applied, or null. */
  readonly workspace: string | null;
  readonly reason: string;
  /** Present when the spec asks for per-machine components (Defender for Endpoint, ...). */
  readonly components?: ComponentPlans;
}

/** A cluster's components (Defender sensor, Azure Policy add-on). */
export interface ClusterPlan {
  readonly id: string;
  readonly components: ComponentPlans;
}

export type Severity = "error" | "warning" | "info";

export interface Finding {
  readonly severity: Severity;
  readonly code: string;
  readonly target: string;
  readonly message: string;
}

export interface PlanSummaryOf<D extends string, A extends string> {
  readonly machines: number;
  readonly decisions: Readonly<Partial<Record<D, number>>>;
  readonly steps: number;
  readonly actions: Readonly<Partial<Record<A, number>>>;
  readonly findings: Readonly<Partial<Record<Severity, number>>>;
  /** Per component: machines (or clusters) by decision; present when the plan has components. */
  readonly components?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface PlanOf<S extends { readonly action: string }, D extends string> {
  readonly version: 1;
  readonly machines: readonly MachinePlan<D>[];
  /** Present when the spec asks for cluster components (Defender for Containers). */
  readonly clusters?: readonly ClusterPlan[];
  readonly steps: readonly S[];
  readonly findings: readonly Finding[];
  readonly summary: PlanSummaryOf<D, S["action"]>;
}
