/**
 * The planner's fixed point, on generated inventories and specs: apply the plan (simulate), plan
 * again, and nothing is left to do. Also: steps only depend on earlier steps, and planning is
 * deterministic. With `agent: ama`: a mixed fleet (Log Analytics extensions, direct and
 * Operations Manager agents, AMA in every stage, rules and associations of ours and of others)
 * converges in two rounds once heartbeats arrive, no machine is ever left without a reporting
 * agent, and nothing is removed without removeLegacyAgent.
 */
import fc from "fast-check";
import type { Inventory, InventoryMachine, InventoryWorkspace } from "../../src/inventory/schema";
import { plan } from "../../src/core";
import { renderJson } from "../../src/core";
import { simulate } from "../../src/core";
import type { Plan } from "../../src/core";
import { DCR_ASSOCIATION_NAME, dataCollectionRuleAssociationId, dataCollectionRuleId, xPathQueriesForTier } from "../../src/spec/dcr";
import { AZURE_MONITOR_AGENT, DEPENDENCY_AGENT, LOG_ANALYTICS_AGENT } from "../../src/spec/extensions";
import { GUEST_CONFIGURATION_EXTENSION, MDE_EXTENSION } from "../../src/spec/defender";
import type { Spec } from "../../src/spec/schema";
import { parseSpec } from "../../src/spec/validate";
import { defaultWorkspace, workspace, SUB, SUB2 } from "../helpers/fixtures";

const REGIONS = ["westeurope", "northeurope", "eastus", "brazilsouth", "japaneast", "southafricanorth"];
const GUIDS = Array.from({ length: 8 }, (_, i) => `c${i}000000-0000-4000-8000-00000000000${i}`);
const TIERS = ["None", "Minimal", "Common", "All"] as const;

