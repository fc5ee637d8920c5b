/**
 * Issue "Azure Monitor Agent", item 4, end to end on the emulator: the AMA policy assignments the
 * Pulumi and CDKTF components declare (src/spec/amaPolicies.ts, made here through the SDK as the
 * providers would) and the planner share the work without fighting. Machines created after an
 * apply get AMA, an identity and one association from the policies' remediations, each only from
 * the assignment of its own geography; the next plan has nothing to do for them, no machine ever
 * has two links to one rule, and the planner covers what no assignment selects.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { PolicyClient } from "@azure/arm-policy";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { readInventory } from "../../src/azure/inventory";
import type { Inventory } from "../../src/inventory/schema";
import { plan } from "../../src/core";
import { amaPolicyAssignments, amaPolicyParameters, regionSelectors, regionsOfGeography } from "../../src/spec/amaPolicies";
import { AZURE_MONITOR_AGENT, isSameExtension } from "../../src/spec/extensions";
import { GEOGRAPHIES, geographyOf } from "../../src/spec/geography";
import { policyDefinitionId, roleDefinitionId } from "../../src/spec/policies";
import { loadSpecFile } from "../../src/spec/load";
import { eventually, FAST_POLL } from "../emulator/helpers";
import { applyOrThrow, startLab, type Lab } from "./helpers";

jest.setTimeout(240_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(30, {}, 17);
  writeFileSync(
    lab.specPath,
    stringify({
      subscriptions: lab.emu.subscriptionIds,
      logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common", defender: true },
    }),
  );
});
afterAll(() => lab?.emu.stop());

const apply = () => applyOrThrow(lab);

/** Machines linked to one rule more than once, as `machine rule count`. */
function doubleLinks(inv: Inventory): string[] {
  const count = new Map<string, number>();
  for (const a of inv.dataCollectionRuleAssociations ?? []) {
    if (!a.dataCollectionRuleId) continue;
    const key = `${a.machineId.toLowerCase()} ${a.dataCollectionRuleId.toLowerCase()}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  return [...count].filter(([, n]) => n > 1).map(([k, n]) => `${k} ${n}`);
}

it("the components' AMA policies cover machines created later, once each, and the planner finds nothing left for them", async () => {
  await apply();
  const spec = loadSpecFile(lab.specPath);
  const sub = spec.subscriptions[0]!;
  const scope = `/subscriptions/${sub}`;
  let inv = await readInventory(lab.conn, spec.subscriptions);
  // The destinations the components would declare for this subscription: our rule per geography.
  const ourRules = (inv.dataCollectionRules ?? []).filter((r) => r.id.toLowerCase().startsWith(`${scope}/`) && /\/asc-DefaultWorkspace-/i.test(r.id));
  expect(ourRules.length).toBeGreaterThan(0);
  const destinations = ourRules.map((r) => ({ dataCollectionRuleId: r.id, geography: geographyOf(r.location) }));
  const covered = new Set(destinations.map((d) => d.geography.key));
  const [first] = destinations;
  const uncoveredGeo = GEOGRAPHIES.find((g) => !covered.has(g.key))!;

  const opts = { ...lab.emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  const credential = lab.emu.credential();
  const compute = new ComputeManagementClient(credential, sub, opts);
  await new ResourceManagementClient(credential, sub, opts).resourceGroups.createOrUpdate("rg-new", { location: first!.geography.workspaceLocation });
  const newVm = async (name: string, os: "Windows" | "Linux", location: string) => {
    const config = os === "Windows" ? { windowsConfiguration: { provisionVMAgent: true } } : { linuxConfiguration: { provisionVMAgent: true } };
    const vm = await compute.virtualMachines.beginCreateOrUpdateAndWait(
      "rg-new",
      name,
      { location, storageProfile: { osDisk: { osType: os, createOption: "FromImage" } }, osProfile: { computerName: name, ...config } },
      FAST_POLL,
    );
    return vm.id!;
  };
  const region = regionsOfGeography(first!.geography).at(-1)!;
  const inGeo = [await newVm("new-win", "Windows", region), await newVm("new-lin", "Linux", region)];
  const outside = await newVm("new-outside", "Linux", uncoveredGeo.workspaceLocation);

  // The assignments, roles and remediations, as the components declare them.
  const policy = new PolicyClient(credential, sub, opts);
  const auth = new AuthorizationManagementClient(credential, sub, opts);
  const insights = new PolicyInsightsClient(credential, sub, opts);
  const assignments = amaPolicyAssignments(destinations);
  for (const a of assignments) {
    const made = await policy.policyAssignments.create(scope, a.name, {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      policyDefinitionId: policyDefinitionId(a.policy),
      displayName: a.displayName,
      parameters: amaPolicyParameters(a.dataCollectionRuleId),
      resourceSelectors: regionSelectors(a.regions),
    });
    for (const role of a.policy.roles) {
      await auth.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: roleDefinitionId(sub, role.id), principalId: made.identity!.principalId!, principalType: "ServicePrincipal" });
    }
    await insights.remediations.createOrUpdateAtSubscription(a.name, { policyAssignmentId: made.id!, resourceDiscoveryMode: "ReEvaluateCompliance" });
    const done = await eventually(() => insights.remediations.getAtSubscription(a.name), (r) => ["Succeeded", "Failed", "Canceled"].includes(r.provisioningState ?? ""));
    expect({ name: a.name, state: done.provisioningState }).toEqual({ name: a.name, state: "Succeeded" });
  }

  inv = await readInventory(lab.conn, spec.subscriptions);
  expect(doubleLinks(inv)).toEqual([]);
  const associationsOf = (id: string) => (inv.dataCollectionRuleAssociations ?? []).filter((a) => a.machineId.toLowerCase() === id.toLowerCase());
  for (const id of inGeo) {
    const m = inv.machines.find((x) => x.id.toLowerCase() === id.toLowerCase())!;
    expect(m.extensions?.some((e) => isSameExtension(AZURE_MONITOR_AGENT[m.osType], e))).toBe(true);
    expect(m.identity?.type).toMatch(/SystemAssigned/);
    expect(associationsOf(id).map((a) => [a.id.split("/").pop()!.replace(/^assoc-[a-z2-7]+$/, "assoc-<hash>"), a.dataCollectionRuleId])).toEqual([["assoc-<hash>", first!.dataCollectionRuleId]]);
  }
  // No assignment selects the other geography: its machine is the planner's.
  expect(associationsOf(outside)).toEqual([]);

  const p = plan(spec, inv);
  const touching = (id: string) => p.steps.filter((s) => s.target.toLowerCase().startsWith(id.toLowerCase())).map((s) => s.action);
  for (const id of inGeo) {
    expect(touching(id)).toEqual([]);
    expect(p.machines.find((m) => m.id.toLowerCase() === id.toLowerCase())!.decision).toMatch(/^ama-(compliant|awaiting-heartbeat)$/);
  }
  expect(touching(outside)).toEqual(expect.arrayContaining(["associate-dcr"]));

  // The planner's round leaves one link per machine and rule, and nothing to do.
  await apply();
  inv = await readInventory(lab.conn, spec.subscriptions);
  expect(doubleLinks(inv)).toEqual([]);
  expect(plan(spec, inv).steps.map((s) => `${s.action} ${s.target}`)).toEqual([]);
});
