/**
 * User trial 20, item 11: a plan under `agent: mma` that installs the retired Log Analytics agent
 * on machines warns, counting them and saying it was retired and its ingestion
 * is being reduced; a plan that installs it nowhere keeps the info.
 */
import { plan, stepsOf } from "../../src/core";
import { defaultWorkspace, inventory, laExtension, machine, spec } from "../helpers/fixtures";

const retired = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code === "legacy-agent-retired");
const ws = defaultWorkspace("WEU", "cust-weu", "westeurope");

describe("legacy-agent-retired", () => {
  it("a warning counting the machines this plan installs MMA on", () => {
    const p = plan(spec(), inventory({ machines: [machine("vm-1"), machine("vm-2"), machine("vm-3", { extensions: [laExtension("Windows", "1.0", "cust-weu")] })], workspaces: [ws] }));
    expect(stepsOf(p, "install-extension")).toHaveLength(2);
    const [f, ...more] = retired(p);
    expect(more).toEqual([]);
    expect(f).toMatchObject({ severity: "warning", target: "logAnalyticsAgent.agent" });
    expect(f!.message).toBe(
      "This plan installs the Log Analytics agent (MMA) extension on 2 machine(s). The Log Analytics agent (MMA) was retired on 31 August 2024; Microsoft no longer supports it. " +
        "Defender stopped provisioning it in November 2024, and Azure Monitor has been gradually reducing its cloud ingestion since 1 February 2025: these machines get an agent whose data is going away. " +
        "Plan the move to the Azure Monitor Agent (agent: ama).",
    );
  });

  it("info when the plan installs it nowhere (the machines run it already, or there are none)", () => {
    const p = plan(spec(), inventory({ machines: [machine("vm-3", { extensions: [laExtension("Windows", "1.0", "cust-weu")] })], workspaces: [ws] }));
    expect(stepsOf(p, "install-extension")).toEqual([]);
    expect(retired(p)).toEqual([
      { severity: "info", code: "legacy-agent-retired", target: "logAnalyticsAgent.agent", message: "The Log Analytics agent (MMA) was retired on 31 August 2024; Microsoft no longer supports it. Plan the move to the Azure Monitor Agent (agent: ama)." },
    ]);
    expect(retired(plan(spec(), inventory()))[0]!.severity).toBe("info");
  });

  it("nothing with auto provisioning off", () => {
    expect(retired(plan(spec({ autoProvision: false }), inventory({ machines: [machine("vm-1")] })))).toEqual([]);
  });
});
