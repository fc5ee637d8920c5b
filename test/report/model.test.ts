/** The report's figures (src/report/model.ts) on the example fleet over three days, and the covered rule. */
import { join } from "node:path";
import { loadInventoryFile } from "../../src/inventory/load";
import type { Inventory } from "../../src/inventory/schema";
import { DECISIONS, plan, simulate } from "../../src/core";
import { defaultWorkspace, inventory, laExtension, machine, spec, SUB, workspace } from "../helpers/fixtures";
import { buildReport, COVERED_DECISIONS, coverageOf, isCovered, renderReportHtml, renderReportJson, ReportError, UNCOVERED_DECISIONS } from "../../src/report";
import { loadSpecFile } from "../../src/spec/load";
import { timeline } from "./fixtures";

const t = timeline();
const inputs = t.inventories.map((inventory, i) => ({ label: `day${i + 1}`, inventory }));

describe("the covered rule", () => {
  it("is the MMA and AMA decisions after which a machine reports to a workspace Security Center uses", () => {
    expect([...COVERED_DECISIONS].sort()).toEqual(
      ["ama-awaiting-heartbeat", "ama-compliant", "ama-keep-legacy", "ama-remove-legacy", "compliant", "keep-existing", "keep-user-workspace"].sort(),
    );
    for (const d of DECISIONS) expect(isCovered(d)).toBe(COVERED_DECISIONS.includes(d));
    expect([...COVERED_DECISIONS, ...UNCOVERED_DECISIONS].sort()).toEqual([...DECISIONS].sort());
  });

  it("counts percentages with one decimal, and none for no machine", () => {
    expect(coverageOf(13, 8)).toEqual({ machines: 13, covered: 8, percent: 61.5 });
    expect(coverageOf(0, 0).percent).toBeNull();
  });
});

describe("the covered rule, machine by machine (agent: mma; user trial 19)", () => {
  const DEF = "d0000000-0000-4000-8000-00000000000e";
  const weu = defaultWorkspace("WEU", DEF, "westeurope", SUB, { solutions: ["Security"] });
  const bare = workspace("team-ws", "a0000000-0000-4000-8000-000000000001");
  const free = workspace("free-ws", "a0000000-0000-4000-8000-000000000002", { solutions: ["SecurityCenterFree"] });
  const UNREAD = "a0000000-0000-4000-8000-0000000000ff";
  const failed = (customerId: string) => ({ ...laExtension("Windows", "1.0", customerId), provisioningState: "Failed" });
  const fleet = inventory({
    workspaces: [weu, bare, free],
    machines: [
      machine("vm-bare", { extensions: [laExtension("Windows", "1.0", bare.customerId)] }),
      machine("vm-bare-2", { extensions: [laExtension("Windows", "1.0", bare.customerId)] }),
      machine("vm-free", { extensions: [laExtension("Windows", "1.0", free.customerId)] }),
      machine("vm-unread", { extensions: [laExtension("Windows", "1.0", UNREAD)] }),
      machine("vm-free-failed", { extensions: [failed(free.customerId)] }),
      machine("vm-ok", { extensions: [laExtension("Windows", "1.0", DEF)] }),
    ],
  });
  const rows = (inv: Inventory, s = spec()) => buildReport(s, [{ label: "x", inventory: inv }]).latest;

  it("a user's workspace covers its machines only once it has the Security or SecurityCenterFree solution; one the inventory does not show, or a failed extension, covers nothing", () => {
    const s = rows(fleet);
    expect(s.byDecision.map((d) => [d.decision, d.covered, d.gap ?? null, d.machines])).toEqual([
      ["compliant", true, null, 1],
      ["keep-user-workspace", true, null, 1],
      ["keep-user-workspace", false, "extension-failed", 1],
      ["keep-user-workspace", false, "workspace-not-read", 1],
      ["keep-user-workspace", false, "workspace-without-solution", 2],
    ]);
    expect(s.byDecision[4]!.meaning).toBe(
      "reports to a user's workspace, never overridden, but its workspace has neither the Security nor the SecurityCenterFree solution: Security Center does not process its data",
    );
    expect(s.total).toEqual({ machines: 6, covered: 2, percent: 33.3 });
    expect(s.byDecision.filter((d) => d.covered).reduce((n, d) => n + d.machines, 0)).toBe(s.total.covered);
    expect(renderReportHtml(buildReport(spec(), [{ label: "x", inventory: fleet }]))).toContain('data-decision="keep-user-workspace" data-covered="false" data-gap="workspace-without-solution" data-machines="2"');
  });

  it("counts the state now: the solution the plan installs covers the machines after the apply", () => {
    const after = simulate(plan(spec(), fleet), fleet);
    expect(after.workspaces.find((w) => w.id === bare.id)!.solutions).not.toEqual([]);
    expect(rows(after).byDecision.filter((d) => d.gap === "workspace-without-solution")).toEqual([]);
  });

  it("the right workspace without the solution is not covered either", () => {
    const noSolution = inventory({ workspaces: [{ ...weu, solutions: [] }], machines: [machine("vm-ok", { extensions: [laExtension("Windows", "1.0", DEF)] })] });
    expect(rows(noSolution).byDecision).toMatchObject([{ decision: "compliant", covered: false, gap: "workspace-without-solution", machines: 1 }]);
  });

  it("a failed extension on a Security Center workspace with reconfigureExisting false is installed again, not kept, and not covered", () => {
    const custom = spec({ workspace: { id: free.id }, reconfigureExisting: false });
    const inv = inventory({ workspaces: [weu, free], machines: [machine("vm-failed", { extensions: [failed(DEF)] }), machine("vm-kept", { extensions: [laExtension("Windows", "1.0", DEF)] })] });
    expect(rows(inv, custom).byDecision.map((d) => [d.decision, d.covered, d.machines])).toEqual([
      ["install", false, 1],
      ["keep-existing", true, 1],
    ]);
  });
});

