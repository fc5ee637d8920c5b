/**
 * Hub and spoke (a user's trial, the Azure Landing Zones layout): the spec's scope is one
 * subscription (A) and its central workspace lives in another (B, "management"). The rule this
 * tool creates lives beside the workspace, in B: the read must see it there, or every plan after a
 * converge plans `create-dcr` again (exit 2 for ever, a watch rewriting the rule each round). The
 * headline counts the scope's subscriptions, not the workspace's.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { ResourceManagementClient } from "@azure/arm-resources";
import { MonitorClient, type DataCollectionRuleResource } from "@azure/arm-monitor";
import { readInventory, readInventoryFor } from "../../src/azure/inventory";
import { IncrementalInventory } from "../../src/azure/incremental";
import { sameInventory } from "../../src/azure/keptFleet";
import { plan, parsePlan } from "../../src/core";
import type { InventoryWorkspace } from "../../src/inventory";
import { dataCollectionRuleBody, dataCollectionRuleId, dataCollectionRuleName } from "../../src/spec/dcr";
import { loadSpecFile } from "../../src/spec/load";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

const subscriptionOf = (id: string) => id.split("/")[2]!.toLowerCase();

describe("a central workspace in another subscription (hub and spoke)", () => {
  let lab: Lab;
  let spoke = "";
  let hub: InventoryWorkspace;
  let ruleId = "";
  beforeAll(async () => {
    lab = await startLab(60, {}, 15);
    const all = await readInventory(lab.conn, lab.emu.subscriptionIds);
    // The hub: a user workspace (not a default one) in a subscription other than the spoke's.
    const machinesIn = (sub: string) => all.machines.filter((m) => subscriptionOf(m.id) === sub).length;
    const candidates = all.workspaces.filter((w) => !w.createdBySecurityCenter && /\/law-ops-/i.test(w.id));
    hub = candidates[0]!;
    expect(hub).toBeDefined();
    spoke = lab.emu.subscriptionIds.map((s) => s.toLowerCase()).filter((s) => s !== subscriptionOf(hub.id)).sort((a, b) => machinesIn(b) - machinesIn(a))[0]!;
    expect(machinesIn(spoke)).toBeGreaterThan(0);
    ruleId = dataCollectionRuleId(hub.id);
    writeFileSync(
      lab.specPath,
      stringify({
        subscriptions: [spoke],
        logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: hub.id } },
        defender: { servers: { plan: "P1" } },
      }),
    );
  });
  afterAll(() => lab?.emu.stop());

  const headline = (text: string) => text.split("\n").find((l) => l.startsWith("Plan: ")) ?? "";

  it("plans the rule beside the workspace and counts only the scope's subscription", async () => {
    const before = runCli(lab, ["plan", "--spec", lab.specPath]);
    expect(await before.exit).toBe(2);
    const name = dataCollectionRuleName(hub.id);
    expect(before.stdout().split("\n").filter((l) => / create-dcr +(\S+):/.exec(l)?.[1] === name)).toHaveLength(1);
    // The step is listed under the hub's subscription; the headline counts the spoke alone.
    expect(before.stdout()).toContain(`subscription ${subscriptionOf(hub.id)}:`);
    expect(headline(before.stdout())).toMatch(/ machine\(s\) in 1 subscription\(s\);/);
    // The comment's headline counts as the text's; its table still lists the hub's steps.
    const markdown = runCli(lab, ["plan", "--spec", lab.specPath, "--format", "markdown"]);
    expect(await markdown.exit).toBe(2);
    expect(markdown.stdout()).toMatch(/^### asc-autoprovision plan: \d+ machines? to change across 1 subscription$/m);
    expect(markdown.stdout()).toContain(`| \`${subscriptionOf(hub.id)}\` |`);
  });

  it("after an apply, the next plan has nothing to do: the rule in the hub's subscription is read", async () => {
    const apply = runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state-dir", lab.stateDir, "--max-writes-per-second", "500", "--quiet"]);
    expect(await apply.exit).toBe(0);

    // Read: the rules of the hub workspace's resource group, and no other rule of the hub's subscription.
    const [, , hubSub, , hubGroup] = hub.id.split("/");
    await new ResourceManagementClient(lab.emu.credential(), hubSub!, lab.emu.clientOptions()).resourceGroups.createOrUpdate("rg-elsewhere", { location: hub.location });
    const monitor = new MonitorClient(lab.emu.credential(), hubSub!, lab.emu.clientOptions());
    const other = dataCollectionRuleBody({ location: hub.location, workspaceResourceId: hub.id, tier: "Minimal" });
    await monitor.dataCollectionRules.create("rg-elsewhere", "dcr-elsewhere", { body: JSON.parse(JSON.stringify({ location: other.location, ...other.properties })) as DataCollectionRuleResource });
    const inventory = await readInventoryFor(lab.conn, loadSpecFile(lab.specPath));
    expect(inventory.subscriptions.map((s) => s.id)).toEqual([spoke]);
    const inGroup = `/subscriptions/${hubSub}/resourcegroups/${hubGroup}/`.toLowerCase();
    const hubRules = (await readInventory(lab.conn, [hubSub!])).dataCollectionRules!.map((r) => r.id.toLowerCase());
    expect(hubRules).toContain(`/subscriptions/${hubSub}/resourcegroups/rg-elsewhere/providers/microsoft.insights/datacollectionrules/dcr-elsewhere`);
    const read = inventory.dataCollectionRules!.map((r) => r.id.toLowerCase()).filter((id) => !id.startsWith(`/subscriptions/${spoke}/`));
    expect(read).toContain(ruleId.toLowerCase());
    expect(read.sort()).toEqual(hubRules.filter((id) => id.startsWith(inGroup)).sort());

    const after = runCli(lab, ["plan", "--spec", lab.specPath]);
    expect(await after.exit).toBe(0);
    expect(headline(after.stdout())).toMatch(/ machine\(s\) in 1 subscription\(s\); 0 to change, 0 step\(s\)\.$/);
  });

  it("a fresh saved plan after that applies with nothing stale and nothing to do", async () => {
    const out = join(lab.dir, "fresh.json");
    const planned = runCli(lab, ["plan", "--spec", lab.specPath, "--out", out, "--quiet"]);
    expect(await planned.exit).toBe(0);
    expect(parsePlan(readFileSync(out, "utf8")).plan.steps).toEqual([]);
    const apply = runCli(lab, ["apply", "--plan", out, "--yes", "--state-dir", lab.stateDir, "--format", "json"]);
    expect(await apply.exit).toBe(0);
    expect(apply.stderr()).not.toContain("stale");
    expect(apply.stderr()).toContain("The saved plan holds");
    expect(JSON.parse(apply.stdout())).toMatchObject({ result: null, plan: { machines: expect.any(Number) } });
  });

  it("a watch's change round sees the hub's rule changed by someone and plans it back", async () => {
    const spec = loadSpecFile(lab.specPath);
    const watch = new IncrementalInventory(lab.conn, spec, { fullEvery: 100 });
    const first = await watch.read();
    expect(first.mode).toBe("full");
    expect(plan(spec, first.inventory).steps).toEqual([]);
    // Someone narrows the rule to the Minimal tier (a rule with associations cannot be deleted).
    const [, , sub, , rg, , , , name] = ruleId.split("/");
    const body = dataCollectionRuleBody({ location: hub.location, workspaceResourceId: hub.id, tier: "Minimal" });
    const rule = JSON.parse(JSON.stringify({ location: body.location, ...body.properties, tags: body.tags })) as DataCollectionRuleResource;
    await new MonitorClient(lab.emu.credential(), sub!, lab.emu.clientOptions()).dataCollectionRules.create(rg!, name!, { body: rule });
    const next = await watch.read();
    expect(next.mode).toBe("changes");
    // The watch plans again only when the inventory differs from the last round's (cli/round.ts).
    expect(sameInventory(first.inventory, next.inventory)).toBe(false);
    const steps = plan(spec, next.inventory).steps.map((s) => [s.action, s.target.toLowerCase(), (s.details as { fromTier?: string }).fromTier]);
    expect(steps).toEqual([["update-dcr", ruleId.toLowerCase(), "Minimal"]]);
  });
});
