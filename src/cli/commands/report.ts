/**
 * `asc-autoprovision report --inventory FILE [--inventory FILE ...] --spec FILE [--format html|json|png] [--out FILE]`
 *
 * Coverage per subscription, per geography and per decision of the newest inventory, and the drift
 * between inventories ordered by their generatedAt. The figures come from src/report (pure); this
 * command reads the files, writes the page, and for png has headless Chromium take a screenshot.
 * Exit codes: 0 written, 2 a figure under its --fail-under, 1 error (an inventory without a machine
 * tag the spec reads; or --fail-under on an inventory that lacks a subscription of the spec, was
 * read for another scope, or holds no machine in scope; or a --fail-under with no figure to hold:
 * no headline, a component the report does not have).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { AGENT_HEADLINE, buildReport, checkGates, componentNames, COVERED_DECISIONS, COVERED_MEANING, formatCoverage, NO_HEADLINE_WHY, parseGates, renderReport, type Report, type ReportInput, type Snapshot } from "../../report";
import { EXCLUSION_MATCHES_NOTHING, scopeFindings, subscriptionsInScope } from "../../core";
import { loadSpecFile, type Spec } from "../../spec";
import { CliError } from "../errors";
import { loadInventoryForSpec } from "../inventoryFile";
import { choice } from "../format";
import type { CliContext } from "../context";

export const REPORT_FORMATS = ["html", "json", "png"] as const;

/** Where Debian's chromium package puts the browser; CHROMIUM_PATH or --chromium override it. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** The flags the machine notes give for Chromium here: headless, no sandbox as root, no network of its own. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

interface ReportOptions {
  inventory: string[];
  spec: string;
  format: string;
  out?: string;
  chromium?: string;
  failUnder?: string[];
}

export function registerReportCommand(program: Command, ctx: CliContext): void {
  program
    .command("report")
    .description(
      "Coverage report: per subscription, geography and decision, and the drift between inventories (ordered by generatedAt). " +
        "A self-contained HTML page (no script, no external asset), the same figures as JSON, or a PNG of the page (headless Chromium).",
    )
    .requiredOption("--inventory <file...>", "Inventory JSON as `inventory --out` writes it; repeat (or list several) for drift over time")
    .requiredOption("--spec <file>", "desired state (YAML or JSON) the inventories are planned against")
    .option("--format <format>", `output format: ${REPORT_FORMATS.join(", ")}`, "html")
    .option("--out <file>", "write the report here instead of stdout (required for png)")
    .option("--chromium <path>", `Chromium for --format png (default: $CHROMIUM_PATH or ${DEFAULT_CHROMIUM})`)
    .option(
      "--fail-under <threshold...>",
      "exit 2 when a figure of the newest inventory is below its threshold: a bare percentage (90) holds the headline coverage, " +
        "<component>=<percent> (endpoint=90) one component's; repeat (or list several) for more",
    )
    .addHelpText(
      "after",
      `\nThe headline coverage is the agent's when the spec provisions one (logAnalyticsAgent.autoProvision); ` +
        `else the Defender for Servers plan's when defender.servers turns one on; else there is none. ` +
        `A machine is covered by the agent when ${COVERED_MEANING}: decisions ${COVERED_DECISIONS.join(", ")}.` +
        `\nComponents for --fail-under <component>=<percent>: ${componentNames().join(", ")}.`,
    )
    .action((opts: ReportOptions) => {
      const format = choice("--format", opts.format, REPORT_FORMATS);
      const gates = parseGates(opts.failUnder ?? []);
      if (format === "png" && !opts.out) throw new CliError("--format png needs --out <file>");
      const spec = loadSpecFile(opts.spec);
      const inputs = labelled(opts.inventory, spec, opts.spec);
      const report = buildReport(spec, inputs);
      if (format === "png") {
        writePng(report, opts.out!, opts.chromium ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM);
      } else if (opts.out) {
        writeFileSync(opts.out, renderReport(report, format));
      } else {
        ctx.stdout(renderReport(report, format));
      }
      if (opts.out) ctx.stderr(`wrote ${opts.out}: ${headlineSummary(report.latest)} over ${report.snapshots.length} inventor${report.snapshots.length === 1 ? "y" : "ies"}\n`);
      const gated = gates.length > 0;
      // As plan's: figures of an inventory without the spec's subscriptions cover nothing of it, so a gate on them fails.
      const scope = report.latest.scopeProblems;
      if (scope.length) ctx.stderr(`asc-autoprovision: ${gated ? "--fail-under: " : ""}${scope.join("\n  ")}\n`);
      // A gate on no machine at all (a scope of excluded or empty subscriptions) passes nothing: it fails, saying why.
      const headlineGate = gates.some((g) => g.component === null);
      const nothing = headlineGate && !scope.length && report.latest.total.machines === 0;
      if (nothing) ctx.stderr(`asc-autoprovision: --fail-under: ${noMachineReason(spec, inputs.find((i) => i.label === report.latest.label)!)}\n`);
      const outcome = scope.length || nothing ? { problems: [], below: [] } : checkGates(gates, report.latest);
      for (const line of [...outcome.problems, ...outcome.below]) ctx.stderr(`asc-autoprovision: ${line}\n`);
      if (gated && (scope.length || nothing || outcome.problems.length)) ctx.exitCode = 1;
      else ctx.exitCode = outcome.below.length ? 2 : 0;
    });
}

/** Why the newest inventory has no machine in scope: the plan's scope warnings, else its subscriptions hold none. */
function noMachineReason(spec: Spec, input: ReportInput): string {
  const inScope = subscriptionsInScope(spec, input.inventory);
  const why = scopeFindings(spec, input.inventory, inScope).filter((f) => f.code !== EXCLUSION_MATCHES_NOTHING);
  const detail = why.length ? why.map((f) => f.message).join("\n  ") : `its ${inScope.size} subscription(s) in scope hold no machine (or only excluded ones).`;
  return `no machine in scope in ${input.label}, so no coverage to hold to the gate: ${detail}`;
}