const workspaces: InventoryWorkspace[] = [
  defaultWorkspace("WEU", GUIDS[0]!, "westeurope", SUB, { solutions: [] }),
  defaultWorkspace("EUS", GUIDS[1]!, "eastus", SUB, { solutions: ["Security"], securityEvents: { tier: "Minimal", owner: "securityCenter" } }),
  defaultWorkspace("WEU", GUIDS[2]!, "westeurope", SUB2),
  workspace("team", GUIDS[3]!, { solutions: [] }),
  workspace("central", GUIDS[4]!, { solutions: ["SecurityCenterFree"] }),
  workspace("soc", GUIDS[5]!, { solutions: ["Security"], securityEvents: { tier: "All", owner: "sentinel" } }),
];
/** A rule nobody can see (deleted, or in another tenant). */
const GONE_RULE = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/gone`;
const THEIR_RULE = `/subscriptions/${SUB}/resourceGroups/rg-soc/providers/Microsoft.Insights/dataCollectionRules/sentinel-security-events`;

interface GeneratedMachine {
  machine: InventoryMachine;
  /** Index into `workspaces` of the rule our association points to, "gone", or none. */
  ours?: number | "gone";
  theirs: boolean;
}

const machineArb = (i: number) =>
  fc
    .record({
      sub: fc.constantFrom(SUB, SUB2),
      kind: fc.constantFrom("vm", "vm", "vmss", "arc" as const),
      osType: fc.constantFrom("Windows", "Linux" as const),
      location: fc.constantFrom(...REGIONS),
      powerState: fc.constantFrom("running", "running", "running", "running", "running", "deallocated" as const),
      vmAgent: fc.constantFrom(true, true, true, true, true, false),
      appliance: fc.constantFrom(false, false, false, false, false, true),
      ext: fc.option(fc.record({ ws: fc.constantFrom(...GUIDS), old: fc.boolean() }), { nil: undefined }),
      direct: fc.constantFrom(false, false, false, true),
      scom: fc.constantFrom(undefined, undefined, undefined, "2012", "2016", "2019"),
      ama: fc.boolean(),
      identity: fc.constantFrom(undefined, "SystemAssigned", "SystemAssigned", "UserAssigned"),
      ours: fc.option(fc.constantFrom<number | "gone">(0, 1, 2, 3, 4, 5, "gone"), { nil: undefined }),
      theirs: fc.boolean(),
      reports: fc.boolean(),
      dependency: fc.constantFrom(false, false, false, false, false, true),
    })
    .map((r): GeneratedMachine => {
      const provider = r.kind === "vm" ? "Microsoft.Compute/virtualMachines" : r.kind === "vmss" ? "Microsoft.Compute/virtualMachineScaleSets" : "Microsoft.HybridCompute/machines";
      const os = r.osType as "Windows" | "Linux";
      const k = LOG_ANALYTICS_AGENT[os];
      const a = AZURE_MONITOR_AGENT[os];
      const d = DEPENDENCY_AGENT[os];
      const signsIn = r.kind === "arc" || (r.identity ?? "").startsWith("SystemAssigned");
      // An AMA heartbeat only comes from an installed AMA that can sign in and has some rule.
      const heartbeat = r.ama && signsIn && (r.ours !== undefined || r.theirs) && r.reports;
      return {
        machine: {
          id: `/subscriptions/${r.sub}/resourceGroups/rg/providers/${provider}/m${i}`,
          kind: r.kind as InventoryMachine["kind"],
          osType: os,
          location: r.location,
          powerState: r.powerState as InventoryMachine["powerState"],
          vmAgent: r.vmAgent,
          appliance: r.appliance,
          extensions: [
            ...(r.ext ? [{ publisher: k.publisher, type: k.type, version: r.ext.old ? "0.9" : k.version, name: k.name, workspaceCustomerId: r.ext.ws }] : []),
            ...(r.ama ? [{ publisher: a.publisher, type: a.type, version: a.version, name: a.name }] : []),
            ...(r.dependency ? [{ publisher: d.publisher, type: d.type, version: d.version, name: d.name }] : []),
          ],
          agents: [
            ...(r.direct ? [{ kind: "direct" as const, workspaceCustomerIds: [GUIDS[3]!] }] : []),
            ...(r.scom ? [{ kind: "scom" as const, version: r.scom }] : []),
            ...(heartbeat ? [{ kind: "ama" as const }] : []),
          ],
          ...(r.identity ? { identity: { type: r.identity } } : {}),
        },
        ...(r.ours !== undefined ? { ours: r.ours } : {}),
        theirs: r.theirs,
      };
    });

const inventoryArb = fc.integer({ min: 0, max: 25 }).chain((n) =>
  fc
    .record({
      machines: fc.tuple(...Array.from({ length: n }, (_, i) => machineArb(i))),
      legacy: fc.boolean(),
      clusters: fc.array(fc.boolean(), { maxLength: 3 }),
      pricing: fc.constantFrom("Free", "Standard" as const),
      rules: fc.array(fc.option(fc.constantFrom(...TIERS), { nil: undefined }), { minLength: workspaces.length, maxLength: workspaces.length }),
    })
    .map((r): Inventory => {
      const rules = r.rules.flatMap((tier, i) =>
        tier === undefined ? [] : [{ id: dataCollectionRuleId(workspaces[i]!.id), location: workspaces[i]!.location, destinations: [workspaces[i]!.id], xPathQueries: [...xPathQueriesForTier(tier)] }],
      );
      const associations = r.machines.flatMap((g) => [
        ...(g.ours !== undefined
          ? [{ id: dataCollectionRuleAssociationId(g.machine.id), machineId: g.machine.id, dataCollectionRuleId: g.ours === "gone" ? GONE_RULE : dataCollectionRuleId(workspaces[g.ours]!.id) }]
          : []),
        ...(g.theirs ? [{ id: dataCollectionRuleAssociationId(g.machine.id, "sentinel"), machineId: g.machine.id, dataCollectionRuleId: THEIR_RULE }] : []),
      ]);
      return {
        version: 1,
        subscriptions: [{ id: SUB, onboardedAt: "2020-02-02" }, { id: SUB2, onboardedAt: r.legacy ? "2018-06-01" : "2021-01-01" }],
        workspaces: structuredClone(workspaces),
        machines: r.machines.map((g) => g.machine),
        clusters: r.clusters.map((on, i) => ({ id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks${i}`, location: "eastus", addons: { azurepolicy: on } })),
        policyAssignments: [],
        roleAssignments: [],
        remediations: [],
        dataCollectionRules: rules,
        dataCollectionRuleAssociations: associations,
        settings: { [SUB]: { pricingTier: r.pricing, workspaceId: null } },
      };
    }),
);

