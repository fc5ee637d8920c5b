/**
 * `asc-autoprovision demo`: the whole job on the embedded emulator. Starts it with a generated
 * fleet, plans, applies, plans again (zero steps expected), prints the coverage and stops it.
 * --format json prints one JSON object instead: both plans' summaries, the apply result and the
 * coverage of the converged fleet (the report's figures). Exit 0 converged, 1 otherwise.
 */
import type { Command } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUNTIME_OPTIONS } from "../../azure/options";
import { subscriptionOf } from "../../inventory";
import { DECISIONS, type Plan, DECISION_MEANING } from "../../core";
import { isCovered, buildReport } from "../../report";
import { parseSpec } from "../../spec";
import { choice, wholeNumber } from "../format";
import type { CliContext } from "../context";
import { createProgress } from "../progress";
import { roundJson } from "./reconcile";

export const DEMO_FORMATS = ["text", "json"] as const;

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("Run the whole job on the embedded emulator: a generated fleet is planned, applied and planned again; prints the coverage.")
    .option("--fleet <n>", "machines in the generated fleet", "300")
    .option("--seed <n>", "fleet seed", "1")
    .option("--format <format>", `output format: ${DEMO_FORMATS.join(", ")}`, "text")
    .option("--quiet", "no progress output")
    .action(async (opts: { fleet: string; seed: string; format: string; quiet?: boolean }) => {
      const format = choice("--format", opts.format, DEMO_FORMATS);
      const text = (t: string) => {
        if (format === "text") ctx.stdout(t);
      };
      const started = Date.now();
      const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
      const dir = mkdtempSync(join(tmpdir(), "asc-demo-"));
      progress.note(`starting the emulator with a fleet of ${opts.fleet} machines`);
      // The emulator, the adapter and the Azure SDK are loaded when the demo runs, not with the CLI.
      const [{ startEmulator }, { emulatorConnection }, { applyRound, beginRound, planRound, summarizeResult }] = await Promise.all([
        import("../../emulator"),
        import("../../azure/connection"),
        import("../round"),
      ]);
      const emu = await startEmulator({ statePath: join(dir, "state.sqlite"), fleet: wholeNumber("--fleet", opts.fleet, 1), seed: wholeNumber("--seed", opts.seed, 0) });
      try {
        const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
        const spec = parseSpec({
          subscriptions: emu.subscriptionIds,
          logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common", reconfigureExisting: false, defender: true },
          extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } },
        });
        text(`Emulator at ${emu.url}, ${emu.subscriptionIds.length} subscriptions. Spec: default workspaces, Common security events, Defender on, Kubernetes add-on and Dependency agent.\n\n`);
        const planned = await planRound(conn, spec, progress);
        const first = planned.plan;
        text(`First plan: ${first.steps.length} step(s) for ${first.summary.machines} machine(s).\n`);
        text(decisionTable(first));
        const state = join(dir, "state");
        const run = await beginRound(conn, spec, "demo", { state });
        const result = await applyRound(conn, run, planned, progress, {
          state,
          concurrency: RUNTIME_OPTIONS.concurrency.default,
          // The embedded emulator takes writes as fast as they come: the demo does not wait for ARM's budget.
          writesPerSecond: 200,
          writeBurst: RUNTIME_OPTIONS.writeBurst.default,
          giveUpAfterSeconds: RUNTIME_OPTIONS.giveUpAfter.default,
          pollIntervalMs: 20,
          delegateAbove: RUNTIME_OPTIONS.delegateAbove.default,
        }).finally(() => run.end());
        text(`\n${summarizeResult(result)}`);
        const secondRound = await planRound(conn, spec, progress);
        const second = secondRound.plan;
        text(`Second plan: ${second.steps.length} step(s).\n\n`);
        text(coverage(second));
        text(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        if (format === "json") {
          const cov = buildReport(spec, [{ label: "demo", inventory: secondRound.inventory }]).latest;
          const summary = {
            emulator: emu.url,
            subscriptions: emu.subscriptionIds,
            apply: roundJson(1, started, first.summary, result),
            secondPlan: second.summary,
            coverage: { total: cov.total, bySubscription: cov.bySubscription, byGeography: cov.byGeography, byDecision: cov.byDecision },
            seconds: Math.round((Date.now() - started) / 100) / 10,
          };
          ctx.stdout(JSON.stringify(summary, null, 2) + "\n");
        }
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
    if (isCovered(m.decision)) c.covered++;
    bySub.set(sub, c);
  }
  const lines = ["Coverage (machines reporting to a workspace Security Center uses):"];
  for (const [sub, c] of [...bySub].sort()) lines.push(`  ${sub}: ${c.covered}/${c.total} (${((100 * c.covered) / c.total).toFixed(0)}%)`);
  lines.push("Not covered, by the seed's rules:");
  for (const d of DECISIONS) if (!isCovered(d) && p.summary.decisions[d]) lines.push(`  ${d.padEnd(25)} ${String(p.summary.decisions[d]).padStart(5)}  ${DECISION_MEANING[d]}`);
  return lines.join("\n") + "\n";
}