describe("buildReport on one inventory", () => {
  const r = buildReport(t.spec, [inputs[0]!]);
  const s = r.latest;

  it("has coverage in total, per subscription and per geography", () => {
    expect(r.snapshots).toHaveLength(1);
    expect(r.drift).toEqual([]);
    // The keep-user-workspace machine's legacy-ops has no Security Center solution yet: not covered.
    expect(s.total).toEqual({ machines: 15, covered: 2, percent: 13.3 });
    expect(s.bySubscription.map((x) => [x.subscription, x.displayName, x.covered, x.machines, x.percent])).toEqual([
      ["11111111-1111-1111-1111-111111111111", "prod", 2, 13, 15.4],
      ["22222222-2222-2222-2222-222222222222", "legacy", 0, 2, 0],
    ]);
    expect(s.byGeography.map((x) => [x.geography, x.code, x.regions.join(","), x.covered, x.machines])).toEqual([
      ["europe", "WEU", "northeurope,westeurope", 1, 6],
      ["japan", "EJP", "japaneast", 0, 1],
      ["us", "EUS", "eastus", 1, 7],
      ["region:southafricanorth", "JNB", "southafricanorth", 0, 1],
    ]);
  });

  it("counts machines per decision in DECISIONS order, as the plan's summary does", () => {
    expect(Object.fromEntries(s.byDecision.map((d) => [d.decision, d.machines]))).toEqual({
      compliant: 1, install: 4, "install-multihome": 1, "install-beside-scom": 1, "keep-user-workspace": 1, "keep-existing": 1,
      upgrade: 1, "skip-linux-direct-agent": 1, "skip-legacy-subscription": 1, "blocked-scom-2012": 1, "skip-not-eligible": 2,
    });
    expect(s.byDecision.filter((d) => d.covered).reduce((n, d) => n + d.machines, 0)).toBe(s.total.covered);
    expect(s.plan).toEqual({ steps: 41, machinesToChange: 7, findings: { error: 1, warning: 3, info: 1 } }); // the warnings: Defender for Servers turned on (examples' settings are Free), Security installed on a user's workspace, the retired legacy agent installed (legacy-agent-retired)
  });

  it("adds up: subscriptions, geographies and decisions each sum to the total", () => {
    for (const rows of [s.bySubscription, s.byGeography]) {
      expect(rows.reduce((n, x) => n + x.machines, 0)).toBe(s.total.machines);
      expect(rows.reduce((n, x) => n + x.covered, 0)).toBe(s.total.covered);
    }
    expect(s.byDecision.reduce((n, d) => n + d.machines, 0)).toBe(s.total.machines);
  });

  it("uses the AMA decisions of the rule on an AMA fleet", () => {
    const fixtures = join(__dirname, "../reconcile/fixtures");
    const ama = buildReport(loadSpecFile(join(fixtures, "spec-ama.yaml")), [{ label: "ama", inventory: loadInventoryFile(join(fixtures, "ama-inventory.json")) }]).latest;
    const covered = ama.byDecision.filter((d) => d.covered).map((d) => d.decision);
    expect(covered).toEqual(["keep-user-workspace", "keep-existing", "ama-compliant", "ama-awaiting-heartbeat", "ama-remove-legacy", "ama-keep-legacy"]);
    expect(ama.total).toEqual({ machines: 15, covered: 6, percent: 40 });
  });
});