const specFields = {
  autoProvision: fc.boolean(),
  workspace: fc.constantFrom("default", workspaces[3]!.id, workspaces[4]!.id, workspaces[5]!.id, workspace("missing", "x").id),
  securityEvents: fc.constantFrom(...TIERS),
  reconfigureExisting: fc.boolean(),
  defender: fc.boolean(),
  deleteUnusedDefaultWorkspaces: fc.boolean(),
  k8s: fc.boolean(),
  depWin: fc.boolean(),
  depLin: fc.boolean(),
};

function toSpec(r: { [K in keyof typeof specFields]: (typeof specFields)[K] extends fc.Arbitrary<infer T> ? T : never }, agent: "mma" | "ama", removeLegacyAgent: boolean): Spec {
  return parseSpec({
    subscriptions: [SUB, SUB2],
    logAnalyticsAgent: {
      autoProvision: r.autoProvision,
      agent,
      workspace: r.workspace === "default" ? "default" : { id: r.workspace },
      securityEvents: r.securityEvents,
      reconfigureExisting: r.reconfigureExisting,
      defender: r.defender,
      deleteUnusedDefaultWorkspaces: r.deleteUnusedDefaultWorkspaces,
      removeLegacyAgent: agent === "ama" && removeLegacyAgent,
    },
    extensions: { kubernetesPolicyAddon: r.k8s, dependencyAgent: { windows: r.autoProvision && r.depWin, linux: r.autoProvision && r.depLin } },
  });
}

const specArb = fc.record({ ...specFields, agent: fc.constantFrom("mma", "ama" as const), removeLegacyAgent: fc.boolean() }).map((r) => toSpec(r, r.agent, r.removeLegacyAgent));
const amaSpecArb = (removeLegacyAgent: fc.Arbitrary<boolean>) =>
  fc.record({ ...specFields, autoProvision: fc.constant(true), removeLegacyAgent }).map((r) => toSpec(r, "ama", r.removeLegacyAgent));

const CHANGING = new Set(["install", "install-multihome", "install-beside-scom", "reconnect", "upgrade", "ama-install", "ama-migrate", "ama-associate", "ama-enable-identity", "ama-remove-legacy"]);

// ---- the real world between rounds, and what "reporting" means ---------------------------------

const isLegacyExtension = (m: InventoryMachine) => m.extensions?.some((e) => e.publisher === LOG_ANALYTICS_AGENT.Windows.publisher) ?? false;
const hasAma = (m: InventoryMachine) => m.extensions?.some((e) => e.publisher === AZURE_MONITOR_AGENT.Windows.publisher) ?? false;
const reportsAma = (m: InventoryMachine) => m.agents?.some((a) => a.kind === "ama") ?? false;
const ourAssociation = (inv: Inventory, m: InventoryMachine) =>
  inv.dataCollectionRuleAssociations?.find((a) => a.machineId.toLowerCase() === m.id.toLowerCase() && a.id.endsWith("/" + DCR_ASSOCIATION_NAME));