/** The one-line summary's figure, as the page's and the JSON's headline: "coverage 2/15 (13.3%)", "Defender for Servers plan coverage 58/60 (96.7%)". */
function headlineSummary(s: Snapshot): string {
  if (!s.headline) return `no headline coverage (${NO_HEADLINE_WHY}; components: ${s.components.map((c) => `${c.name} ${formatCoverage(c.total)}`).join(", ") || "none"})`;
  return `${s.headline.of === AGENT_HEADLINE ? "" : `${s.headline.title} `}coverage ${formatCoverage(s.total)}`;
}

/** Each inventory named by its file's base name, or by the path as given when two share one. */
function labelled(files: readonly string[], spec: Spec, specFile: string): ReportInput[] {
  const names = files.map((f) => basename(f));
  return files.map((file, i) => ({
    label: names.indexOf(names[i]!) === names.lastIndexOf(names[i]!) ? names[i]! : file,
    inventory: loadInventoryForSpec(file, spec, specFile),
  }));
}

/**
 * A screenshot of the page by headless Chromium (`--screenshot`), in a window tall enough for
 * the whole report (estimated from its rows), with a fresh profile that is removed afterwards.
 */
function writePng(report: Report, out: string, chromium: string): void {
  if (!existsSync(chromium)) {
    throw new CliError(`--format png needs Chromium, not found at ${chromium}: install it (Debian: apt-get install -y --no-install-recommends chromium) or name it with --chromium / CHROMIUM_PATH`);
  }
  const dir = mkdtempSync(join(tmpdir(), "asc-report-"));
  try {
    const page = join(dir, "report.html");
    writeFileSync(page, renderReport(report, "html"));
    rmSync(out, { force: true });
    const r = spawnSync(
      chromium,
      [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, "profile")}`, "--hide-scrollbars", `--window-size=1200,${pageHeight(report)}`, `--screenshot=${out}`, pathToFileURL(page).href],
      { encoding: "utf8", timeout: 120_000 },
    );
    const ok = existsSync(out) && readFileSync(out).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    if (!ok) {
      const why = r.error ? r.error.message : `exit code ${r.status}${r.signal ? `, signal ${r.signal}` : ""}`;
      const tail = (r.stderr ?? "").trim().split("\n").slice(-5).join("\n  ");
      throw new CliError(`Chromium did not write ${out} (${why})${tail ? `:\n  ${tail}` : ""}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixels the page needs at 1200 px wide, rounded up generously (white below is harmless). */
function pageHeight(report: Report): number {
  const s = report.latest;
  let h = 560 + 64 * (s.bySubscription.length + s.byGeography.length) + 44 * s.byDecision.length + 3 * 90;
  if (report.drift.length) {
    h += 320 + 56 * report.snapshots.length;
    for (const d of report.drift) h += 140 + 40 * d.transitions.length + (d.machines.length <= 20 ? 40 * d.machines.length : 0);
  }
  return Math.min(16_000, Math.ceil((h * 1.15) / 100) * 100);
}
