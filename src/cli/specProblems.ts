/**
 * What plan, apply and reconcile say when the spec names what the state read does not show (a
 * subscription, a workspace: core's specProblems): the same words in each, naming what was read.
 * apply and reconcile always read it live, from Azure (or the emulator standing in for it); plan
 * reads Azure too, or the inventory file `--inventory` names.
 */
import { specProblems, type Plan } from "../core";

/** `readFrom`: "Azure", or the inventory file; `outcome`: what the command does about it. The problems follow, one per line. */
export function describeSpecProblems(plan: Pick<Plan, "findings">, readFrom: string, outcome: string): string {
  return `the spec names what ${readFrom} does not show; ${outcome}:\n  ${specProblems(plan).map((f) => f.message).join("\n  ")}`;
}
