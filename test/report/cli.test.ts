/** `asc-autoprovision report`: formats, files, exit codes and errors (in process; the browser suite reads the page). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { buildReport, renderReportHtml, renderReportJson } from "../../src/report";
import { alzFiles, alzInventory, SANDBOX } from "../helpers/alz";
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
    expect(gated).toMatchObject({ code: 2, err: "" });
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
    expect(r.out).toMatch(/Exit codes: 0 written, 2 coverage below --fail-under, 1 error \(an inventory without a machine tag the spec reads; or --fail-under on an inventory without a subscription of the spec, read for another scope, or with no machine in scope\)\.\n$/);
  });
});
