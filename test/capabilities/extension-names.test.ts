/**
 * The name an agent's extension is installed under when another handler holds its usual name
 * (Azure refuses that PUT: 409 PropertyChangeNotAllowed): the Log Analytics agent, the Azure
 * Monitor Agent and the Dependency agent get a free name and an info finding; Guest Configuration,
 * whose policies require its name, is not installed and says why. And a machine with two
 * extensions of one handler gets no third.
 */
import { plan, simulate } from "../../src/core";
import { delegateLargeBatches } from "../../src/capabilities/log-analytics-agent";
import { installName } from "../../src/capabilities/machine-extensions";
import { AZURE_MONITOR_AGENT, DEPENDENCY_AGENT, LOG_ANALYTICS_AGENT, type ExtensionKind } from "../../src/spec/extensions";
import { GUEST_CONFIGURATION_EXTENSION } from "../../src/spec";
import type { InventoryMachine } from "../../src/inventory/schema";
import { amaExtension, inventory, laExtension, machine, spec, SUB } from "../helpers/fixtures";
import { NOT_SCOPES_LIMIT } from "../../src/capabilities/extension-policies";
import { parseSpec } from "../../src/spec/validate";
import { componentOf, defenderSpec, inv } from "../reconcile/defender.fixtures";

/** Someone's Custom Script Extension, named as an agent's extension usually is. */
const script = (name: string) => ({ publisher: "Microsoft.Compute", type: "CustomScriptExtension", version: "1.10", name, provisioningState: "Succeeded" });
const installsOf = (p: ReturnType<typeof plan>, m: InventoryMachine) => p.steps.filter((s) => s.action === "install-extension" && (s.details as { machineId: string }).machineId === m.id);
const stepsOn = (p: ReturnType<typeof plan>, m: InventoryMachine) => p.steps.filter((s) => (s.details as { machineId?: string }).machineId === m.id);

describe("installName", () => {
  const kind: ExtensionKind = AZURE_MONITOR_AGENT.Windows;

  it("is the usual name when it is free, and the extension's own name when the machine has one of the kind", () => {
    expect(installName(machine("a"), kind)).toBe("AzureMonitorWindowsAgent");
    expect(installName(machine("b", { extensions: [script("other")] }), kind)).toBe("AzureMonitorWindowsAgent");
    expect(installName(machine("c", { extensions: [script("AzureMonitorWindowsAgent"), { ...amaExtension("Windows"), name: "ama" }] }), kind)).toBe("ama");
  });

  it("is the first free <usual>-N when another handler holds the usual name (names compared as ARM does, case-blind)", () => {
    expect(installName(machine("d", { extensions: [script("azuremonitorwindowsagent")] }), kind)).toBe("AzureMonitorWindowsAgent-1");
    const both = machine("e", { extensions: [script("AzureMonitorWindowsAgent"), script("AZUREMONITORWINDOWSAGENT-1")] });
    expect(installName(both, kind)).toBe("AzureMonitorWindowsAgent-2");
  });

  it("is not moved by an extension of the same type from another publisher", () => {
    const lookalike = { publisher: "Contoso.Monitoring", type: "AzureMonitorWindowsAgent", version: "1.0", name: "AzureMonitorWindowsAgent" };
    expect(installName(machine("f", { extensions: [lookalike] }), kind)).toBe("AzureMonitorWindowsAgent-1");
  });
});

