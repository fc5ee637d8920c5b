/**
 * The Log Analytics agent handed to Azure Policy remediation (--delegate-above) with the central
 * workspace in another subscription (hub and spoke). The agent's policy deploys the workspace's
 * keys (listKeys on the workspace): its identity needs a role there too, not only at the spoke
 * (the workspace parameter is marked assignPermissions; reference §4, LinkedAuthorizationFailed).
 * Without the grant at the workspace every remediation deployment failed and the apply exited 1.
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { readInventory } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import type { InventoryWorkspace } from "../../src/inventory";
import { loadSpecFile } from "../../src/spec/load";
import { applyArgs, runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(240_000);

const subscriptionOf = (id: string) => id.split("/")[2]!.toLowerCase();

describe("a delegated apply to a workspace in another subscription", () => {
  let lab: Lab;
  let spoke = "";
  let hub: InventoryWorkspace;
  beforeAll(async () => {
    lab = await startLab(60, {}, 15);
    const all = await readInventory(lab.conn, lab.emu.subscriptionIds);
    const machinesIn = (sub: string) => all.machines.filter((m) => subscriptionOf(m.id) === sub).length;
    hub = all.workspaces.filter((w) => !w.createdBySecurityCenter && /\/law-ops-/i.test(w.id))[0]!;
    expect(hub).toBeDefined();
    spoke = lab.emu.subscriptionIds.map((s) => s.toLowerCase()).filter((s) => s !== subscriptionOf(hub.id)).sort((a, b) => machinesIn(b) - machinesIn(a))[0]!;
    writeFileSync(lab.specPath, stringify({ subscriptions: [spoke], logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: { id: hub.id } } }));
  });
  afterAll(() => lab?.emu.stop());

  it("grants the policy's role at the hub's workspace as well, the remediation installs the agents, and the grant goes with the assignment", async () => {
    const run = runCli(lab, [...applyArgs(lab), "--delegate-above", "1"]);
    const code = await run.exit;
    const out = run.stdout();
    expect({ code, tail: code === 0 ? "" : out.slice(-3000) + run.stderr().slice(-2000) }).toEqual({ code: 0, tail: "" });
    const byRemediation = Number(/Installs by remediation task, per machine: (\d+) done/.exec(out)?.[1] ?? NaN);
    expect(byRemediation).toBeGreaterThan(0);
    // Shown before anything was sent (user trial 16, defect 5: the grants were not): the installs
    // each task makes, and each grant's role and scope, the hub's workspace included.
    const shown = out.slice(out.indexOf("\nDelegated to Azure Policy (--delegate-above 1):"), out.indexOf("\nApply: "));
    const installs = [...shown.matchAll(/^ {2}subscription \S+: (\d+) install\(s\) to /gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(installs).toBe(byRemediation);
    const grants = shown.split("\n").filter((l) => / grant-role /.test(l)).map((l) => l.replace(/^ +[a-z]\. grant-role +/, ""));
    expect(grants.sort()).toEqual([`Log Analytics Contributor at ${hub.id.split("/").pop()} (${hub.id}, in another subscription)`, `Log Analytics Contributor at subscription ${spoke}`].sort());
    // The role at the hub's workspace was made (the emulator's linked check let the remediation
    // through) and went with the assignment: no orphaned grant stays at the workspace.
    expect(out).toMatch(/Delegation's policy steps \(assignment, roles, remediation task, removal\): 5 done/);
    const inv = await readInventory(lab.conn, [spoke, subscriptionOf(hub.id)]);
    expect(inv.roleAssignments.filter((r) => r.scope.toLowerCase() === hub.id.toLowerCase())).toEqual([]);
    const spec = loadSpecFile(lab.specPath);
    expect(plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps.map((s) => `${s.action} ${s.target}`)).toEqual([]);
  });
});
