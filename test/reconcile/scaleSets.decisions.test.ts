/**
 * Scale sets with a Manual upgrade policy (machine-extensions' `scaleSetInstances` component): an
 * extension in the model reaches an instance only once it is upgraded. Default: a finding naming
 * the lagging instances; `upgradeManualScaleSets`: an upgrade step after the model's changes.
 */
import { plan, simulate } from "../../src/core";
import type { Plan } from "../../src/core";
import type { InventoryMachine } from "../../src/inventory/schema";
import { SCALE_SET_INSTANCE_REASONS } from "../../src/capabilities/machine-extensions";
import { SUB, SYSTEM_IDENTITY, amaExtension, association, dcr, defaultWorkspace, inventory, machine, spec } from "../helpers/fixtures";

const weu = defaultWorkspace("WEU", "d0000000-0000-4000-8000-00000000000e", "westeurope", SUB, { solutions: ["Security"] });
const ama = (upgradeManualScaleSets = false) => spec({ agent: "ama", upgradeManualScaleSets });

function scaleSet(name: string, scaleSet: InventoryMachine["scaleSet"], extra: Partial<InventoryMachine> = {}): InventoryMachine {
  return machine(name, { id: `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`, kind: "vmss", identity: SYSTEM_IDENTITY, ...(scaleSet ? { scaleSet } : {}), ...extra });
}
/** AMA in the model and the association in place: the agent has nothing left to do. */
const withAma = (name: string, s: InventoryMachine["scaleSet"]) => scaleSet(name, s, { extensions: [amaExtension("Windows")] });
const inv = (m: InventoryMachine, associated = false) =>
  inventory({ workspaces: [weu], dataCollectionRules: [dcr(weu, "None")], machines: [m], dataCollectionRuleAssociations: associated ? [association(m, weu)] : [] });

const component = (p: Plan) => p.machines[0]!.components?.["scaleSetInstances"];
const upgradeSteps = (p: Plan) => p.steps.filter((s) => s.action === "upgrade-instances");
const text = (r: string | { text: string }) => (typeof r === "string" ? r : r.text);

describe("scale sets with a Manual upgrade policy", () => {
  it("instances-not-upgraded (default): installed in the model, 2 of 3 instances not upgraded: a finding, no step", () => {
    const vmss = withAma("vmss-manual", { upgradePolicy: "Manual", instances: 3, instancesNotUpgraded: 2 });
    const p = plan(ama(), inv(vmss, true));
    expect(p.machines[0]!.decision).toBe("ama-compliant");
    expect(component(p)).toEqual({ decision: "instances-not-upgraded", reason: text(SCALE_SET_INSTANCE_REASONS["not-upgraded"](2, 3)) });
    expect(component(p)!.reason).toContain("installed in the model, but 2 of 3 instance(s) are not upgraded");
    expect(p.steps).toEqual([]);
    const finding = p.findings.find((f) => f.code === "scale-set-instances-not-upgraded");
    expect(finding).toMatchObject({ severity: "warning", target: vmss.id });
    expect(finding!.message).toBe(
      "vmss-manual has a Manual upgrade policy: 2 of 3 instance(s) are not upgraded to its model and lack the extensions in it. Upgrade them (az vmss update-instances --instance-ids '*', or POST .../manualUpgrade), or set logAnalyticsAgent.upgradeManualScaleSets: true to let this tool do it.",
    );
  });

  it("instances-upgrade (opt-in): one manualUpgrade step for the lagging instances", () => {
    const vmss = withAma("vmss-manual", { upgradePolicy: "Manual", instances: 3, instancesNotUpgraded: 2 });
    const p = plan(ama(true), inv(vmss, true));
    expect(component(p)).toEqual({ decision: "instances-upgrade", reason: text(SCALE_SET_INSTANCE_REASONS.upgrade(2, 3)) });
    expect(upgradeSteps(p)).toEqual([{ id: `upgrade-instances:${vmss.id}`, action: "upgrade-instances", target: vmss.id, dependsOn: [], details: { machineId: vmss.id, machineKind: "vmss", instances: 2 } }]);
    expect(p.findings.map((f) => f.code)).not.toContain("scale-set-instances-not-upgraded");
  });

  it("a model change in the same plan: the upgrade waits for it, and covers every instance", () => {
    const vmss = scaleSet("vmss-new", { upgradePolicy: "Manual", instances: 4, instancesNotUpgraded: 0 });
    const p = plan(ama(true), inv(vmss));
    const install = p.steps.find((s) => s.action === "install-extension")!;
    expect(upgradeSteps(p)).toHaveLength(1);
    expect(upgradeSteps(p)[0]).toMatchObject({ dependsOn: [install.id], details: { instances: 4 } });
    expect(p.steps.indexOf(upgradeSteps(p)[0]!)).toBeGreaterThan(p.steps.indexOf(install));
    expect(component(p)!.decision).toBe("instances-upgrade");
  });

  it("a model change without the opt-in: the finding says the instances get it only when upgraded", () => {
    const vmss = scaleSet("vmss-new", { upgradePolicy: "Manual", instances: 4, instancesNotUpgraded: 0 });
    const p = plan(ama(), inv(vmss));
    expect(component(p)).toEqual({ decision: "instances-not-upgraded", reason: text(SCALE_SET_INSTANCE_REASONS["model-changes"](4)) });
    expect(upgradeSteps(p)).toEqual([]);
    expect(p.findings.find((f) => f.code === "scale-set-instances-not-upgraded")!.message).toContain("the extensions this plan writes to its model reach 4 instance(s) only when they are upgraded");
  });

  it("instances-current: every instance on the model", () => {
    const p = plan(ama(true), inv(withAma("vmss-manual", { upgradePolicy: "Manual", instances: 3, instancesNotUpgraded: 0 }), true));
    expect(component(p)).toEqual({ decision: "instances-current", reason: text(SCALE_SET_INSTANCE_REASONS.current(3)) });
    expect(p.steps).toEqual([]);
  });

  it("Automatic and Rolling scale sets, and VMs, have no such component", () => {
    for (const upgradePolicy of ["Automatic", "Rolling"] as const) {
      const p = plan(ama(true), inv(withAma("vmss-auto", { upgradePolicy }), true));
      expect(p.machines[0]!.components).toBeUndefined();
      expect(upgradeSteps(p)).toEqual([]);
    }
  });

  it("reaches a fixpoint: once applied (simulated), the next plan has nothing to do, with or without the opt-in", () => {
    for (const optIn of [true, false]) {
      const vmss = scaleSet("vmss-new", { upgradePolicy: "Manual", instances: 4, instancesNotUpgraded: 0 });
      const first = plan(ama(optIn), inv(vmss));
      const after = simulate(first, inv(vmss));
      expect(after.machines[0]!.scaleSet).toEqual({ upgradePolicy: "Manual", instances: 4, instancesNotUpgraded: optIn ? 0 : 4 });
      const second = plan(ama(optIn), after);
      expect(second.steps).toEqual([]);
      expect(component(second)!.decision).toBe(optIn ? "instances-current" : "instances-not-upgraded");
    }
  });
});