describe("Log Analytics agent (agent: mma) on a machine whose MicrosoftMonitoringAgent is a Custom Script Extension", () => {
  const taken = machine("vm-taken", { extensions: [script("MicrosoftMonitoringAgent")] });

  it("installs the agent as MicrosoftMonitoringAgent-1, says so, and plans nothing more once simulated", () => {
    const inventoryBefore = inventory({ machines: [taken] });
    const p = plan(spec(), inventoryBefore);
    expect(p.machines.find((m) => m.id === taken.id)!.decision).toBe("install");
    const [install] = installsOf(p, taken);
    expect(install!.target).toBe(`${taken.id}/extensions/MicrosoftMonitoringAgent-1`);
    expect(install!.details).toMatchObject({ name: "MicrosoftMonitoringAgent-1", publisher: LOG_ANALYTICS_AGENT.Windows.publisher, type: "MicrosoftMonitoringAgent" });
    expect(p.findings).toContainEqual({
      severity: "info",
      code: "extension-name-taken",
      target: `${taken.id}/extensions/MicrosoftMonitoringAgent`,
      message: expect.stringMatching(/^vm-taken: its extension MicrosoftMonitoringAgent is a Microsoft\.Compute\.CustomScriptExtension.* installed as MicrosoftMonitoringAgent-1\./),
    });
    const after = simulate(p, inventoryBefore);
    expect(after.machines[0]!.extensions!.map((e) => e.name)).toEqual(["MicrosoftMonitoringAgent", "MicrosoftMonitoringAgent-1"]);
    const again = plan(spec(), after);
    expect(stepsOn(again, taken)).toEqual([]);
    expect(again.machines.find((m) => m.id === taken.id)!.decision).toBe("compliant");
    expect(again.findings.map((f) => f.code)).not.toContain("extension-name-taken");
  });

  it("upgrades an agent installed under another name under that name, with no finding", () => {
    const ws = "c0000000-0000-4000-8000-000000000000";
    const m = machine("vm-renamed", { extensions: [script("MicrosoftMonitoringAgent"), { ...laExtension("Windows", "0.9", ws), name: "MicrosoftMonitoringAgent-1" }] });
    const p = plan(spec(), inventory({ machines: [m] }));
    const steps = stepsOn(p, m);
    expect(steps.map((s) => [s.action, s.target])).toEqual([["upgrade-extension", `${m.id}/extensions/MicrosoftMonitoringAgent-1`]]);
    expect(p.findings.map((f) => f.code)).not.toContain("extension-name-taken");
  });

  it("keeps such an install out of a batch handed to the policy, whose deployment uses the usual name", () => {
    const vms = Array.from({ length: 4 }, (_, i) => machine(`vm-${i}`));
    const inv = inventory({ machines: [...vms, taken] });
    const { plan: d } = delegateLargeBatches(plan(spec(), inv), inv, 3);
    expect(installsOf(d as ReturnType<typeof plan>, taken).map((s) => s.target)).toEqual([`${taken.id}/extensions/MicrosoftMonitoringAgent-1`]);
    const assign = d.steps.find((s) => s.action === "assign-policy")!;
    // Lacking the agent and not in the batch: left out of the assignment, so its remediation never tries it.
    expect((assign.details as { notScopes?: readonly string[] }).notScopes).toEqual([taken.id]);
    const remediation = d.steps.find((s) => s.action === "create-remediation")!;
    expect((remediation.details as { resourceIds: readonly string[] }).resourceIds).toEqual(vms.map((v) => v.id));
  });
});

describe("Azure Monitor Agent (agent: ama) on a machine whose AzureMonitorLinuxAgent name is taken", () => {
  it("installs as AzureMonitorLinuxAgent-2 when -1 is taken too, and converges", () => {
    const m = machine("vm-ama", { osType: "Linux", extensions: [script("AzureMonitorLinuxAgent"), script("AzureMonitorLinuxAgent-1")] });
    const before = inventory({ machines: [m] });
    const p = plan(spec({ agent: "ama" }), before);
    const [install] = installsOf(p, m);
    expect(install!.details).toMatchObject({ name: "AzureMonitorLinuxAgent-2", publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent", enableAutomaticUpgrade: true });
    expect(p.findings.filter((f) => f.code === "extension-name-taken").map((f) => f.target)).toEqual([`${m.id}/extensions/AzureMonitorLinuxAgent`]);
    const again = plan(spec({ agent: "ama" }), simulate(p, before));
    expect(stepsOn(again, m)).toEqual([]);
    expect(again.machines[0]!.decision).toBe("ama-compliant");
  });

  it("gives machines of one shape but different names each its own details (compact steps)", () => {
    const free = machine("vm-free");
    const taken = machine("vm-taken", { extensions: [script("AzureMonitorWindowsAgent")] });
    const p = plan(spec({ agent: "ama" }), inventory({ machines: [free, taken] }));
    expect(installsOf(p, free)[0]!.details).toMatchObject({ machineId: free.id, name: "AzureMonitorWindowsAgent" });
    expect(installsOf(p, taken)[0]!.details).toMatchObject({ machineId: taken.id, name: "AzureMonitorWindowsAgent-1" });
  });
});

describe("Guest Configuration, whose policies require its name", () => {
  const GC = { servers: { plan: "P2" as const, guestConfiguration: true } };

  it("gc-name-taken: nothing installed (not even the identity), a warning naming the other handler", () => {
    const m = machine("vm-gc", { extensions: [script("AzurePolicyforWindows")] });
    const p = plan(defenderSpec(GC), inv([m]));
    expect(componentOf(p, "vm-gc", "guestConfiguration")).toEqual({
      decision: "gc-name-taken",
      reason:
        "Guest Configuration is not installed: its policies require the extension name AzurePolicyforWindows, which a Microsoft.Compute.CustomScriptExtension extension holds, and Azure never changes an extension's handler. Remove or rename that extension.",
    });
    expect(p.steps).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "extension-name-blocked", target: `${m.id}/extensions/AzurePolicyforWindows` }));
  });

  it("an extension of its own handler under another name is installed: nothing to do", () => {
    const k = GUEST_CONFIGURATION_EXTENSION.Windows;
    const m = machine("vm-gc2", { extensions: [script("AzurePolicyforWindows"), { publisher: k.publisher, type: k.type, version: k.version, name: "gc" }], identity: { type: "SystemAssigned" } });
    const p = plan(defenderSpec(GC), inv([m]));
    expect(componentOf(p, "vm-gc2", "guestConfiguration")!.decision).toBe("gc-installed");
    expect(p.findings.map((f) => f.code)).not.toContain("extension-name-blocked");
  });
});

