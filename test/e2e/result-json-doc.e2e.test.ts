/**
 * README's "Apply and reconcile JSON" table against the commands' real output: every member
 * `apply --format json` and `reconcile --format json` print is in the table (a user's trial found
 * the output undocumented), in each outcome: applied, nothing to do, refused (a spec naming a
 * workspace Azure does not show), a stale saved plan, a watch's rounds and a failed round.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { applyArgs, runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

/** The table's rows: member names (first cell, backticked, comma-separated) -> the row's text. */
function documented(): Map<string, string> {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Apply and reconcile JSON"), readme.indexOf("### A worked example"));
  const rows = new Map<string, string>();
  for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
    const first = line.split(" | ")[0]!;
    for (const m of first.matchAll(/`([A-Za-z]+)`/g)) rows.set(m[1]!, line);
  }
  return rows;
}

function expectDocumented(json: Record<string, unknown>, what: string): void {
  const rows = documented();
  expect({ what, undocumented: Object.keys(json).filter((k) => !rows.has(k)) }).toEqual({ what, undocumented: [] });
  const result = json["result"] as Record<string, unknown> | null | undefined;
  if (result) expect({ what, undocumented: Object.keys(result).filter((k) => !rows.get("result")!.includes(`\`${k}\``)) }).toEqual({ what, undocumented: [] });
}

describe("apply and reconcile --format json hold to README's table", () => {
  let lab: Lab;
  const seen = new Set<string>();
  const check = (json: Record<string, unknown>, what: string) => {
    expectDocumented(json, what);
    for (const k of Object.keys(json)) seen.add(k);
  };
  beforeAll(async () => {
    lab = await startLab(20, {}, 23);
  });
  afterAll(() => lab?.emu.stop());

  it("apply: refused, applied, applied again; apply --plan stale", async () => {
    const good = readFileSync(lab.specPath, "utf8");
    const sub = lab.emu.subscriptionIds[0]!;
    writeFileSync(lab.specPath, stringify({ subscriptions: [sub], logAnalyticsAgent: { autoProvision: true, workspace: { id: `/subscriptions/${sub}/resourceGroups/rg-x/providers/Microsoft.OperationalInsights/workspaces/nope` } } }));
    const refused = runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state-dir", lab.stateDir, "--format", "json", "--quiet"]);
    expect(await refused.exit).toBe(1);
    check(JSON.parse(refused.stdout()), "refused");
    writeFileSync(lab.specPath, good);

    const out = join(lab.dir, "plan.json");
    expect(await runCli(lab, ["plan", "--spec", lab.specPath, "--out", out, "--quiet"]).exit).toBe(2);
    const applied = runCli(lab, [...applyArgs(lab), "--format", "json", "--quiet"]);
    expect(await applied.exit).toBe(0);
    check(JSON.parse(applied.stdout()), "applied");
    const nothing = runCli(lab, [...applyArgs(lab), "--format", "json", "--quiet"]);
    expect(await nothing.exit).toBe(0);
    check(JSON.parse(nothing.stdout()), "again");
    // The saved plan predates the apply: its parts changed.
    const stale = runCli(lab, ["apply", "--plan", out, "--yes", "--state-dir", lab.stateDir, "--format", "json", "--quiet"]);
    expect(await stale.exit).toBe(1);
    check(JSON.parse(stale.stdout()), "stale");
  });

  it("reconcile --watch: its rounds, and a failed round", async () => {
    // Resource Graph refusing the next queries fails a round (a 400 is not retried).
    const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--watch", "--interval", "1", "--format", "json", "--quiet"]);
    const lines = () => watch.stdout().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const deadline = Date.now() + 60_000;
    while (lines().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await lab.emu.admin("POST", "/admin/faults", { scripted: [{ class: "graph", respond: { status: 400, body: JSON.stringify({ error: { code: "BadRequest", message: "refused by the test" } }) }, count: 3 }] });
    while (!lines().some((l) => "error" in l) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    watch.child.kill("SIGINT");
    await watch.exit;
    for (const [i, l] of lines().entries()) check(l, `round ${i + 1}`);
    expect(lines().some((l) => "read" in l)).toBe(true);
    // A failed round has every member a round has, whatever the outcome (user trial 17: only round, startedAt, error, nextRoundInSeconds).
    const good = lines().find((l) => !("error" in l))!;
    const bad = lines().find((l) => "error" in l)!;
    expect(Object.keys(bad).sort()).toEqual([...Object.keys(good), "error", "nextRoundInSeconds"].sort());
    expect(bad).toMatchObject({ result: null, steps: [], moreSteps: 0 });
  });

  it("every member the table names was seen in some output", () => {
    // The table lists no member the commands never print (alreadyAsPlanned: test/e2e/workflow-order).
    const never = [...documented().keys()].filter((k) => !seen.has(k) && k !== "alreadyAsPlanned");
    expect(never).toEqual([]);
  });
});
