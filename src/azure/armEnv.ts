/**
 * What every ARM handler gets (src/capabilities/<id>/arm.ts): the clients, the write gate, LRO
 * recovery, the machine-extension adapter and the workspace secrets of this apply. Built once per
 * apply by the runner (runner.ts).
 */
import type { ArmClients } from "./clients";
import type { LroRunner } from "./lro";
import type { MachineExtensionAdapter } from "./machineExtensions";
import type { WorkspaceSecrets } from "./secrets";
import type { WriteGate } from "./writeGate";

export interface ArmEnv {
  readonly clients: ArmClients;
  readonly gate: WriteGate;
  readonly lro: LroRunner;
  readonly extensions: MachineExtensionAdapter;
  readonly secrets: WorkspaceSecrets;
  /** Give up waiting for a remediation after this long. */
  readonly remediationTimeoutMs: number;
}

export { isNotFound } from "./errors";
export type { ExtensionBody, LiveExtension, MachineRef } from "./machineExtensions";
