/**
 * The capability contract. A capability owns one concern end to end, in one folder
 * `src/capabilities/<id>/`: its slice of the spec and the inventory (what its planner reads), its
 * decisions with their reasons, its step types (`M`: details by action), how each step is
 * simulated and labelled, how it is run against ARM (`arm`, loaded only when a plan is applied),
 * and what the front ends declare for it (`declare`, src/core/declarations). The core composes
 * the registered capabilities (src/capabilities/index.ts) and holds no capability's rule.
 */
import type { InventoryCluster, InventoryMachine } from "../../inventory/schema";
import type { StepSink } from "./builder";
import type { CapabilityDeclarer } from "./declarations/declarer";
import type { PlanContext } from "./context";
import type { Reason } from "./reasons";
import type { Simulation } from "./simulation";
import type { StepMap, StepOf } from "./types";

/** What a step produced that later steps need (e.g. the principal id of a new assignment). */
export type StepOutputs = Readonly<Record<string, string>>;

/** The live state of a step's target: already as the step wants, being changed, or not. */
export type LiveState = "done" | "in-progress" | "absent";

export interface StepContext {
  /** Outputs of the steps this one depends on, by step id. */
  readonly outputs: ReadonlyMap<string, StepOutputs>;
  /**
   * Call when a long-running operation was accepted: the journal records "sent" (resolved once
   * durable) and the step gives up its concurrency slot while it is polled.
   */
  readonly accepted: () => Promise<void>;
}

/**
 * How one action is run. `Env` is what the adapter hands every handler (src/azure/handlers.ts:
 * ARM clients, the write gate, LRO recovery, the machine-extension adapter).
 */
export interface StepHandler<S, Env> {
  /** Makes the change; idempotent (PUT/DELETE of the step's target). */
  run(step: S, env: Env, ctx: StepContext): Promise<StepOutputs | void>;
  /** Reads the target. Absent: "absent" (a single idempotent PUT or DELETE: sending it again is harmless). */
  check?(step: S, env: Env, ctx: StepContext): Promise<LiveState>;
  /** Waits for a running operation an earlier run started. Absent: `check` is polled until done. */
  wait?(step: S, env: Env, ctx: StepContext): Promise<StepOutputs | void>;
}

/** One handler per action of `M`: a missing action does not compile. */
export type StepHandlers<M extends StepMap, Env> = { readonly [A in keyof M & string]: StepHandler<StepOf<A, M[A]>, Env> };

/** What the renderers and `simulate` know of an action. */
export interface StepKind<D> {
  /** What the step does to what, in a few words ("vm-1 (MicrosoftMonitoringAgent)", "ws1: Common"). */
  label(details: D, target: string): string;
  /** The machine the step changes, for steps on one machine. */
  machineId?(details: D): string;
  /** The inventory once the step succeeded. */
  simulate(sim: Simulation, details: D, target: string): void;
}

export type StepKinds<M extends StepMap> = { readonly [A in keyof M & string]: StepKind<M[A]> };

/** The machines of the in-scope subscriptions, sorted by id, each with its (lower-case) subscription. */
export interface Fleet {
  readonly machines: readonly InventoryMachine[];
  readonly subscriptionIds: readonly string[];
  /** How many machines of the in-scope subscriptions the spec's exclusions left out (not in `machines`). */
  readonly excluded?: number;
}

/** A machine's decision as the plan shows it. */
export interface MachineVerdict<D extends string = string> {
  readonly decision: D;
  /** Workspace the machine's agent reports to once the plan is applied (ARM id), or null. */
  readonly workspace: string | null;
  readonly reason: Reason;
}

/**
 * One component's decision for one machine or cluster. Several capabilities contribute to one
 * machine's plan: the agent's verdict stays the machine's `decision`; each component (Defender for
 * Endpoint, vulnerability assessment, Guest Configuration, the machine's plan, a cluster's sensor)
 * adds its own decision and reason under its name. Build them with `componentVerdict` (shared
 * objects: a million machines hold a few dozen).
 */
export interface ComponentVerdict<C extends string = string> {
  readonly decision: C;
  readonly reason: Reason;
}

/** A component's verdicts: one per machine of the fleet (or per cluster), in its order; undefined where it does not apply. */
export interface ComponentVerdicts {
  readonly component: string;
  readonly verdicts: readonly (ComponentVerdict | undefined)[];
}

