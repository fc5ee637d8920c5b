/**
 * A stack whose agent reconciliation reports on an inventory file (the fleet generator's, bench/fleet.ts)
 * instead of reading Azure: the real-CLI test at a small size and `npm run bench -- pulumi-state` at 1M.
 */
import { BENCH_SUBSCRIPTIONS } from "../../bench/fleet";
import type { PulumiProject } from "./pulumiCli";

/** `pulumi stack init <stack>` and the config of an auto-provisioning spec over the generator's subscriptions, `reconcile: {mode: report, inventory}`. */
export async function setInventoryStack(project: PulumiProject, stack: string, inventory: string): Promise<void> {
  await project.ok(["stack", "init", stack, "--secrets-provider", "passphrase"]);
  for (const [i, sub] of BENCH_SUBSCRIPTIONS.entries()) await project.ok(["config", "set", "--path", `asc-autoprovision:subscriptions[${i}]`, sub]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.autoProvision", "true"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.securityEvents", "Common"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:reconcile.mode", "report"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:reconcile.inventory", inventory]);
}
