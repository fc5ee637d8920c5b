/**
 * A management group's policy assignment, as Azure Landing Zones makes them, planned through the
 * real CLI against the emulator: root → alz → landingzones → two subscriptions, a third under
 * sandbox. ALZ's `Deploy-AKS-Policy` (the built-in "Deploy Azure Policy Add-on to AKS clusters")
 * and `Deploy-MDFC-Config` (a custom initiative at alz) are assigned at alz, created with
 * arm-policy, with the second subscription in their notScopes. Only the first subscription's
 * clusters are left to the add-on's, and only it gets their coexistence findings; the excluded
 * subscription and the one under sandbox get the add-on from this tool. The reader asks Resource
 * Graph for assignments above the subscriptions (authorizationScopeFilter: AtScopeAboveAndBelow);
 * with the default filter, as an older reader asked, the emulator returns no group assignment.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { PolicyClient } from "@azure/arm-policy";
import { POLICY_QUERY, POLICY_SCOPE_FILTER, queryGraph } from "../../src/azure/graph";
import { INVENTORY_READ_FOR_ANOTHER_SCOPE, parsePlan, plan, specProblems } from "../../src/core";
import { readInventoryFor } from "../../src/azure/inventory";
import { subscriptionOf } from "../../src/inventory/ids";
import { loadSpecFile } from "../../src/spec/load";
import { parseSpec } from "../../src/spec";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(180_000);

const AKS_ADDON_POLICY = "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7";
const ALZ = "/providers/Microsoft.Management/managementGroups/alz";
const ASSIGNMENT_ID = `${ALZ}/providers/Microsoft.Authorization/policyAssignments/Deploy-AKS-Policy`;
const COEXISTING = "coexisting-kubernetesPolicyAddon-assignment";
const MDFC_SET = `${ALZ}/providers/Microsoft.Authorization/policySetDefinitions/Deploy-MDFC-Config`;
const MDFC_ID = `${ALZ}/providers/Microsoft.Authorization/policyAssignments/Deploy-MDFC-Config`;
const COEXISTING_PLANS = "coexisting-plans-assignment";

let lab: Lab;
let subs: string[];

beforeAll(async () => {
  // 240 machines: six AKS clusters, two in each subscription, one of them without the add-on.
  lab = await startLab(240, { extensions: { kubernetesPolicyAddon: false }, defender: { containers: { enabled: true } } }, 3);
  subs = [...lab.emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
  await lab.emu.admin("POST", "/admin/management-groups", {
    groups: [
      { name: "alz", displayName: "Azure Landing Zones" },
      { name: "landingzones", parent: "alz", subscriptions: [subs[0], subs[1]] },
      { name: "sandbox", subscriptions: [subs[2]] },
    ],
  });
  // As ALZ assigns it: a system-assigned identity (the policy deploys), the intermediate root group as scope.
  await new PolicyClient(lab.emu.credential(), subs[0]!, lab.emu.clientOptions()).policyAssignments.create(ALZ, "Deploy-AKS-Policy", {
    location: "eastus",
    identity: { type: "SystemAssigned" },
    displayName: "Deploy Azure Policy Add-on to Azure Kubernetes Service clusters",
    policyDefinitionId: AKS_ADDON_POLICY,
    notScopes: [`/subscriptions/${subs[1]}`],
  });
  // ALZ's Defender initiative: a custom set at alz, assigned there. The planner knows it by its
  // name; its member is a built-in of the emulator's catalog (which has no Defender-plan policies).
  const policy = new PolicyClient(lab.emu.credential(), subs[0]!, lab.emu.clientOptions());
  await policy.policySetDefinitions.createOrUpdateAtManagementGroup("alz", "Deploy-MDFC-Config", {
    displayName: "Deploy Microsoft Defender for Cloud configuration",
    policyDefinitions: [{ policyDefinitionId: AKS_ADDON_POLICY, policyDefinitionReferenceId: "aksAddon" }],
  });
  await policy.policyAssignments.create(ALZ, "Deploy-MDFC-Config", {
    location: "eastus",
    identity: { type: "SystemAssigned" },
    policyDefinitionId: MDFC_SET,
    notScopes: [`/subscriptions/${subs[1]}`],
  });
});
afterAll(() => lab?.emu.stop());

type ReadPlan = ReturnType<typeof parsePlan>["plan"];

function specFor(subscriptions: readonly string[]): string {
  const specPath = join(lab.dir, `spec-${subscriptions.map((s) => s.slice(0, 8)).join("-")}.yaml`);
  writeFileSync(specPath, stringify({ subscriptions, extensions: { kubernetesPolicyAddon: false }, defender: { containers: { enabled: true } } }));
  return specPath;
}

async function cliPlan(subscriptions: readonly string[]): Promise<ReadPlan> {
  const run = runCli(lab, ["plan", "--spec", specFor(subscriptions), "--format", "json", "--quiet"]);
  const code = await run.exit;
  if (code !== 2) throw new Error(`plan: exit ${code} (2: changes pending):\n${run.stderr().slice(-3000)}`);
  return parsePlan(run.stdout()).plan;
}

/** The subscriptions of the clusters this tool enables the add-on on. */
const enabling = (p: ReadPlan) => p.steps.filter((s) => s.action === "enable-cluster-addon").map((s) => subscriptionOf(s.target)).sort();

