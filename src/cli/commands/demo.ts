/**
 * `asc-autoprovision demo`: the whole job on the embedded emulator, on today's path: Defender for
 * Servers P2 with its components (Defender for Endpoint and vulnerability assessment, which Defender
 * deploys itself; Guest Configuration, which this tool installs), Defender for Containers, and the
 * Azure Monitor Agent with the Common security-event tier (machines that still carry the Log
 * Analytics agent show the seed's rules in their migration decisions). Starts the emulator with a
 * generated fleet, plans, applies, waits Defender's own deployment delay, plans again (zero steps
 * expected), prints the coverage per agent and component and stops it.
 * --format json prints one JSON object instead: both plans' summaries, the apply result and the
 * coverage of the converged fleet (the report's figures). Exit 0 converged, 1 otherwise.
 */
import type { Command } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUNTIME_OPTIONS } from "../../azure/options";
import { componentCounts, DECISIONS, type Plan, DECISION_MEANING, stepLabel, stepsBySubscription, targetsWord } from "../../core";
import { buildReport, COVERED_LABEL, type Snapshot } from "../../report";
import { parseSpec } from "../../spec";
import { choice, positiveNumber, wholeNumber } from "../format";
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
    .option("--defender-delay <seconds>", "how long Defender takes to deploy what it deploys itself once a plan is on (the emulator's delay)", "3")
    .option("--format <format>", `output format: ${DEMO_FORMATS.join(", ")}`, "text")
    .option("--quiet", "no progress output")
    .action(async (opts: { fleet: string; seed: string; defenderDelay: string; format: string; quiet?: boolean }) => {
      const format = choice("--format", opts.format, DEMO_FORMATS);
      const defenderDelayMs = 1000 * positiveNumber("--defender-delay", opts.defenderDelay);
      const text = (t: string) => {
        if (format === "text") ctx.stdout(t);
      };
      const started = Date.now();
      const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
      const dir = mkdtempSync(join(tmpdir(), "asc-demo-"));
      progress.note(`starting the emulator with a fleet of ${opts.fleet} machines`);
      // The emulator, the adapter and the Azure SDK are loaded when the demo runs, not with the CLI.
      const [{ startEmulator, FLEET_FREE_PLAN_TAG }, { emulatorConnection }, { applyRound, beginRound, planRound, summarizeResult }] = await Promise.all([
        import("../../emulator"),
        import("../../azure/connection"),
        import("../round"),
      ]);
      const emu = await startEmulator({ statePath: join(dir, "state.sqlite"), fleet: wholeNumber("--fleet", opts.fleet, 1), seed: wholeNumber("--seed", opts.seed, 0), defenderDelayMs });
      try {
        const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
        const spec = parseSpec({
          subscriptions: emu.subscriptionIds,
          logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common" },
          extensions: { dependencyAgent: { windows: true, linux: true } },
          defender: {
            // The fleet's machines tagged for Defender's Free plan keep it (a resource-level override).
            servers: { plan: "P2", guestConfiguration: true, overrides: [{ tag: { [FLEET_FREE_PLAN_TAG.name]: FLEET_FREE_PLAN_TAG.value }, plan: "Free" }] },
            containers: { enabled: true },
          },
        });
        text(
          `Emulator at ${emu.url}, ${emu.subscriptionIds.length} subscriptions. Spec: Defender for Servers P2 (Defender for Endpoint, vulnerability assessment, Guest Configuration, ` +
            `machines tagged ${FLEET_FREE_PLAN_TAG.name}=${FLEET_FREE_PLAN_TAG.value} on Free), Defender for Containers, the Azure Monitor Agent with Common security events, Dependency agent.\n\n`,
        );
        const planned = await planRound(conn, spec, progress);
        const first = planned.plan;
        text(`First plan: ${first.steps.length} step(s) for ${first.summary.machines} machine(s) and ${first.clusters?.length ?? 0} cluster(s).\n`);
        text(defenderSteps(first));
        text("Agent (Azure Monitor Agent; the seed's rules for machines that carry the Log Analytics agent):\n");
        text(decisionTable(first));
        text(componentTable(first));
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
        const awaiting = awaitingDefender(first);
        if (awaiting) {
          // Defender deploys these itself once the plan is on: the tool neither races nor repeats it.
          text(`Waiting ${defenderDelayMs / 1000} s for Defender to deploy what it deploys itself (${awaiting} component(s) awaiting Defender).\n`);
          progress.note("waiting for Defender's own deployment");
          await new Promise((r) => setTimeout(r, defenderDelayMs + 500));
        }
        const secondRound = await planRound(conn, spec, progress);
        const second = secondRound.plan;
        text(`Second plan: ${second.steps.length} step(s).\n\n`);
        // The report's figures, machine by machine (a covered decision on a workspace without the solution is not covered).
        const cov = buildReport(spec, [{ label: "demo", inventory: secondRound.inventory, plan: second }]).latest;
        text(coverage(cov));
        text(componentCoverage(second));
        text(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        if (format === "json") {
          const summary = {
            emulator: emu.url,
            subscriptions: emu.subscriptionIds,
            apply: roundJson(1, started, first.summary, result),
            secondPlan: second.summary,
            coverage: { total: cov.total, bySubscription: cov.bySubscription, byGeography: cov.byGeography, byDecision: cov.byDecision, components: cov.components },
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

/** The Defender plans and switches the first plan sets, field by field. */
function defenderSteps(p: Plan): string {
  const lines: string[] = [];
  for (const [sub, steps] of stepsBySubscription(p)) {
    const labels = steps.filter((s) => DEFENDER_SUBSCRIPTION_ACTIONS.has(s.action)).map((s) => `    ${stepLabel(s)}`);
    if (labels.length) lines.push(`  ${sub}:`, ...labels);
  }
  return lines.length ? `Defender for Cloud, per subscription:\n${lines.join("\n")}\n` : "";
}

const DEFENDER_SUBSCRIPTION_ACTIONS = new Set<string>(["set-defender-plan", "set-security-setting", "set-va-setting"]);

/** Per component: machines (or clusters) by decision, with each decision's meaning (the counts the text plan shows). */
function componentTable(p: Plan): string {
  const lines: string[] = [];
  for (const c of componentCounts(p.summary)) {
    lines.push(`${c.title} (${targetsWord(c)}):`);
    for (const d of c.decisions) lines.push(`  ${d.decision.padEnd(25)} ${String(d.count).padStart(5)}  ${d.meaning}`);
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Components the plan leaves to Defender's own deployment. */
function awaitingDefender(p: Plan): number {
  let n = 0;
  for (const c of componentCounts(p.summary)) for (const d of c.decisions) if (/awaiting-defender/.test(d.decision)) n += d.count;
  return n;
}

function componentCoverage(p: Plan): string {
  const lines: string[] = [];
  for (const c of componentCounts(p.summary)) {
    const covered = c.decisions.reduce((a, d) => a + (c.kind?.covered.includes(d.decision) ? d.count : 0), 0);
    lines.push(`  ${c.title.padEnd(32)} ${covered}/${c.total} ${targetsWord(c)} (${((100 * covered) / c.total).toFixed(0)}%)`);
  }
  return lines.length ? `Coverage by component:\n${lines.join("\n")}\n` : "";
}

function coverage(s: Snapshot): string {
  const lines = [`Coverage (${COVERED_LABEL}):`];
  for (const c of s.bySubscription) if (c.machines) lines.push(`  ${c.subscription}: ${c.covered}/${c.machines} (${((100 * c.covered) / c.machines).toFixed(0)}%)`);
  lines.push("Not covered, by the seed's rules:");
  for (const d of s.byDecision) if (!d.covered) lines.push(`  ${d.decision.padEnd(25)} ${String(d.machines).padStart(5)}  ${d.meaning}`);
  return lines.join("\n") + "\n";
}
