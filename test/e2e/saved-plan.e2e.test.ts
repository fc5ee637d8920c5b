/**
 * Issue 15 item 3, saved plans: `plan --out` records the plan with the spec and a digest of the
 * state its steps depend on; `apply --plan` applies exactly its steps (none more: a machine created
 * since is left for the next plan; none less) once that state is unchanged, and refuses a stale plan
 * naming what changed, writing nothing. `plan --format json` is a saved plan too.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { readInventory } from "../../src/azure/inventory";
import { parsePlan, plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Counters {
  byClass: Record<string, number>;
}

describe("saved plans", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(30, {}, 81);
  });
  afterAll(() => lab?.emu.stop());

  const livePlan = async () => {
    const spec = loadSpecFile(lab.specPath);
    return plan(spec, await readInventory(lab.conn, spec.subscriptions));
  };

  it("a stale plan is refused, naming what changed, and nothing is written", async () => {
    const out = join(lab.dir, "stale.json");
    const planned = runCli(lab, ["plan", "--spec", lab.specPath, "--out", out, "--quiet"]);
    expect(await planned.exit).toBe(2);
    const saved = parsePlan(readFileSync(out, "utf8")).plan;
    const machine = (saved.steps.find((s) => s.action === "install-extension" && (s.details as { machineId?: string }).machineId)!.details as { machineId: string }).machineId;
    // Someone stops that machine after the review.
    await lab.emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(machine)}`, { powerState: "stopped" });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const apply = runCli(lab, ["apply", "--plan", out, "--yes", "--state", join(lab.dir, "state"), "--quiet"]);
    expect(await apply.exit).toBe(1);
    console.log(`stale plan: ${apply.stderr().split("\n").slice(0, 3).join(" / ")}`);
    expect(apply.stderr()).toContain("The plan is stale: 1 part(s) of the state");
    expect(apply.stderr()).toContain(`${machine.toLowerCase()}: changed; the plan now decides skip-not-eligible`);
    expect((await lab.emu.admin<Counters>("GET", "/admin/counters")).byClass.write ?? 0).toBe(0);
    await lab.emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(machine)}`, { powerState: "running" });
  });

  it("a spec other than the plan's is refused", async () => {
    const out = join(lab.dir, "plan-spec.json");
    await runCli(lab, ["plan", "--spec", lab.specPath, "--out", out, "--quiet"]).exit;
    const other = join(lab.dir, "other.yaml");
    writeFileSync(other, stringify({ ...loadSpecFile(lab.specPath), extensions: { kubernetesPolicyAddon: false } }));
    const apply = runCli(lab, ["apply", "--plan", out, "--spec", other, "--yes", "--state", join(lab.dir, "state")]);
    expect(await apply.exit).toBe(1);
    expect(apply.stderr()).toContain(`--spec ${other} is not the spec the plan was made with`);
  });

  it("a fresh plan is applied exactly: its steps, and not the machine created since", async () => {
    const out = join(lab.dir, "fresh.json");
    // `plan --format json` output is a saved plan as well.
    const planned = runCli(lab, ["plan", "--spec", lab.specPath, "--format", "json", "--quiet"]);
    expect(await planned.exit).toBe(2);
    writeFileSync(out, planned.stdout());
    const saved = parsePlan(planned.stdout()).plan;
    // A machine created after the review: not in the plan, so not touched.
    await lab.emu.admin("POST", "/admin/machines", { subscriptionId: lab.emu.subscriptionIds[2], resourceGroup: "rg-late", name: "vm-after-review", location: "westeurope", osType: "Windows" });
    const apply = runCli(lab, ["apply", "--plan", out, "--yes", "--state", join(lab.dir, "state"), "--format", "json", "--quiet", "--max-writes-per-second", "500"]);
    expect(await apply.exit).toBe(0);
    const result = JSON.parse(apply.stdout()) as { result: { counts: Record<string, number> } };
    expect(result.result.counts).toEqual({ done: saved.steps.length, "already-done": 0, failed: 0, skipped: 0 });
    // What is left is exactly the late machine's.
    const after = await livePlan();
    console.log(`fresh plan: ${saved.steps.length} steps applied; left for the next plan: ${after.steps.map((s) => s.action).join(", ")}`);
    expect(after.steps.length).toBeGreaterThan(0);
    expect(after.steps.every((s) => JSON.stringify(s).includes("vm-after-review"))).toBe(true);
    expect(after.steps.some((s) => saved.steps.some((x) => x.id === s.id))).toBe(false);
  });
});