describe("an ALZ assignment at a management group, planned by the CLI on the emulator", () => {
  it("applies to the subscription under the group and not in its notScopes, only", async () => {
    const p = await cliPlan(subs);
    // One cluster without the add-on in each subscription: the first's is left to ALZ's assignment.
    expect(p.summary.components?.["kubernetesPolicyAddon"]).toEqual({ "addon-by-policy": 1, "addon-enable": 2, "addon-enabled": 3 });
    expect(enabling(p)).toEqual([subs[1], subs[2]].sort());
    const found = p.findings.filter((f) => f.code === COEXISTING);
    expect(found.map((f) => f.target)).toEqual([ASSIGNMENT_ID]);
    expect(found[0]!.message).toContain(`Azure Landing Zones (Deploy-AKS-Policy) assigns "Deploy Azure Policy Add-on to AKS clusters"`);
    expect(found[0]!.message).toContain(`at ${ALZ}`);
    // Where, of the plan's three subscriptions: the one under alz and not in its notScopes.
    expect(found[0]!.message.toLowerCase()).toContain(`(for 1 subscription(s) of this plan: ${subs[0]!.toLowerCase()})`);
    // The plans it would set beside this spec's: a warning.
    expect(p.findings.filter((f) => f.code === COEXISTING_PLANS).map((f) => [f.severity, f.target])).toEqual([["warning", MDFC_ID]]);
  });

  it("each subscription alone: only the one under alz and not excluded has ALZ's findings", async () => {
    const codes = async (sub: string) => (await cliPlan([sub])).findings.filter((f) => f.target.startsWith(ALZ)).map((f) => f.code).sort();
    expect(await codes(subs[0]!)).toEqual([COEXISTING_PLANS, COEXISTING].sort());
    expect(await codes(subs[1]!)).toEqual([]);
    expect(await codes(subs[2]!)).toEqual([]);
  });

  it("the reader records what it read for (user trial 18b): a group's file stands for a group under it, a subscription's does not for the group", async () => {
    const group = parseSpec({ managementGroups: ["alz"], exclude: { machineTags: { provisioning: "off" } } });
    const byGroup = await readInventoryFor(lab.conn, group);
    expect(byGroup.readFor).toEqual({ subscriptions: [], managementGroups: ["alz"], excludedSubscriptions: [], machineTags: ["provisioning"] });
    expect(specProblems(plan(parseSpec({ managementGroups: ["landingzones"] }), byGroup))).toEqual([]);
    const bySubscription = await readInventoryFor(lab.conn, parseSpec({ subscriptions: [subs[0]!] }));
    expect(bySubscription.readFor).toMatchObject({ subscriptions: [subs[0]], managementGroups: [], machineTags: [] });
    expect(specProblems(plan(group, bySubscription)).map((f) => f.code)).toEqual([INVENTORY_READ_FOR_ANOTHER_SCOPE]);
  });

  it("each cluster's decision, by the reader and planner the CLI runs", async () => {
    const spec = loadSpecFile(specFor(subs));
    const p = plan(spec, await readInventoryFor(lab.conn, spec));
    const decisions = new Map<string, string[]>();
    for (const c of p.clusters ?? []) {
      const addon = c.components["kubernetesPolicyAddon"]!;
      if (addon.decision === "addon-enabled") continue;
      const sub = subscriptionOf(c.id);
      decisions.set(sub, [...(decisions.get(sub) ?? []), `${addon.decision}: ${addon.reason}`]);
    }
    expect(decisions.get(subs[0]!)).toEqual([expect.stringMatching(/^addon-by-policy: .*Azure Landing Zones \(Deploy-AKS-Policy\)/)]);
    expect(decisions.get(subs[1]!)).toEqual([expect.stringMatching(/^addon-enable: /)]);
    expect(decisions.get(subs[2]!)).toEqual([expect.stringMatching(/^addon-enable: /)]);
  });

  it("the excluded subscription and the one under another group alone: no coexistence finding", async () => {
    const p = await cliPlan([subs[1]!, subs[2]!]);
    expect(p.findings.filter((f) => f.target.startsWith(ALZ))).toEqual([]);
    expect(p.summary.components?.["kubernetesPolicyAddon"]).toEqual({ "addon-enable": 2, "addon-enabled": 2 });
    expect(enabling(p)).toEqual([subs[1], subs[2]].sort());
  });

  it("Resource Graph returns the group's assignment only with the filter the reader sends (the default, an older reader's, leaves it out)", async () => {
    const atGroups = (rows: { id: string }[]) => rows.map((r) => r.id).filter((id) => id.toLowerCase().startsWith("/providers/microsoft.management/"));
    expect(atGroups(await queryGraph(lab.conn, POLICY_QUERY, subs))).toEqual([]);
    expect(atGroups(await queryGraph(lab.conn, POLICY_QUERY, subs, undefined, undefined, POLICY_SCOPE_FILTER))).toEqual([ASSIGNMENT_ID, MDFC_ID].sort());
    // Not above the sandbox subscription.
    expect(atGroups(await queryGraph(lab.conn, POLICY_QUERY, [subs[2]!], undefined, undefined, POLICY_SCOPE_FILTER))).toEqual([]);
  });
});
