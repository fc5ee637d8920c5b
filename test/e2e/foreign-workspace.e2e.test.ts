/**
 * User trial 19: agents reporting to a workspace outside the spec's subscriptions (the Landing
 * Zones layout: `law-hub` in a management subscription the spec does not list). The seed's rules
 * hold for them: Operations Manager 2012 blocks, a Linux direct agent is left alone, a Windows
 * direct agent is multi-homed (left alone in a subscription onboarded before 2019-03-17). A Linux
 * machine whose agent reports where nothing here can read gets the extension, which fails with exit
 * code 10; after that the machine is left alone: no reinstall, and `reconcile` does not fail for it.
 * An Arc-enabled server in the same case alike (its extension's instance view says exit code 10).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { readInventory } from "../../src/azure/inventory";
import { parsePlan } from "../../src/core";
import { applyArgs, runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

const UNREADABLE = "0badc0de-0000-4000-8000-000000000001";

describe("agents reporting to a workspace outside the spec's subscriptions", () => {
  let lab: Lab;
  let legacy = "";
  let modern = "";

  type Plan = ReturnType<typeof parsePlan>["plan"];
  let plans = 0;
  const planJson = async (): Promise<{ code: number | null; plan: Plan }> => {
    const out = join(lab.dir, `plan-${plans++}.json`);
    const run = runCli(lab, ["plan", "--spec", lab.specPath, "--out", out, "--quiet"]);
    const code = await run.exit;
    return { code, plan: parsePlan(readFileSync(out, "utf8")).plan };
  };
  const decisionOf = (p: Plan, name: string) => p.machines.find((m) => m.id.toLowerCase().endsWith(`/${name}`));

  beforeAll(async () => {
    lab = await startLab(0, {}, 19, { lroDelayMs: 1 });
    const subs = (await readInventory(lab.conn, lab.emu.subscriptionIds)).subscriptions;
    legacy = subs.find((s) => (s.onboardedAt ?? "") < "2019-03-17")!.id;
    const others = subs.filter((s) => s.id !== legacy).map((s) => s.id);
    modern = others[0]!;
    const hubSub = others[1]!;
    // The hub's workspace, in a subscription the spec does not list.
    await new ResourceManagementClient(lab.emu.credential(), hubSub, lab.emu.clientOptions()).resourceGroups.createOrUpdate("rg-management", { location: "westeurope" });
    const oi = new OperationalInsightsManagementClient(lab.emu.credential(), hubSub, lab.emu.clientOptions());
    const hub = (await oi.workspaces.beginCreateOrUpdateAndWait("rg-management", "law-hub", { location: "westeurope", sku: { name: "PerGB2018" } })).customerId!;
    const vm = (sub: string, name: string, osType: string, guest: Record<string, unknown> = {}, kind?: "arc") =>
      lab.emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-spoke", name, location: "westeurope", osType, guest, ...(kind ? { kind } : {}) });
    await vm(modern, "vm-scom12-hub", "Windows", { scom: { release: "2012", managementGroup: "CONTOSO-OLD", workspaceCustomerIds: [hub] } });
    await vm(modern, "vm-dirlnx-hub", "Linux", { directAgent: { workspaceCustomerIds: [hub] } });
    await vm(modern, "vm-dirwin-hub", "Windows", { directAgent: { workspaceCustomerIds: [hub] } });
    await vm(legacy, "vm-leg-dirwin-hub", "Windows", { directAgent: { workspaceCustomerIds: [hub] } });
    await vm(modern, "vm-dirlnx-foreign", "Linux", { directAgent: { workspaceCustomerIds: [UNREADABLE] } });
    // The same on an Arc-enabled server: its extension's failure is in the extension's own instance view.
    await vm(modern, "arc-dirlnx-foreign", "Linux", { directAgent: { workspaceCustomerIds: [UNREADABLE] } }, "arc");
    await vm(modern, "vm-none", "Linux");
    writeFileSync(
      lab.specPath,
      stringify({
        subscriptions: [legacy, modern],
        logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common", defender: true },
      }),
    );
  });
  afterAll(() => lab?.emu.stop());

  it("plans the seed's decisions for agents reporting to the hub, and says how far Heartbeat was read", async () => {
    const { code, plan } = await planJson();
    expect(code).toBe(2);
    expect(decisionOf(plan, "vm-scom12-hub")!.decision).toBe("blocked-scom-2012");
    expect(plan.findings).toContainEqual(expect.objectContaining({ severity: "error", code: "scom-2012-agent", target: decisionOf(plan, "vm-scom12-hub")!.id }));
    expect(decisionOf(plan, "vm-dirlnx-hub")!.decision).toBe("skip-linux-direct-agent");
    expect(decisionOf(plan, "vm-dirwin-hub")!.decision).toBe("install-multihome");
    expect(decisionOf(plan, "vm-leg-dirwin-hub")!.decision).toBe("skip-legacy-subscription");
    // Nothing here can read the foreign agent's workspace: it looks agent-less, and the plan says why that can be.
    expect(decisionOf(plan, "vm-dirlnx-foreign")!.decision).toBe("install");
    expect(decisionOf(plan, "arc-dirlnx-foreign")!.decision).toBe("install");
    const scope = plan.findings.find((f) => f.code === "heartbeat-scope")!;
    expect(scope).toMatchObject({ severity: "info", target: "logAnalyticsAgent" });
    expect(scope.message).toMatch(/^3 machine\(s\) are planned for install because no agent was seen on them\. Heartbeat was read from \d+ workspace\(s\) the credential can see \(1 outside the inventory's subscriptions\)/);
    const installed = plan.steps.filter((s) => s.action === "install-extension").map((s) => s.target.split("/")[8]);
    expect(installed.sort()).toEqual(["arc-dirlnx-foreign", "vm-dirlnx-foreign", "vm-dirwin-hub", "vm-none"]);
  });

  it("the install on the foreign agent's machine fails with exit code 10; after it, nothing is left to do and reconcile succeeds", async () => {
    const apply = runCli(lab, applyArgs(lab));
    expect(await apply.exit).toBe(1);
    expect(apply.stderr()).toMatch(/failed: install-extension vm-dirlnx-foreign \(OMSAgentForLinux\): .*exit code 10/);
    expect(apply.stderr()).toMatch(/failed: install-extension arc-dirlnx-foreign \(OMSAgentForLinux\): .*exit code 10/);

    const { code, plan } = await planJson();
    expect(plan.steps).toEqual([]);
    expect(code).toBe(0);
    const foreign = decisionOf(plan, "vm-dirlnx-foreign")!;
    expect(foreign.decision).toBe("skip-linux-direct-agent");
    expect(foreign.reason).toMatch(/^The Log Analytics extension OMSAgentForLinux failed with exit code 10: this Linux machine is already connected to another workspace/);
    expect(plan.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "failed-extension-beside-direct-agent", target: foreign.id }));
    // The failed extension stays where it is: its removal would take the directly installed agent along.
    expect(plan.steps.filter((s) => s.target.toLowerCase().startsWith(foreign.id.toLowerCase()))).toEqual([]);
    // The Arc-enabled server alike: its extension's instance view says exit code 10.
    const arc = decisionOf(plan, "arc-dirlnx-foreign")!;
    expect(arc.decision).toBe("skip-linux-direct-agent");
    expect(arc.reason).toMatch(/^The Log Analytics extension OMSAgentForLinux failed with exit code 10: this Linux machine is already connected to another workspace/);
    expect(plan.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "failed-extension-beside-direct-agent", target: arc.id }));

    const reconcile = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state", `${lab.stateDir}-rec`, "--quiet"]);
    expect(await reconcile.exit).toBe(0);
  });
});
