/**
 * Plan steps as ARM calls: a registry of one handler per action, gathered from the registered
 * capabilities (each capability's arm.ts, `satisfies StepHandlers<its steps, ArmEnv>`: an action
 * without a handler does not compile), run with the plumbing of one apply: clients, the write
 * gate (budget and retries), LRO recovery, the machine-extension adapter, workspace secrets.
 */
import { CAPABILITIES, type Action, type Step } from "../capabilities";
import type { LiveState, StepContext, StepHandler, StepOutputs } from "../core/kernel";
import type { ArmEnv } from "./armEnv";
import type { ArmBudgets } from "./budget";
import { ArmClients } from "./clients";
import type { AzureConnection } from "./connection";
import type { StepRunner } from "./executor";
import { LroRunner } from "./lro";
import { MachineExtensionAdapter } from "./machineExtensions";
import { pacerPolicy } from "./pacer";
import type { CallHealth, RetryOptions } from "./retry";
import { WorkspaceSecrets } from "./secrets";
import { WriteGate } from "./writeGate";

export interface RunnerOptions {
  /** ARM's buckets per subscription and class, taken by every request of the apply's clients. */
  readonly budgets: ArmBudgets;
  readonly retry?: RetryOptions;
  /** Stops every wait of the run. */
  readonly signal?: AbortSignal;
  /** The run-wide give-up deadline for transient errors. */
  readonly health?: CallHealth;
  /** Interval between polls of a long-running operation or remediation. Default 2 s (Azure's). */
  readonly pollIntervalMs?: number;
  /** Give up waiting for a remediation after this long. Default 30 min. */
  readonly remediationTimeoutMs?: number;
}

/** One handler per action of every registered capability. */
export type ArmHandlerTable = { readonly [A in Action]: StepHandler<Extract<Step, { action: A }>, ArmEnv> };

/** Loads the handlers of the registered capabilities (their arm.ts modules, with the Azure SDK). */
export async function loadArmHandlers(): Promise<ArmHandlerTable> {
  const tables = await Promise.all(CAPABILITIES.map((c) => c.arm()));
  // Each table is checked against its own capability's actions where it is written (arm.ts).
  return Object.assign({}, ...tables) as ArmHandlerTable;
}

export function armEnv(conn: AzureConnection, options: RunnerOptions): ArmEnv {
  const clients = new ArmClients(conn, [pacerPolicy(options.budgets, options.signal, options.health)]);
  const gate = new WriteGate({ ...options.retry, signal: options.signal, health: options.health });
  const lro = new LroRunner(gate, options.pollIntervalMs ?? 2000);
  return {
    clients,
    gate,
    lro,
    extensions: new MachineExtensionAdapter(clients, gate, lro),
    secrets: new WorkspaceSecrets(clients, gate),
    remediationTimeoutMs: options.remediationTimeoutMs ?? 30 * 60_000,
  };
}

export class AzureStepRunner implements StepRunner {
  private readonly env: ArmEnv;
  private handlers: Promise<ArmHandlerTable> | undefined;

  constructor(conn: AzureConnection, options: RunnerOptions) {
    this.env = armEnv(conn, options);
  }

  /** The apply's clients, paced: for its calls that are no step's (a remediation's deployment list). */
  get clients(): ArmClients {
    return this.env.clients;
  }

  private async handler(step: Step): Promise<StepHandler<Step, ArmEnv>> {
    const table = await (this.handlers ??= loadArmHandlers());
    // The table is indexed by the step's own action: its handler takes exactly that step.
    return table[step.action] as StepHandler<Step, ArmEnv>;
  }

  async run(step: Step, ctx: StepContext): Promise<StepOutputs | void> {
    return (await this.handler(step)).run(step, this.env, ctx);
  }

  async check(step: Step, ctx: StepContext): Promise<LiveState> {
    const h = await this.handler(step);
    // A step without a check is a single idempotent PUT or DELETE: sending it again is harmless.
    return h.check ? h.check(step, this.env, ctx) : "absent";
  }

  async wait(step: Step, ctx: StepContext): Promise<StepOutputs | void> {
    const h = await this.handler(step);
    if (h.wait) return h.wait(step, this.env, ctx);
    return this.env.lro.waitUntilDone(() => this.check(step, ctx), step.target);
  }
}
