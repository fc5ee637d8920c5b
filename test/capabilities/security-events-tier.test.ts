/**
 * A plan that lowers a security-event tier says so (user trial 19: a spec without
 * `securityEvents`, default None, planned `update-dcr asc-DefaultWorkspace-…: None` on rules that
 * collected Common, with no finding): one warning naming the rules (ama) or workspaces (mma) with
 * their tier before → after. And `security-events-need-defender` is about the spec: it appears
 * whenever the spec asks for events without Defender, not only when a workspace needs configuring.
 */
import { plan, stepsOf } from "../../src/core";
import { amaExtension, association, dcr, defaultWorkspace, inventory, laExtension, machine, spec, SUB, SYSTEM_IDENTITY, workspace } from "../helpers/fixtures";

const weu = defaultWorkspace("WEU", "c1000000-0000-4000-8000-000000000001", "westeurope", SUB, { solutions: ["Security"] });
const eus = defaultWorkspace("EUS", "c1000000-0000-4000-8000-000000000002", "eastus", SUB, { solutions: ["Security"] });
const lowered = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code === "security-events-tier-lowered");

describe("ama: a rule's tier lowered", () => {
  const vms = [machine("a", { location: "westeurope" }), machine("b", { location: "eastus" })].map((m) => ({ ...m, extensions: [amaExtension("Windows")], identity: SYSTEM_IDENTITY }));
  const inv = (tier: "Minimal" | "Common") =>
    inventory({ workspaces: [weu, eus], machines: vms, dataCollectionRules: [dcr(weu, tier), dcr(eus, tier, "eastus")], dataCollectionRuleAssociations: [association(vms[0]!, weu), association(vms[1]!, eus)] });

  it("the default None on rules that were Common: one warning naming both rules, Common → None, and the field to set", () => {
    const p = plan(spec({ agent: "ama" }), inv("Common"));
    expect(stepsOf(p, "update-dcr").map((s) => [s.details.fromTier, s.details.tier])).toEqual([
      ["Common", "None"],
      ["Common", "None"],
    ]);
    expect(lowered(p)).toEqual([
      {
        severity: "warning",
        code: "security-events-tier-lowered",
        target: "logAnalyticsAgent.securityEvents",
        message:
          `This plan lowers the Windows security-event tier of 2 data collection rule(s), which the Azure Monitor Agent follows (Common → None: asc-DefaultWorkspace-${SUB}-EUS, asc-DefaultWorkspace-${SUB}-WEU): ` +
          "from the apply on, the machines sending there collect fewer security events (none at all). logAnalyticsAgent.securityEvents is None (the default when the spec leaves it out): set it to Common to keep collecting those events.",
      },
    ]);
  });

  it("no warning when the tier goes up or stays", () => {
    expect(lowered(plan(spec({ agent: "ama", securityEvents: "Common" }), inv("Minimal")))).toEqual([]);
    expect(lowered(plan(spec({ agent: "ama", securityEvents: "Common" }), inv("Common")))).toEqual([]);
    expect(lowered(plan(spec({ agent: "ama", securityEvents: "Minimal" }), inv("Common")))).toEqual([expect.objectContaining({ message: expect.stringContaining("(Common → Minimal: ") })]);
  });
});

