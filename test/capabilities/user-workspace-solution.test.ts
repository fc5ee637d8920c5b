/**
 * The Security solution installed on a user's workspace the spec does not name (user trial 19:
 * `install-solution Security(law-apps)` with no word; the seed says the user "will need to
 * install" it). The behaviour stays; the step's label says why, and one finding names the
 * workspaces: a warning for Security (paid), info for SecurityCenterFree.
 */
import { plan, stepsOf } from "../../src/core";
import { renderText } from "../../src/core";
import { amaExtension, association, dcr, inventory, laExtension, machine, spec, SYSTEM_IDENTITY, workspace } from "../helpers/fixtures";

const CODE = "user-workspace-solution-installed";
const apps = workspace("law-apps", "c7000000-0000-4000-8000-000000000001", { solutions: [] });
const ops = workspace("law-ops", "c7000000-0000-4000-8000-000000000002", { solutions: [] });
const vms = [machine("vm-a", { extensions: [laExtension("Windows", "1.0", apps.customerId)] }), machine("vm-b", { extensions: [laExtension("Windows", "1.0", ops.customerId)] }), machine("vm-c", { extensions: [laExtension("Windows", "1.0", apps.customerId)] })];
const found = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code === CODE);

it("Defender on (mma): Security on each kept user workspace, a warning naming them once, and the reason in the step's label", () => {
  const p = plan(spec(), inventory({ workspaces: [apps, ops], machines: vms }));
  expect(stepsOf(p, "install-solution").map((s) => [s.details.name, s.details.reason])).toEqual([
    ["Security(law-apps)", "a user's workspace that machines keep reporting to"],
    ["Security(law-ops)", "a user's workspace that machines keep reporting to"],
  ]);
  expect(found(p)).toEqual([
    {
      severity: "warning",
      code: CODE,
      target: "logAnalyticsAgent.workspace",
      message: expect.stringMatching(/^This plan installs Security on 2 workspace\(s\): law-apps, law-ops\. They are users' workspaces the spec does not name.*Security is the paid solution/),
    },
  ]);
  expect(renderText(p)).toContain("install-solution       Security(law-apps): a user's workspace that machines keep reporting to");
});

it("Defender off: SecurityCenterFree, an info finding", () => {
  const p = plan(spec({ defender: false }), inventory({ workspaces: [apps], machines: [vms[0]!] }));
  expect(found(p)).toEqual([expect.objectContaining({ severity: "info", message: expect.stringContaining("installs SecurityCenterFree on 1 workspace(s): law-apps.") })]);
});

it("ama: the SecurityEvent table a kept user workspace's rule needs is Security, said too", () => {
  const withFree = { ...apps, solutions: ["SecurityCenterFree"], securityEvents: { tier: "Minimal" as const, owner: "securityCenter" as const } };
  const vm = machine("vm-a", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", withFree.customerId)], identity: SYSTEM_IDENTITY });
  const p = plan(spec({ agent: "ama" }), inventory({ workspaces: [withFree], machines: [vm] }));
  expect(stepsOf(p, "install-solution").map((s) => [s.details.name, s.details.reason])).toEqual([["Security(law-apps)", expect.stringContaining("for the SecurityEvent table")]]);
  expect(found(p)).toEqual([expect.objectContaining({ severity: "warning" })]);
});

it("no finding, no reason, where nothing is installed on a user's workspace", () => {
  const done = { ...apps, solutions: ["Security"] };
  expect(found(plan(spec(), inventory({ workspaces: [done], machines: [vms[0]!] })))).toEqual([]);
  // The default workspaces' solution is the spec's own: no reason, no finding.
  const p = plan(spec(), inventory({ machines: [machine("vm-new")] }));
  expect(stepsOf(p, "install-solution").map((s) => s.details.reason)).toEqual([undefined]);
  expect(found(p)).toEqual([]);
  // A rule already there needs no table: nothing installed on the user's workspace.
  const vm = machine("vm-a", { extensions: [amaExtension("Windows")], identity: SYSTEM_IDENTITY });
  const withFree = { ...apps, solutions: ["SecurityCenterFree"], securityEvents: { tier: "Minimal" as const, owner: "securityCenter" as const } };
  expect(found(plan(spec({ agent: "ama" }), inventory({ workspaces: [withFree], machines: [vm], dataCollectionRules: [dcr(withFree, "Minimal")], dataCollectionRuleAssociations: [association(vm, withFree)] })))).toEqual([]);
});
