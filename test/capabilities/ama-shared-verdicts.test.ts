/**
 * Machines in the same situation share one AMA verdict object (a million machines, a few dozen
 * verdicts, none kept per machine to the end of the plan), and a shared verdict cannot be changed.
 */
import { decideAmaMachine } from "../../src/capabilities/azure-monitor-agent";
import { targetWorkspaceFor } from "../../src/capabilities/workspaces/plan";
import { buildContext } from "../../src/core/kernel/context";
import { SUB, amaExtension, inventory, machine, spec } from "../helpers/fixtures";

describe("AMA verdicts", () => {
  const machines = [
    machine("vm-1", { identity: { type: "SystemAssigned" } }),
    machine("vm-2", { identity: { type: "SystemAssigned" } }),
    machine("vm-3", { identity: { type: "SystemAssigned" }, osType: "Linux" }),
    machine("vm-4", { identity: { type: "SystemAssigned" }, extensions: [amaExtension("Windows")] }),
  ];
  const ctx = buildContext(spec({ workspace: "default", agent: "ama" }), inventory({ machines }));
  const verdicts = machines.map((m) => decideAmaMachine(ctx, m, targetWorkspaceFor(ctx, SUB, m.location)));

  it("are one object for machines planned alike, another where anything differs", () => {
    expect(verdicts[0]!.decision).toBe("ama-install");
    expect(verdicts[1]).toBe(verdicts[0]);
    // The OS is in the ops (the extension to install): another verdict.
    expect(verdicts[2]).not.toBe(verdicts[0]);
    expect(verdicts[3]!.decision).toBe("ama-associate");
    expect(verdicts[3]).not.toBe(verdicts[0]);
  });

  it("are frozen", () => {
    expect(Object.isFrozen(verdicts[0])).toBe(true);
  });
});