/** A component a capability decides: its name in the plan, what it is about, its decisions with their meanings. */
export interface ComponentKind<C extends string = string> {
  /** The key under `machines[].components` (or `clusters[].components`). */
  readonly name: string;
  /** A column heading: "Defender for Endpoint". */
  readonly title: string;
  readonly target: "machine" | "cluster";
  /** In the renderers' order. */
  readonly decisions: Readonly<Record<C, string>>;
  /** The decisions under which the component is in place (the report's coverage). */
  readonly covered: readonly C[];
}

/** The clusters of the in-scope subscriptions, sorted by id. */
export interface ClusterFleet {
  readonly clusters: readonly InventoryCluster[];
}

/**
 * The planning phases, in the order the core runs them; in each, capabilities run in
 * registration order. `E` is the step map the capability plans into: its own steps and those it
 * asks of the capabilities it builds on (e.g. an agent asks the workspaces capability for its
 * target workspace).
 */
export interface CapabilityPlanner<E extends StepMap> {
  /** Once per subscription of the spec that is in the inventory (sorted), before the machines. */
  subscription?(ctx: PlanContext, b: StepSink<E>, subscriptionId: string): void;
  /**
   * The machines. The capability that decides the machines' agent for this spec returns one
   * verdict per machine (the plan's `machines[]`); the others return undefined.
   */
  machines?(ctx: PlanContext, b: StepSink<E>, fleet: Fleet): readonly MachineVerdict[] | undefined;
  /**
   * Also in the machines phase, after the agent's verdicts: the capability's components, each
   * with one verdict per machine of `fleet` (undefined when the spec does not ask for them).
   */
  components?(ctx: PlanContext, b: StepSink<E>, fleet: Fleet): readonly ComponentVerdicts[] | undefined;
  /** The clusters: their components' verdicts, one per cluster of `fleet`. */
  clusters?(ctx: PlanContext, b: StepSink<E>, fleet: ClusterFleet): readonly ComponentVerdicts[] | undefined;
  /** Once per subscription after the machines, with that subscription's machines (sorted). */
  afterMachines?(ctx: PlanContext, b: StepSink<E>, subscriptionId: string, machines: readonly InventoryMachine[]): void;
  /** Plan-wide findings, last. */
  finish?(ctx: PlanContext, b: StepSink<E>): void;
}

/** By action of a step map, a test of a step's details. */
export type ServedSteps<E extends StepMap> = { readonly [A in keyof E & string]?: (details: E[A]) => boolean };

/**
 * One capability. `M`: the actions it owns with their details; `D`: the machine decisions it
 * makes, with their one-line meanings (in the renderers' order); `E`: what it plans into.
 */
export interface Capability<M extends StepMap, D extends string = never, E extends StepMap = M> {
  /** The folder name under src/capabilities. */
  readonly id: string;
  /** One line: the concern it owns. */
  readonly title: string;
  readonly decisions: Readonly<Record<D, string>>;
  /** The per-machine (or per-cluster) components it decides, if any. */
  readonly components?: readonly ComponentKind[];
  readonly steps: StepKinds<M>;
  /**
   * Steps of another capability's family that this one plans for its own concern (Guest
   * Configuration's `install-extension`): by action, whether a step is one of them. The renderers
   * count such a step under this capability, not under the family that runs it. Asked once per
   * compact shape: it must decide from what a shape holds besides the machine's id.
   */
  readonly serves?: ServedSteps<E>;
  readonly planner?: CapabilityPlanner<E>;
  /**
   * The ARM handlers of its actions, loaded when a plan is applied (a dynamic import), so that
   * planning from an inventory file never loads the Azure SDK.
   */
  readonly arm: () => Promise<StepHandlers<M, never>>;
  /**
   * What the front ends declare for it: its units of the declaration model (src/core/kernel/declarations),
   * composed by src/core/declarations in registration order. Absent: it declares nothing.
   */
  readonly declare?: CapabilityDeclarer;
  /**
   * Codes of its findings that mean the spec names something Azure does not show (a workspace id
   * with a typo): the plan is then wrong, not just incomplete, and the commands refuse it as they
   * refuse a subscription the inventory lacks (src/core/plan.ts specProblems).
   */
  readonly specProblems?: readonly string[];
}

/** Defines a capability with its types checked (the step kinds and handlers cover every action of `M`). */
export function defineCapability<M extends StepMap, D extends string = never, E extends StepMap = M>(capability: Capability<M, D, E>): Capability<M, D, E> {
  return Object.freeze(capability);
}
