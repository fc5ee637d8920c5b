/**
 * The planner's fixed point, on generated inventories and specs: apply the plan (simulate), plan
 * again, and nothing is left to do. Also: steps only depend on earlier steps, and planning is
 * deterministic.
 */
import fc from "fast-check";
import type { Inventory, InventoryMachine, InventoryWorkspace } from "../../src/inventory/schema";
import { plan } from "../../src/reconcile/plan";
import { renderJson } from "../../src/reconcile/render";
import { simulate } from "../../src/reconcile/simulate";
import { LOG_ANALYTICS_AGENT } from "../../src/spec/extensions";
import { parseSpec } from "../../src/spec/validate";
import { defaultWorkspace, workspace, SUB, SUB2 } from "../helpers/fixtures";

const REGIONS = ["westeurope", "northeurope", "eastus", "brazilsouth", "japaneast", "southafricanorth"];
const GUIDS = Array.from({ length: 8 }, (_, i) => `c${i}000000-0000-4000-8000-00000000000${i}`);

const workspaces: InventoryWorkspace[] = [
  defaultWorkspace("WEU", GUIDS[0]!, "westeurope", SUB, { solutions: [] }),
  defaultWorkspace("EUS", GUIDS[1]!, "eastus", SUB, { solutions: ["Security"], securityEvents: { tier: "Minimal", owner: "securityCenter" } }),
  defaultWorkspace("WEU", GUIDS[2]!, "westeurope", SUB2),
  workspace("team", GUIDS[3]!, { solutions: [] }),
  workspace("central", GUIDS[4]!, { solutions: ["SecurityCenterFree"] }),
  workspace("soc", GUIDS[5]!, { solutions: ["Security"], securityEvents: { tier: "All", owner: "sentinel" } }),
];

const machineArb = (i: number) =>
  fc.record({
    sub: fc.constantFrom(SUB, SUB2),
    kind: fc.constantFrom("vm", "vm", "vmss", "arc" as const),
    osType: fc.constantFrom("Windows", "Linux" as const),
    location: fc.constantFrom(...REGIONS),
    powerState: fc.constantFrom("running", "running", "running", "deallocated" as const),
    vmAgent: fc.constantFrom(true, true, true, false),
    appliance: fc.constantFrom(false, false, false, true),
    ext: fc.option(fc.record({ ws: fc.constantFrom(...GUIDS), old: fc.boolean() }), { nil: undefined }),
    direct: fc.boolean(),
    scom: fc.option(fc.constantFrom("2012", "2016", "2019"), { nil: undefined }),
  }).map((r): InventoryMachine => {
    const provider = r.kind === "vm" ? "Microsoft.Compute/virtualMachines" : r.kind === "vmss" ? "Microsoft.Compute/virtualMachineScaleSets" : "Microsoft.HybridCompute/machines";
    const k = LOG_ANALYTICS_AGENT[r.osType as "Windows" | "Linux"];
    return {
      id: `/subscriptions/${r.sub}/resourceGroups/rg/providers/${provider}/m${i}`,
      kind: r.kind as InventoryMachine["kind"],
      osType: r.osType as InventoryMachine["osType"],
      location: r.location,
      powerState: r.powerState as InventoryMachine["powerState"],
      vmAgent: r.vmAgent,
      appliance: r.appliance,
      extensions: r.ext ? [{ publisher: k.publisher, type: k.type, version: r.ext.old ? "0.9" : k.version, name: k.name, workspaceCustomerId: r.ext.ws }] : [],
      agents: [...(r.direct ? [{ kind: "direct" as const, workspaceCustomerIds: [GUIDS[3]!] }] : []), ...(r.scom ? [{ kind: "scom" as const, version: r.scom }] : [])],
    };
  });

const inventoryArb = fc.integer({ min: 0, max: 25 }).chain((n) =>
  fc.record({
    machines: fc.tuple(...Array.from({ length: n }, (_, i) => machineArb(i))),
    legacy: fc.boolean(),
    clusters: fc.array(fc.boolean(), { maxLength: 3 }),
    pricing: fc.constantFrom("Free", "Standard" as const),
  }).map(
    (r): Inventory => ({
      version: 1,
      subscriptions: [{ id: SUB, onboardedAt: "2020-02-02" }, { id: SUB2, onboardedAt: r.legacy ? "2018-06-01" : "2021-01-01" }],
      workspaces: structuredClone(workspaces),
      machines: r.machines,
      clusters: r.clusters.map((on, i) => ({ id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks${i}`, location: "eastus", addons: { azurepolicy: on } })),
      policyAssignments: [],
      roleAssignments: [],
      remediations: [],
      settings: { [SUB]: { pricingTier: r.pricing, workspaceId: null } },
    }),
  ),
);

const specArb = fc
  .record({
    autoProvision: fc.boolean(),
    workspace: fc.constantFrom("default", workspaces[3]!.id, workspaces[4]!.id, workspaces[5]!.id, workspace("missing", "x").id),
    securityEvents: fc.constantFrom("None", "Minimal", "Common", "All"),
    reconfigureExisting: fc.boolean(),
    defender: fc.boolean(),
    deleteUnusedDefaultWorkspaces: fc.boolean(),
    k8s: fc.boolean(),
    depWin: fc.boolean(),
    depLin: fc.boolean(),
  })
  .map((r) =>
    parseSpec({
      subscriptions: [SUB, SUB2],
      logAnalyticsAgent: {
        autoProvision: r.autoProvision,
        workspace: r.workspace === "default" ? "default" : { id: r.workspace },
        securityEvents: r.securityEvents,
        reconfigureExisting: r.reconfigureExisting,
        defender: r.defender,
        deleteUnusedDefaultWorkspaces: r.deleteUnusedDefaultWorkspaces,
      },
      extensions: { kubernetesPolicyAddon: r.k8s, dependencyAgent: { windows: r.autoProvision && r.depWin, linux: r.autoProvision && r.depLin } },
    }),
  );

describe("planner fixed point (property)", () => {
  it("plan, simulate, plan again: zero steps", () => {
    fc.assert(
      fc.property(specArb, inventoryArb, (s, inv) => {
        const first = plan(s, inv);
        const after = simulate(first, inv);
        const second = plan(s, after);
        expect(second.steps).toEqual([]);
        // decisions settle too: nothing left to install, upgrade or reconnect (unless blocked by a missing workspace)
        if (second.findings.some((f) => f.code === "workspace-not-found")) return;
        const changing = new Set(["install", "install-multihome", "install-beside-scom", "reconnect", "upgrade"]);
        expect(second.machines.filter((m) => changing.has(m.decision))).toEqual([]);
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });

  it("every step depends only on earlier steps, and step ids are unique", () => {
    fc.assert(
      fc.property(specArb, inventoryArb, (s, inv) => {
        const p = plan(s, inv);
        const seen = new Set<string>();
        for (const step of p.steps) {
          for (const d of step.dependsOn) expect(seen.has(d)).toBe(true);
          expect(seen.has(step.id)).toBe(false);
          seen.add(step.id);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("is deterministic: byte-equal JSON for the same input, and for the machines in another order", () => {
    fc.assert(
      fc.property(specArb, inventoryArb, (s, inv) => {
        const a = renderJson(plan(s, inv));
        expect(renderJson(plan(s, structuredClone(inv)))).toBe(a);
        expect(renderJson(plan(s, { ...inv, machines: [...inv.machines].reverse() }))).toBe(a);
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
