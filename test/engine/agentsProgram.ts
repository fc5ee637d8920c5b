/**
 * The program the engine tests run: the root program's stack config (same Pulumi.yaml config
 * schema, same validation), declaring only what needs no azure-native plugin: the agent
 * reconciliation of the spec's subscriptions (AgentReconciliation, a dynamic resource). The
 * azure-native plugin cannot be built here (its binary embeds files generated at release time), so
 * the components' azure-native resources stay tested under setMocks.
 *
 * It runs the built JavaScript (dist/, as Pulumi.yaml's `main` does) and first writes
 * PROGRAM_RAN_MARKER, so a test can tell whether the CLI got as far as running it.
 */
import { join } from "node:path";
import { ROOT } from "./pulumiCli";

export const PROGRAM_RAN_MARKER = "program-ran";

export function agentsProgram(): string {
  const dist = (path: string) => JSON.stringify(join(ROOT, "dist", path));
  return `"use strict";
require("node:fs").writeFileSync(require("node:path").join(__dirname, ${JSON.stringify(PROGRAM_RAN_MARKER)}), "");
const { readStackSettings } = require(${dist("components/pulumi/program/stackConfig")});
const { AgentReconciliation } = require(${dist("components/pulumi/reconcile")});

const settings = readStackSettings();
const reconcile = settings.reconcile || { mode: "apply" };
const agents = new AgentReconciliation("agents", {
  spec: settings.spec,
  endpoint: settings.endpoint,
  mode: reconcile.mode || "apply",
  inventory: reconcile.inventory,
  delegateAbove: reconcile.delegateAbove,
  concurrency: reconcile.concurrency,
  state: reconcile.state,
});
exports.machineCount = agents.machineCount;
exports.remainingSteps = agents.remainingSteps;
exports.planDigest = agents.planDigest;
exports.planFile = agents.planFile;
`;
}