describe("a tier raised above one already collecting (user trial 20: Common → All said nothing)", () => {
  const raised = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code === "security-events-tier-raised");
  const vms = [machine("a", { location: "westeurope" })].map((m) => ({ ...m, extensions: [amaExtension("Windows")], identity: SYSTEM_IDENTITY }));
  const inv = (tier: "None" | "Minimal" | "Common" | "All") => inventory({ workspaces: [weu], machines: vms, dataCollectionRules: [dcr(weu, tier)], dataCollectionRuleAssociations: [association(vms[0]!, weu)] });

  it("ama: one warning naming the rule, before → after, and that ingestion is billed", () => {
    expect(raised(plan(spec({ agent: "ama", securityEvents: "All" }), inv("Common")))).toEqual([
      {
        severity: "warning",
        code: "security-events-tier-raised",
        target: "logAnalyticsAgent.securityEvents",
        message:
          `This plan raises the Windows security-event tier of 1 data collection rule(s), which the Azure Monitor Agent follows (Common → All: asc-DefaultWorkspace-${SUB}-WEU): ` +
          "from the apply on, the machines sending there collect more security events, which Log Analytics bills by the GB ingested (Defender for Servers P2 includes 500 MB a day per machine of security data). logAnalyticsAgent.securityEvents is All: set it lower to collect less.",
      },
    ]);
  });

  it("mma: a workspace's data source from Minimal to Common", () => {
    const minimal = { ...weu, securityEvents: { tier: "Minimal" as const, owner: "securityCenter" as const } };
    const vm = machine("vm1", { extensions: [laExtension("Windows", "1.0", minimal.customerId)] });
    expect(raised(plan(spec({ securityEvents: "Common" }), inventory({ workspaces: [minimal], machines: [vm] })))).toEqual([expect.objectContaining({ message: expect.stringContaining(`(Minimal → Common: DefaultWorkspace-${SUB}-WEU)`) })]);
  });

  it("not when collection starts (None → a tier: the step the spec asks for), stays, or goes down", () => {
    expect(raised(plan(spec({ agent: "ama", securityEvents: "Common" }), inv("None")))).toEqual([]);
    expect(raised(plan(spec({ agent: "ama", securityEvents: "Common" }), inv("Common")))).toEqual([]);
    expect(raised(plan(spec({ agent: "ama", securityEvents: "Minimal" }), inv("Common")))).toEqual([]);
  });
});

describe("mma: a workspace's tier lowered", () => {
  it("names the workspace with its tier before → after", () => {
    const all = { ...weu, securityEvents: { tier: "All" as const, owner: "securityCenter" as const } };
    const vm = machine("vm1", { extensions: [laExtension("Windows", "1.0", all.customerId)] });
    const p = plan(spec({ securityEvents: "Minimal" }), inventory({ workspaces: [all], machines: [vm] }));
    expect(stepsOf(p, "set-security-events").map((s) => s.details.tier)).toEqual(["Minimal"]);
    expect(lowered(p)).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringMatching(new RegExp(`^This plan lowers the Windows security-event tier of 1 workspace\\(s\\), whose security-event data source the Log Analytics agent follows \\(All → Minimal: DefaultWorkspace-${SUB}-WEU\\).*securityEvents is Minimal: set it to All to keep`)),
      }),
    ]);
  });
});

describe("security-events-need-defender is about the spec", () => {
  it("appears with Defender off even when no workspace needs configuring (machines keep a user's workspace)", () => {
    const users = workspace("law-central", "c2000000-0000-4000-8000-000000000000", { solutions: ["SecurityCenterFree"] });
    const vm = machine("vm1", { extensions: [laExtension("Windows", "1.0", users.customerId)] });
    for (const agent of ["mma", "ama"] as const) {
      const p = plan(spec({ agent, securityEvents: "Common", defender: false }), inventory({ workspaces: [users], machines: [vm] }));
      expect(stepsOf(p, "set-security-events")).toEqual([]);
      expect(p.findings.filter((f) => f.code === "security-events-need-defender")).toEqual([
        { severity: "warning", code: "security-events-need-defender", target: "logAnalyticsAgent.securityEvents", message: expect.stringContaining('the "Common" tier is not stored') },
      ]);
    }
  });

  it("not with the tier None, nor with Defender on", () => {
    const codes = (la: Parameters<typeof spec>[0]) => plan(spec(la), inventory({ machines: [machine("vm1")] })).findings.map((f) => f.code);
    expect(codes({ securityEvents: "None", defender: false })).not.toContain("security-events-need-defender");
    expect(codes({ securityEvents: "Common" })).not.toContain("security-events-need-defender");
  });
});