describe("buildReport on several inventories", () => {
  const r = buildReport(t.spec, [inputs[2]!, inputs[0]!, inputs[1]!]);

  it("orders them by generatedAt, whatever the order given", () => {
    expect(r.snapshots.map((s) => s.label)).toEqual(["day1", "day2", "day3"]);
    expect(r.latest.label).toBe("day3");
    expect(renderReportJson(buildReport(t.spec, inputs))).toBe(renderReportJson(r));
    expect(r.snapshots.map((s) => [s.total.covered, s.total.machines, s.total.percent])).toEqual([
      [2, 15, 13.3],
      [10, 15, 66.7],
      [9, 15, 60],
    ]);
  });

  it("lists the machines that changed decision between consecutive inventories", () => {
    const [first, second] = r.drift;
    expect(first).toMatchObject({ from: "day1", to: "day2", changed: 7, coveredChange: 8, percentChange: 53.4 });
    expect(first!.transitions).toEqual([
      { from: "install", to: "compliant", machines: 4 },
      { from: "install-multihome", to: "compliant", machines: 1 },
      { from: "install-beside-scom", to: "compliant", machines: 1 },
      { from: "upgrade", to: "compliant", machines: 1 },
    ]);
    expect(first!.machines.map((m) => m.name)).toEqual(["vm-app-03", "vm-db-04", "vm-old-07", "vm-web-02", "vmss-12", "arc-13", "vm-b-15"]);
    expect(second).toMatchObject({ from: "day2", to: "day3", changed: 2, coveredChange: -1, percentChange: -6.7 });
    expect(second!.machines.map((m) => [m.name, m.from, m.to])).toEqual([
      ["vm-web-01", "compliant", null],
      ["vm-web-03", null, "install"],
    ]);
  });

  it("refuses several inventories without generatedAt, or with one that is not a date", () => {
    const undated: Inventory = { ...t.inventories[0]!, generatedAt: undefined };
    expect(() => buildReport(t.spec, [{ label: "a.json", inventory: undated }, inputs[1]!])).toThrow(new ReportError("a.json: generatedAt is missing; several inventories are ordered by it"));
    expect(() => buildReport(t.spec, [{ label: "b.json", inventory: { ...undated, generatedAt: "yesterday" } }, inputs[1]!])).toThrow(/b\.json: generatedAt "yesterday" is not a date/);
    expect(buildReport(t.spec, [{ label: "one", inventory: undated }]).latest.generatedAt).toBeNull();
    expect(() => buildReport(t.spec, [])).toThrow(ReportError);
  });
});

describe("no secret, no inventory dump", () => {
  it("copies only ids, names, regions, decisions and counts, even when an inventory carries more", () => {
    const leaky: Inventory = structuredClone(t.inventories[0]!);
    const secret = "c2VjcmV0LXdvcmtzcGFjZS1rZXk=";
    // Inventory items are loose objects: a hand-written one may carry anything.
    Object.assign(leaky.machines[0]!, { protectedSettings: { workspaceKey: secret } });
    Object.assign(leaky.workspaces[0]!, { sharedKeys: { primarySharedKey: secret } });
    Object.assign(leaky, { credentials: { clientSecret: secret } });
    const r = buildReport(t.spec, [{ label: "leaky", inventory: leaky }]);
    for (const out of [renderReportJson(r), renderReportHtml(r)]) {
      expect(out).not.toContain(secret);
      for (const w of leaky.workspaces) expect(out).not.toContain(w.customerId);
    }
  });
});
