/**
 * `asc-autoprovision demo`: the whole job on the embedded emulator. Starts it with a generated
 * fleet, plans, applies, plans again (zero steps expected), prints the coverage and stops it.
 */
import type { Command } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorConnection } from "../../azure/connection";
import { startEmulator } from "../../emulator";
import { subscriptionOf } from "../../inventory/ids";
import { DECISIONS, type Plan } from "../../reconcile/types";
import { DECISION_MEANING } from "../../reconcile/render/facts";
import { parseSpec } from "../../spec/validate";
import { positiveNumber } from "../format";
import type { CliContext } from "../main";
import { createProgress } from "../progress";
import { applyRound, planRound, summarizeResult } from "../round";

/** Decisions after which a machine reports to a workspace Security Center uses. */
const COVERED = new Set(["compliant", "keep-user-workspace", "keep-existing"]);

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("Run the whole job on the embedded emulator: a generated fleet is planned, applied and planned again; prints the coverage.")
    .option("--fleet <n>", "machines in the generated fleet", "300")
    .option("--seed <n>", "fleet seed", "1")
    .option("--quiet", "no progress output")
    .action(async (opts: { fleet: string; seed: string; quiet?: boolean }) => {
      const started = Date.now();
      const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
      const dir = mkdtempSync(join(tmpdir(), "asc-demo-"));
      progress.note(`starting the emulator with a fleet of ${opts.fleet} machines`);
      const emu = await startEmulator({ statePath: join(dir, "state.sqlite"), fleet: positiveNumber("--fleet", opts.fleet), seed: positiveNumber("--seed", opts.seed) });
      try {
        const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
        const spec = parseSpec({
          subscriptions: emu.subscriptionIds,
          logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common", reconfigureExisting: false, defender: true },
          extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } },
        });
        ctx.stdout(`Emulator at ${emu.url}, ${emu.subscriptionIds.length} subscriptions. Spec: default workspaces, Common security events, Defender on, Kubernetes add-on and Dependency agent.\n\n`);
        const planned = await planRound(conn, spec, progress);
        const first = planned.plan;
        ctx.stdout(`First plan: ${first.steps.length} step(s) for ${first.summary.machines} machine(s).\n`);
        ctx.stdout(decisionTable(first));
        const result = await applyRound(conn, spec, planned, progress, { stateDir: join(dir, "state"), concurrency: 16, writesPerSecond: 200, pollIntervalMs: 20, delegateAbove: 100 });
        ctx.stdout(`\n${summarizeResult(result)}`);
        const second = (await planRound(conn, spec, progress)).plan;
        ctx.stdout(`Second plan: ${second.steps.length} step(s).\n\n`);
        ctx.stdout(coverage(second));
        ctx.stdout(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        ctx.exitCode = second.steps.length === 0 && result.counts.failed === 0 ? 0 : 1;
      } finally {
        await emu.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
}

function decisionTable(p: Plan): string {
  return DECISIONS.filter((d) => p.summary.decisions[d])
    .map((d) => `  ${d.padEnd(25)} ${String(p.summary.decisions[d]).padStart(5)}  ${DECISION_MEANING[d]}\n`)
    .join("");
}

function coverage(p: Plan): string {
  const bySub = new Map<string, { total: number; covered: number }>();
  for (const m of p.machines) {
    const sub = subscriptionOf(m.id);
    const c = bySub.get(sub) ?? { total: 0, covered: 0 };
    c.total++;
    if (COVERED.has(m.decision)) c.covered++;
    bySub.set(sub, c);
  }
  const lines = ["Coverage (machines reporting to a workspace Security Center uses):"];
  for (const [sub, c] of [...bySub].sort()) lines.push(`  ${sub}: ${c.covered}/${c.total} (${((100 * c.covered) / c.total).toFixed(0)}%)`);
  lines.push("Not covered, by the seed's rules:");
  for (const d of DECISIONS) if (!COVERED.has(d) && p.summary.decisions[d]) lines.push(`  ${d.padEnd(25)} ${String(p.summary.decisions[d]).padStart(5)}  ${DECISION_MEANING[d]}`);
  return lines.join("\n") + "\n";
}
