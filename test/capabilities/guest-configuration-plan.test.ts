/** Guest Configuration below P2 (a trial: silent): the agent is installed, and one info finding says Defender's OS baselines need P2. */
import { plan } from "../../src/core";
import { machine } from "../helpers/fixtures";
import { defenderSpec, inv } from "../reconcile/defender.fixtures";

const finding = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code === "guest-configuration-without-p2");

describe("Guest Configuration without Defender for Servers P2", () => {
  it.each(["P1", "Off"] as const)("plan %s: installed, one info finding naming the plan", (servers) => {
    const p = plan(defenderSpec({ servers: { plan: servers, guestConfiguration: true } }), inv([machine("vm-a"), machine("vm-b")]));
    expect(p.steps.some((s) => s.action === "install-extension")).toBe(true);
    expect(finding(p)).toEqual([
      expect.objectContaining({ severity: "info", target: "defender.servers.guestConfiguration", message: expect.stringContaining(`need Defender for Servers P2 and defender.servers.plan is ${servers}`) }),
    ]);
  });

  it("P2, or no Guest Configuration: no finding", () => {
    expect(finding(plan(defenderSpec({ servers: { plan: "P2", guestConfiguration: true } }), inv([machine("vm-a")])))).toEqual([]);
    expect(finding(plan(defenderSpec({ servers: { plan: "P1" } }), inv([machine("vm-a")])))).toEqual([]);
  });
});