describe("Dependency agent under the toggle's Deploy-if-not-exists assignment, whose deployment uses the usual name", () => {
  it("leaves the machine out of the assignment, installs it step by step as DependencyAgentWindows-1, and converges", () => {
    const taken = machine("vm-dep-taken", { extensions: [script("DependencyAgentWindows")] });
    const free = machine("vm-dep-free");
    const s = spec({}, { dependencyAgent: { windows: true } });
    const before = inventory({ machines: [free, taken] });
    const p = plan(s, before);
    const assign = p.steps.find((x) => x.action === "assign-policy" && (x.details as { displayName: string }).displayName.includes("Dependency agent"))!;
    expect((assign.details as { notScopes?: readonly string[] }).notScopes).toEqual([taken.id]);
    const remediation = p.steps.find((x) => x.action === "create-remediation")!;
    expect((remediation.details as { resourceIds: readonly string[] }).resourceIds).toEqual([free.id]);
    const install = installsOf(p, taken).find((x) => (x.details as { type: string }).type === "DependencyAgentWindows");
    expect(install!.target).toBe(`${taken.id}/extensions/DependencyAgentWindows-1`);
    expect(installsOf(p, free).map((x) => (x.details as { type: string }).type)).toEqual(["MicrosoftMonitoringAgent"]);
    // The remediation's deployment is the emulator's to simulate; here the free machine gets the agent as it would.
    const after = simulate(p, before);
    after.machines[0]!.extensions!.push({ publisher: DEPENDENCY_AGENT.Windows.publisher, type: "DependencyAgentWindows", version: "9.10", name: "DependencyAgentWindows" });
    const again = plan(s, after);
    expect(stepsOn(again, taken)).toEqual([]);
    expect(again.steps.filter((x) => x.action === "set-policy-not-scopes")).toEqual([]);
  });
});

describe("Dependency agent installed step by step (the toggle's assignment cannot leave enough out)", () => {
  it("installs as DependencyAgentWindows-1 beside a Custom Script Extension of that name", () => {
    // More excluded resource groups than notScopes hold: the agent is installed machine by machine.
    const excluded = Array.from({ length: NOT_SCOPES_LIMIT + 1 }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg-x${i}`);
    const m = machine("vm-dep", { extensions: [script("DependencyAgentWindows")] });
    const p = plan(parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma" }, extensions: { dependencyAgent: { windows: true } }, exclude: { resourceGroups: excluded } }), inventory({ machines: [m] }));
    expect(p.findings.map((f) => f.code)).toContain("not-scopes-over-limit");
    const install = installsOf(p, m).find((s) => (s.details as { type: string }).type === "DependencyAgentWindows");
    expect(install!.details).toMatchObject({ name: "DependencyAgentWindows-1", publisher: DEPENDENCY_AGENT.Windows.publisher, type: "DependencyAgentWindows" });
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "info", code: "extension-name-taken", target: `${m.id}/extensions/DependencyAgentWindows` }));
  });
});

describe("two extensions of one handler (Azure refuses a second on Windows; an inventory may still hold two)", () => {
  it("plans no third: the agent is there, and an upgrade writes the first under its own name", () => {
    const ws = "c0000000-0000-4000-8000-000000000000";
    const twoAma = machine("vm-2ama", { extensions: [{ ...amaExtension("Windows"), name: "ama-a" }, { ...amaExtension("Windows"), name: "ama-b" }], identity: { type: "SystemAssigned" } });
    const twoMma = machine("vm-2mma", { extensions: [{ ...laExtension("Windows", "0.9", ws), name: "mma-a" }, { ...laExtension("Windows", "0.9", ws), name: "mma-b" }] });
    const pAma = plan(spec({ agent: "ama" }), inventory({ machines: [twoAma] }));
    expect(installsOf(pAma, twoAma)).toEqual([]);
    const pMma = plan(spec(), inventory({ machines: [twoMma] }));
    expect(installsOf(pMma, twoMma)).toEqual([]);
    expect(stepsOn(pMma, twoMma).map((s) => s.target)).toEqual([`${twoMma.id}/extensions/mma-a`]);
  });
});