/** Heartbeats arrive for every machine whose AMA can report: installed, signing in, associated with a rule we can see. */
function heartbeatsArrive(inv: Inventory): Inventory {
  const out = structuredClone(inv);
  const rules = new Set((out.dataCollectionRules ?? []).map((r) => r.id.toLowerCase()));
  for (const m of out.machines) {
    const a = ourAssociation(out, m);
    const signsIn = m.kind === "arc" || /SystemAssigned/.test(m.identity?.type ?? "");
    if (hasAma(m) && signsIn && a?.dataCollectionRuleId && rules.has(a.dataCollectionRuleId.toLowerCase()) && !reportsAma(m)) (m.agents ??= []).push({ kind: "ama" });
  }
  return out;
}

/**
 * No machine is left without a reporting agent: each machine that had the Log Analytics extension
 * before a round still has it, or has AMA with our association and reported already when the
 * round was planned.
 */
function expectNoGap(before: Inventory, after: Inventory, p: Plan): void {
  const afterById = new Map(after.machines.map((m) => [m.id, m] as const));
  for (const m of before.machines) {
    if (!isLegacyExtension(m)) continue;
    const now = afterById.get(m.id)!;
    if (isLegacyExtension(now)) continue;
    expect(hasAma(now) && ourAssociation(after, now) !== undefined && reportsAma(m)).toBe(true);
  }
  for (const s of p.steps.filter((x) => x.action === "remove-extension")) {
    expect(s.details.publisher).toBe(LOG_ANALYTICS_AGENT.Windows.publisher);
  }
}

