/** `asc-autoprovision report`: formats, files, exit codes and errors (in process; the browser suite reads the page). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { buildReport, renderReportHtml, renderReportJson } from "../../src/report";
import { alzFiles, alzInventory, SANDBOX } from "../helpers/alz";
import { inv, machine, mde } from "../reconcile/defender.fixtures";
import { SUB } from "../helpers/fixtures";
import { example, timeline } from "./fixtures";

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const t = timeline();
const one = ["report", "--spec", t.specFile, "--inventory", example("inventory.json")];

describe("asc-autoprovision report", () => {
  it("writes the HTML page to stdout by default, exit 0", async () => {
    const r = await run(...one);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(r.out).toBe(renderReportHtml(buildReport(t.spec, [{ label: "inventory.json", inventory: t.inventories[0]! }])));
    expect(r.out).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("--format json gives the same figures, and the same output for the same input", async () => {
    const a = await run(...one, "--format", "json");
    const b = await run(...one, "--format", "json");
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const report = JSON.parse(a.out);
    expect(report).toMatchObject({ kind: "asc-autoprovision-report", version: 1, latest: { label: "inventory.json", total: { machines: 15, covered: 2, percent: 13.3 } } });
    expect(a.out).toBe(renderReportJson(buildReport(t.spec, [{ label: "inventory.json", inventory: t.inventories[0]! }])));
  });

  it("takes several inventories by repeating --inventory or listing them, and reports the drift", async () => {
    const repeated = await run("report", "--spec", t.specFile, "--inventory", t.files[1]!, "--inventory", t.files[0]!, "--inventory", t.files[2]!, "--format", "json");
    const listed = await run("report", "--spec", t.specFile, "--inventory", ...t.files, "--format", "json");
    expect(repeated.code).toBe(0);
    expect(repeated.out).toBe(listed.out);
    const report = JSON.parse(listed.out);
    expect(report.snapshots.map((s: { label: string }) => s.label)).toEqual(["inventory.json", "inventory-day2.json", "inventory-day3.json"]);
    expect(report.drift.map((d: { changed: number }) => d.changed)).toEqual([7, 2]);
  });

  it("--out writes the file and says so on stderr", async () => {
    const out = join(t.dir, "one.html");
    const r = await run(...one, "--out", out);
    expect(r).toMatchObject({ code: 0, out: "", err: `wrote ${out}: coverage 2/15 (13.3%) over 1 inventory\n` });
    expect(readFileSync(out, "utf8")).toMatch(/<main id="report" data-report-version="1" data-inventories="1">/);
  });

  it("--fail-under exits 2 when the newest coverage is below it, 0 at or above", async () => {
    expect((await run(...one, "--format", "json", "--fail-under", "13.4")).code).toBe(2);
    expect((await run(...one, "--format", "json", "--fail-under", "13.3")).code).toBe(0);
    expect(await run(...one, "--fail-under", "120")).toMatchObject({ code: 1, err: 'asc-autoprovision: --fail-under: "120" is not a percentage between 0 and 100\n' });
  });

  it("--fail-under on an inventory without the spec's subscriptions exits 1 naming them (was: coverage 0/0, exit 0)", async () => {
    const other = "99999999-9999-4999-8999-999999999999";
    const specFile = join(t.dir, "other-subscription.yaml");
    writeFileSync(specFile, `subscriptions: [${other}]\n`);
    const notFound = `Subscription ${other} is in the spec but not in the inventory`;
    const gate = await run("report", "--spec", specFile, "--inventory", example("inventory.json"), "--format", "json", "--fail-under", "80");
    expect(gate.code).toBe(1);
    expect(gate.err).toMatch(new RegExp(`^asc-autoprovision: --fail-under: ${notFound}`));
    expect(JSON.parse(gate.out).latest).toMatchObject({ total: { machines: 0, covered: 0, percent: null }, scopeProblems: [expect.stringContaining(notFound)] });
    // Without a gate the report is still written, with the same warning.
    const plain = await run("report", "--spec", specFile, "--inventory", example("inventory.json"), "--format", "json");
    expect(plain.code).toBe(0);
    expect(plain.err).toMatch(new RegExp(`^asc-autoprovision: ${notFound}`));
    expect((await run(...one, "--format", "json", "--fail-under", "13.3")).err).toBe("");
  });

  it("--fail-under on a scope with no machine (only the excluded subscription) exits 1 saying why, in every format (was: coverage 0/0, exit 0)", async () => {
    const file = alzFiles(
      { "spec-mg.yaml": `managementGroups: [contoso]\nexclude:\n  subscriptions: [${SANDBOX}]\nlogAnalyticsAgent: { autoProvision: true }\n` },
      { "inv-s3.json": alzInventory({ only: [SANDBOX] }), "inv.json": alzInventory({ sandbox: true }) },
    );
    const why = `asc-autoprovision: --fail-under: no machine in scope in inv-s3.json, so no coverage to hold to the gate: The scope resolves to no subscription: management group(s) contoso hold no subscription but the 1 in exclude.subscriptions.`;
    const out = join(t.dir, "empty.html");
    for (const format of [["--format", "json"], ["--format", "html"], ["--format", "html", "--out", out]]) {
      const gate = await run("report", "--spec", file("spec-mg.yaml"), "--inventory", file("inv-s3.json"), "--fail-under", "10", ...format);
      expect(gate.code).toBe(1);
      expect(gate.err).toContain(why);
    }
    expect(JSON.parse((await run("report", "--spec", file("spec-mg.yaml"), "--inventory", file("inv-s3.json"), "--format", "json")).out).latest.total).toEqual({ machines: 0, covered: 0, percent: null });
    // Without a gate the report is written and exits 0; with machines in scope the gate is the coverage's.
    expect((await run("report", "--spec", file("spec-mg.yaml"), "--inventory", file("inv-s3.json"), "--format", "json")).code).toBe(0);
    const gated = await run("report", "--spec", file("spec-mg.yaml"), "--inventory", file("inv.json"), "--format", "json", "--fail-under", "10");
    expect(gated.code).toBe(2);
    expect(gated.err).toMatch(/^asc-autoprovision: --fail-under 10: Azure Monitor Agent coverage \d+\/\d+ \([\d.]+%\) is below 10%\n$/);
  });

  describe("a spec without an agent (user trial 20, item 5: coverage 0/60 (0%) and --fail-under 90 exited 2 beside a plan at 96.7%)", () => {
    const fleet = inv([machine("vm-with-mde", { extensions: [mde("Windows")] }), machine("vm-without"), machine("lnx-without", { osType: "Linux" }), machine("vm-own-free", { pricing: { pricingTier: "Free" } })]);
    const invFile = join(t.dir, "defender-fleet.json");
    writeFileSync(invFile, JSON.stringify(fleet));
    const specFile = (name: string, body: string) => {
      const f = join(t.dir, name);
      writeFileSync(f, `subscriptions: [${SUB}]\n${body}`);
      return f;
    };
    const defenderOnly = specFile("defender-only.yaml", "defender:\n  servers: { plan: P2 }\n");
    const gate = (spec: string, ...thresholds: string[]) => run("report", "--spec", spec, "--inventory", invFile, "--format", "json", "--fail-under", ...thresholds);

    it("the one-line summary, the JSON and the page give the Defender for Servers plan's coverage", async () => {
      const html = join(t.dir, "defender.html");
      const json = join(t.dir, "defender.json");
      const a = await run("report", "--spec", defenderOnly, "--inventory", invFile, "--out", html);
      const b = await run("report", "--spec", defenderOnly, "--inventory", invFile, "--format", "json", "--out", json);
      expect(a).toMatchObject({ code: 0, err: `wrote ${html}: Defender for Servers plan coverage 3/4 (75%) over 1 inventory\n` });
      expect(b).toMatchObject({ code: 0, err: `wrote ${json}: Defender for Servers plan coverage 3/4 (75%) over 1 inventory\n` });
      expect(JSON.parse(readFileSync(json, "utf8")).latest).toMatchObject({ headline: { of: "plan", title: "Defender for Servers plan" }, total: { machines: 4, covered: 3, percent: 75 } });
      expect(readFileSync(html, "utf8")).toContain('<div id="total" data-headline="plan" data-machines="4" data-covered="3" data-percent="75">');
    });

    it("--fail-under holds the plan's coverage; <component>=<percent> holds a component's, repeated or listed", async () => {
      expect(await gate(defenderOnly, "75")).toMatchObject({ code: 0, err: "" });
      expect(await gate(defenderOnly, "90")).toMatchObject({ code: 2, err: "asc-autoprovision: --fail-under 90: Defender for Servers plan coverage 3/4 (75%) is below 90%\n" });
      expect(await gate(defenderOnly, "75", "endpoint=25")).toMatchObject({ code: 0, err: "" });
      const both = await run("report", "--spec", defenderOnly, "--inventory", invFile, "--format", "json", "--fail-under", "75", "--fail-under", "endpoint=90", "--fail-under", "vulnerabilityAssessment=0");
      expect(both).toMatchObject({ code: 2, err: "asc-autoprovision: --fail-under endpoint=90: Defender for Endpoint coverage 1/4 (25%) is below 90%\n" });
    });

    it("an unknown component exits 1 naming the allowed ones; so does a component or a headline the report does not have", async () => {
      const unknown = await gate(defenderOnly, "mde=90");
      expect(unknown).toMatchObject({ code: 1, out: "" });
      expect(unknown.err).toMatch(/^asc-autoprovision: --fail-under: "mde" is not a component; the components are plan, endpoint, .*containerSensor, kubernetesPolicyAddon.*\n$/);
      const absent = await gate(defenderOnly, "containerSensor=90");
      expect(absent.code).toBe(1);
      expect(absent.err).toContain("--fail-under containerSensor=90: defender-fleet.json has no containerSensor figure");
      const off = specFile("servers-off.yaml", "defender:\n  servers: { plan: Off }\n");
      const none = await gate(off, "90");
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/^asc-autoprovision: --fail-under 90: the spec provisions no agent \(logAnalyticsAgent.autoProvision is off\) and turns no Defender for Servers plan on \(defender.servers\), so the report has no headline coverage: only each component's; hold a component instead, --fail-under <component>=90/);
      expect(JSON.parse(none.out).latest).toMatchObject({ headline: null, total: { machines: 4, covered: 0, percent: null } });
      const summary = await run("report", "--spec", off, "--inventory", invFile, "--format", "json", "--out", join(t.dir, "off.json"));
      expect(summary.err).toMatch(/^wrote .*off\.json: no headline coverage \(the spec provisions no agent .*; components: plan 3\/4 \(75%\)/);
    });
  });

  it("exits 1 with a message on bad input", async () => {
    expect(await run(...one, "--format", "pdf")).toMatchObject({ code: 1, out: "", err: 'asc-autoprovision: --format: "pdf" is not one of html, json, png\n' });
    expect(await run(...one, "--format", "png")).toMatchObject({ code: 1, err: "asc-autoprovision: --format png needs --out <file>\n" });
    expect((await run("report", "--spec", t.specFile)).code).toBe(1);
    const missing = await run("report", "--spec", t.specFile, "--inventory", join(t.dir, "nope.json"));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.json/);
    const undated = join(t.dir, "undated.json");
    writeFileSync(undated, JSON.stringify({ ...t.inventories[1], generatedAt: undefined }));
    expect(await run("report", "--spec", t.specFile, "--inventory", undated, t.files[0]!)).toMatchObject({
      code: 1,
      err: "asc-autoprovision: undated.json: generatedAt is missing; several inventories are ordered by it\n",
    });
    const png = await run(...one, "--format", "png", "--out", join(t.dir, "x.png"), "--chromium", "/nonexistent/chromium");
    expect(png.code).toBe(1);
    expect(png.err).toMatch(/Chromium, not found at \/nonexistent\/chromium: install it \(Debian: apt-get install -y --no-install-recommends chromium\)/);
  });

  it("--help names the formats, the covered rule and the exit codes", async () => {
    const r = await run("report", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--format <format>\s+output format: html, json, png/);
    expect(r.out).toMatch(/decisions compliant, keep-user-workspace, keep-existing, ama-compliant, ama-awaiting-heartbeat, ama-remove-legacy, ama-keep-legacy/);
    expect(r.out).toMatch(/Exit codes: 0 written, 2 a figure below its --fail-under, 1 error \(an inventory without a machine tag the spec reads; or --fail-under on an inventory without a subscription of the spec, read for another scope, or with no machine in scope; or with no figure to hold: no headline, a component the report lacks, an unknown component\)\.\n$/);
    expect(r.out).toMatch(/Components for --fail-under <component>=<percent>: plan, endpoint, /);
  });
});
