/**
 * A workspace id with a typo (a user's trial): the spec names what Azure does not show. `plan`
 * exits 1 and saves no plan file; `apply` and `reconcile` write nothing and exit 1 (they exited 0
 * with "0 to change" while the machines waited for a workspace that does not exist); a watch logs
 * the round as failed and keeps going; `apply --plan` refuses a plan file `plan --format json`
 * printed for such a spec.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

describe("a spec naming a workspace Azure does not show", () => {
  let lab: Lab;
  let typo = "";
  beforeAll(async () => {
    lab = await startLab(20, {}, 21);
    const sub = lab.emu.subscriptionIds[0]!;
    typo = `/subscriptions/${sub}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-opps`;
    writeFileSync(lab.specPath, stringify({ subscriptions: lab.emu.subscriptionIds, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: typo } } }));
  });
  afterAll(() => lab?.emu.stop());

  const writes = async () => (await lab.emu.admin<{ byClass: Record<string, number> }>("GET", "/admin/counters")).byClass["write"] ?? 0;

  it("plan: exit 1 naming the workspace, the plan shown, no --out file", async () => {
    const out = join(lab.dir, "plan.json");
    const p = runCli(lab, ["plan", "--spec", lab.specPath, "--out", out, "--quiet"]);
    expect(await p.exit).toBe(1);
    // A live read: Azure is what does not show it (no inventory file was read).
    expect(p.stderr()).toContain(`the spec names what Azure does not show; the plan is refused:\n  The workspace ${typo} is not in the inventory`);
    expect(p.stdout()).toMatch(/^Plan: /);
    expect(existsSync(out)).toBe(false);
  });

  it("apply and reconcile: exit 1, nothing written, the reason on stderr (and in apply's JSON)", async () => {
    const before = await writes();
    const apply = runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state-dir", lab.stateDir, "--format", "json", "--quiet"]);
    expect(await apply.exit).toBe(1);
    // Said as plan says it, the problems one per line.
    expect(apply.stderr()).toContain(`the spec names what Azure does not show; nothing is applied:\n  The workspace ${typo} is not in the inventory`);
    const json = JSON.parse(apply.stdout()) as { result: unknown; error: string; plan: { machines: number } };
    expect(json.result).toBeNull();
    expect(json.error).toContain(typo);
    expect(json.plan.machines).toBeGreaterThan(0);
    const once = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--quiet"]);
    expect(await once.exit).toBe(1);
    expect(once.stderr()).toContain(typo);
    expect(await writes()).toBe(before);
  });

  it("a watch logs each round as failed and keeps going; a plan file printed for the spec is refused by apply --plan", async () => {
    const before = await writes();
    const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--watch", "--interval", "1", "--format", "json", "--quiet"]);
    const deadline = Date.now() + 60_000;
    while (watch.stdout().split("\n").filter(Boolean).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    watch.child.kill("SIGINT");
    expect(await watch.exit).toBe(1);
    const rounds = watch.stdout().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { round: number; error?: string });
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    for (const r of rounds) expect(r.error).toContain(typo);
    expect(await writes()).toBe(before);

    const printed = runCli(lab, ["plan", "--spec", lab.specPath, "--format", "json", "--quiet"]);
    expect(await printed.exit).toBe(1);
    const file = join(lab.dir, "printed.json");
    writeFileSync(file, printed.stdout());
    const applied = runCli(lab, ["apply", "--plan", file, "--yes", "--state-dir", lab.stateDir, "--quiet"]);
    expect(await applied.exit).toBe(1);
    expect(applied.stderr()).toContain("`plan` refused this plan (exit 1)");
    expect(await writes()).toBe(before);
  });

  it("with the spec fixed, apply shows the plan with its Scope: line, as plan does, and applies it", async () => {
    const fixed = join(lab.dir, "fixed.yaml");
    writeFileSync(fixed, stringify({ subscriptions: lab.emu.subscriptionIds, exclude: { machineTags: { "asc-autoprovision": "off" } }, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: "default" } }));
    const scope = `Scope: ${lab.emu.subscriptionIds.length} subscription(s) in scope; excluded 1 machine tag (asc-autoprovision=off).`;
    const planned = runCli(lab, ["plan", "--spec", fixed, "--quiet"]);
    expect(await planned.exit).toBe(2);
    expect(planned.stdout().split("\n")[1]).toBe(scope);
    const applied = runCli(lab, ["apply", "--spec", fixed, "--yes", "--state-dir", lab.stateDir, "--quiet"]);
    expect(await applied.exit).toBe(0);
    expect(applied.stdout().split("\n")[1]).toBe(scope);
  });
});