/** Every step depends only on earlier steps, and no step id repeats. */
function expectStepsInOrder(p: { readonly steps: readonly { readonly id: string; readonly dependsOn: readonly string[] }[] }): void {
  const seen = new Set<string>();
  for (const step of p.steps) {
    for (const d of step.dependsOn) expect(seen.has(d)).toBe(true);
    expect(seen.has(step.id)).toBe(false);
    seen.add(step.id);
  }
}

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
        expect(second.machines.filter((m) => CHANGING.has(m.decision))).toEqual([]);
      }),
      { numRuns: 400, seed: 20261124 },
    );
  });

  it("every step depends only on earlier steps, and step ids are unique", () => {
    fc.assert(
      fc.property(specArb, inventoryArb, (s, inv) => {
        const p = plan(s, inv);
        expectStepsInOrder(p);
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

describe("migration to the Azure Monitor Agent (property)", () => {
  it("a mixed fleet converges in two rounds once heartbeats arrive, never leaving a machine without a reporting agent", () => {
    fc.assert(
      fc.property(amaSpecArb(fc.boolean()), inventoryArb, (s, inv) => {
        const round1 = plan(s, inv);
        const after1 = simulate(round1, inv);
        expectNoGap(inv, after1, round1);
        // installing and associating does not make AMA report by itself: planning again changes nothing
        expect(plan(s, after1).steps).toEqual([]);
        const reported = heartbeatsArrive(after1);
        const round2 = plan(s, reported);
        // the second round only takes legacy agents (and what they kept alive) away
        expect(round2.steps.filter((x) => !["remove-extension", "delete-dcr", "delete-workspace"].includes(x.action))).toEqual([]);
        const after2 = simulate(round2, reported);
        expectNoGap(reported, after2, round2);
        expect(plan(s, heartbeatsArrive(after2)).steps).toEqual([]);
      }),
      { numRuns: 300, seed: 424242 },
    );
  });

  it("without removeLegacyAgent nothing is ever removed, in any round", () => {
    fc.assert(
      fc.property(amaSpecArb(fc.constant(false)), inventoryArb, (s, inv) => {
        let current = inv;
        for (let round = 0; round < 3; round++) {
          const p = plan(s, current);
          expect(p.steps.filter((x) => x.action === "remove-extension")).toEqual([]);
          current = heartbeatsArrive(simulate(p, current));
        }
        const legacyBefore = inv.machines.filter(isLegacyExtension).map((m) => m.id);
        expect(current.machines.filter(isLegacyExtension).map((m) => m.id)).toEqual(legacyBefore);
      }),
      { numRuns: 200, seed: 99 },
    );
  });

  it("a removal is planned only for a machine whose AMA already reports and is installed", () => {
    fc.assert(
      fc.property(amaSpecArb(fc.constant(true)), inventoryArb, (s, inv) => {
        const byId = new Map(inv.machines.map((m) => [m.id, m] as const));
        for (const step of plan(s, inv).steps.filter((x) => x.action === "remove-extension")) {
          const m = byId.get(String(step.details.machineId))!;
          expect(reportsAma(m) && hasAma(m)).toBe(true);
          expect(m.agents?.some((a) => a.kind === "direct" || a.kind === "scom") ?? false).toBe(false);
        }
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

// ---- Defender's plans and components (issue 14) -------------------------------------------------

const MDE_STATES = [undefined, undefined, "Succeeded", "Failed"] as const;
const OS_NAMES = [undefined, "Windows Server 2019 Datacenter", "Windows Server 2016 Datacenter", "Windows Server 2008 R2 Datacenter", "ubuntu"] as const;

/** A machine of the generated fleet with Defender's states on top: tags, OS, plan, MDE, Guest Configuration, assessment. */
const defenderMachineArb = (i: number) =>
  fc
    .record({
      base: machineArb(i),
      tag: fc.constantFrom(undefined, undefined, "lab", "dev"),
      osName: fc.constantFrom(...OS_NAMES),
      generalized: fc.constantFrom(false, false, false, true),
      pricing: fc.constantFrom(undefined, undefined, undefined, "Free", "P1"),
      mde: fc.constantFrom(...MDE_STATES),
      mdeAgent: fc.constantFrom(false, false, false, true),
      gc: fc.constantFrom(undefined, undefined, "Succeeded", "Failed"),
      va: fc.boolean(),
    })
    .map((r): GeneratedMachine => {
      const m = r.base.machine;
      const os = m.osType;
      const mde = MDE_EXTENSION[os];
      const gc = GUEST_CONFIGURATION_EXTENSION[os];
      return {
        ...r.base,
        machine: {
          ...m,
          ...(r.tag ? { tags: { env: r.tag } } : {}),
          ...(r.osName ? { osName: r.osName } : {}),
          ...(r.generalized ? { generalized: true } : {}),
          ...(r.pricing ? { pricing: r.pricing === "Free" ? { pricingTier: "Free" as const } : { pricingTier: "Standard" as const, subPlan: "P1" } } : {}),
          ...(r.va && r.mde === "Succeeded" ? { vulnerabilityAssessment: { name: "mdetvm", provisioningState: "Succeeded" } } : {}),
          extensions: [
            ...(m.extensions ?? []),
            ...(r.mde ? [{ publisher: mde.publisher, type: mde.type, version: mde.version, name: mde.name, provisioningState: r.mde }] : []),
            ...(r.gc ? [{ publisher: gc.publisher, type: gc.type, version: gc.version, name: gc.name, provisioningState: r.gc }] : []),
          ],
          agents: [...(m.agents ?? []), ...(r.mdeAgent ? [{ kind: "mde" as const }] : [])],
        },
      };
    });

const defenderInventoryArb = fc.integer({ min: 0, max: 20 }).chain((n) =>
  fc
    .record({
      base: inventoryArb,
      machines: fc.tuple(...Array.from({ length: n }, (_, i) => defenderMachineArb(i))),
      servers: fc.constantFrom(undefined, "P1", "P2"),
      subPlanOld: fc.boolean(),
      wdatp: fc.constantFrom(undefined, true, false),
      provider: fc.constantFrom(null, "MdeTvm"),
      sensor: fc.array(fc.boolean(), { maxLength: 3 }),
    })
    .map(({ base, machines, servers, subPlanOld, wdatp, provider, sensor }): Inventory => ({
      ...base,
      machines: machines.map((g) => g.machine),
      clusters: base.clusters.map((c, i) => ({ ...c, defenderSensor: sensor[i] ?? false })),
      settings: {
        [SUB]: {
          pricingTier: servers ? "Standard" : "Free",
          workspaceId: null,
          plans: {
            ...(servers ? { VirtualMachines: { pricingTier: "Standard" as const, subPlan: servers, extensions: [{ name: "AgentlessVmScanning", isEnabled: "True" as const }] } } : {}),
            ...(subPlanOld ? { KeyVaults: { pricingTier: "Standard" as const, subPlan: "PerTransaction" } } : {}),
          },
          ...(wdatp !== undefined ? { securitySettings: { WDATP: wdatp } } : {}),
          vulnerabilityAssessmentProvider: provider,
        },
      },
    })),
);

const defenderSpecArb = fc
  .record({
    agent: fc.constantFrom("mma", "ama" as const),
    autoProvision: fc.boolean(),
    plan: fc.constantFrom("Off", "P1", "P2" as const),
    enforce: fc.boolean(),
    endpoint: fc.boolean(),
    linux: fc.boolean(),
    unified: fc.boolean(),
    tvm: fc.boolean(),
    gc: fc.boolean(),
    overrides: fc.boolean(),
    containers: fc.option(fc.record({ enabled: fc.boolean(), azurePolicy: fc.boolean() }), { nil: undefined }),
    keyVaults: fc.boolean(),
    k8s: fc.boolean(),
  })
  .map((r): Spec => {
    const on = r.plan !== "Off";
    return parseSpec({
      subscriptions: [SUB, SUB2],
      logAnalyticsAgent: { autoProvision: r.autoProvision, agent: r.agent, securityEvents: "Common" },
      extensions: { kubernetesPolicyAddon: r.k8s },
      defender: {
        servers: {
          plan: r.plan,
          enforce: r.enforce && !r.overrides,
          ...(on ? { endpointProtection: { enabled: r.endpoint, linux: r.linux, unifiedSolution: r.unified }, vulnerabilityAssessment: r.tvm && r.endpoint ? "mdeTvm" : "none" } : {}),
          guestConfiguration: r.gc,
          overrides: r.overrides ? [{ tag: { env: "lab" }, plan: "Free" }, { tag: { env: "dev" }, plan: "P1" }] : [],
        },
        ...(r.containers ? { containers: { enabled: r.containers.enabled, ...(r.containers.enabled ? { azurePolicy: r.containers.azurePolicy } : {}) } } : {}),
        ...(r.keyVaults ? { plans: { KeyVaults: { enabled: true } } } : {}),
      },
    });
  });

describe("planner fixed point with Defender's capabilities (property)", () => {
  it("plan, simulate, plan again: zero steps; every machine has its components", () => {
    fc.assert(
      fc.property(defenderSpecArb, defenderInventoryArb, (s, inv) => {
        const first = plan(s, inv);
        for (const m of first.machines) expect(Object.keys(m.components ?? {}).sort()).toEqual(["endpoint", "plan", "vulnerabilityAssessment", ...(s.defender?.servers?.guestConfiguration ? ["guestConfiguration"] : [])].sort());
        // Defender deploys MDE itself: no plan ever installs it.
        expect(first.steps.filter((x) => x.action === "install-extension" && String(x.details.type).startsWith("MDE."))).toEqual([]);
        const second = plan(s, simulate(first, inv));
        expect(second.steps).toEqual([]);
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it("steps depend on earlier steps only, ids are unique, and planning is deterministic", () => {
    fc.assert(
      fc.property(defenderSpecArb, defenderInventoryArb, (s, inv) => {
        const p = plan(s, inv);
        expectStepsInOrder(p);
        expect(renderJson(plan(s, { ...inv, machines: [...inv.machines].reverse() }))).toBe(renderJson(p));
      }),
      { numRuns: 150, seed: 1414 },
    );
  });
});
