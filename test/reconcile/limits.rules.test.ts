/**
 * Azure's limits and the spec's exclusions on the Deploy-if-not-exists assignments, one rule each:
 * the AKS add-on's assignment leaves out `exclude.resourceGroups` as the Dependency agent's does;
 * a subscription's 4,000 role assignments and a scope's 200 policy assignments (everyone's) are
 * findings, not steps ARM would refuse.
 */
import { plan, simulate, stepsOf, type Plan } from "../../src/core";
import { delegateLargeBatches, type Delegation } from "../../src/capabilities/log-analytics-agent";
import { NOT_SCOPES_LIMIT, POLICY_ASSIGNMENTS_PER_SCOPE, ROLE_ASSIGNMENTS_PER_SUBSCRIPTION } from "../../src/capabilities/extension-policies";
import type { Inventory, InventoryCluster, InventoryMachine, InventoryPolicyAssignment, InventoryRoleAssignment } from "../../src/inventory/schema";
import type { SpecInput } from "../../src/spec";
import { parseSpec } from "../../src/spec/validate";
import { SUB, SUB2, inventory, machine, workspace } from "../helpers/fixtures";

const group = (name: string, sub = SUB) => `/subscriptions/${sub}/resourceGroups/${name}`;
const AKS_ASSIGNMENT = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/asc-k8s-policy-addon`;
const aks = (rg: string, name: string, on = false, sub = SUB): InventoryCluster => ({
  id: `${group(rg, sub)}/providers/Microsoft.ContainerService/managedClusters/${name}`,
  location: "westeurope",
  addons: { azurepolicy: on },
});
/** The machines this plan installs the Dependency agent on one by one. */
const dependencyInstalls = (p: Plan) => stepsOf(p, "install-extension").filter((s) => s.target.includes("/extensions/DependencyAgent")).map((s) => s.details.machineId);
const clusterVerdict = (p: Plan, id: string) => p.clusters?.find((c) => c.id === id)?.components["kubernetesPolicyAddon"];

function specWith(extra: Partial<SpecInput>) {
  return parseSpec({ subscriptions: [SUB, SUB2], logAnalyticsAgent: { autoProvision: true, agent: "mma" }, extensions: { kubernetesPolicyAddon: true }, ...extra });
}
const inv = (clusters: InventoryCluster[]): Inventory => inventory({ clusters }, "2020-01-01", [SUB, SUB2]);

describe("the AKS add-on's assignment and exclude.resourceGroups", () => {
  const sandbox = group("rg-sandbox");
  const SPEC = specWith({ exclude: { resourceGroups: [sandbox, group("rg-other", SUB2)] } });
  const inside = aks("rg-sandbox", "aks-sandbox");
  const outside = aks("rg-aks", "aks-1");

  it("is created with the excluded groups of its subscription as notScopes, and its remediation lists no cluster in them", () => {
    const p = plan(SPEC, inv([inside, outside]));
    const assign = stepsOf(p, "assign-policy").find((s) => s.target === AKS_ASSIGNMENT)!;
    expect(assign.details.notScopes).toEqual([sandbox]);
    const task = stepsOf(p, "create-remediation").find((s) => s.details.policyAssignmentId === AKS_ASSIGNMENT)!;
    expect(task.details.resourceIds).toEqual([outside.id]);
    // The other subscription's assignment leaves out its own group only.
    expect(stepsOf(p, "assign-policy").find((s) => s.target.startsWith(`/subscriptions/${SUB2}/`))!.details.notScopes).toEqual([group("rg-other", SUB2)]);
  });

  it("this tool's assignment made before (no notScopes) gets them; the next plan after that is empty", () => {
    const before = simulate(plan(specWith({}), inv([inside, outside])), inv([inside, outside]));
    // The clusters outside are done; a new one in the excluded group appears.
    const later = aks("rg-sandbox", "aks-new");
    before.clusters.push(later);
    const p = plan(SPEC, before);
    expect(stepsOf(p, "set-policy-not-scopes").map((s) => [s.target, s.details.added])).toEqual([
      [AKS_ASSIGNMENT, [sandbox]],
      [AKS_ASSIGNMENT.replace(SUB, SUB2), [group("rg-other", SUB2)]],
    ]);
    expect(stepsOf(p, "create-remediation")).toEqual([]);
    expect(plan(SPEC, simulate(p, before)).steps).toEqual([]);
  });

  it("someone else's assignment that reaches an excluded group starts no remediation, with a warning", () => {
    const theirs = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/alz-aks`;
    const state = inv([inside, outside]);
    state.policyAssignments.push({ id: theirs, policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7", scope: `/subscriptions/${SUB}`, identityPrincipalId: "p-1", location: "westeurope" });
    const p = plan(SPEC, state);
    expect(p.findings.find((f) => f.code === "assignment-reaches-left-alone")?.target).toBe(theirs);
    expect(stepsOf(p, "create-remediation").filter((s) => s.details.policyAssignmentId === theirs)).toEqual([]);
  });

  it("Defender for Containers leaves a cluster in an excluded group alone (addon-excluded), and enables the add-on on the others itself", () => {
    const p = plan(specWith({ exclude: { resourceGroups: [sandbox] }, extensions: {}, defender: { containers: { enabled: true } } }), inv([inside, outside]));
    expect(clusterVerdict(p, inside.id)).toEqual({
      decision: "addon-excluded",
      reason: `Its resource group is in the spec's exclude.resourceGroups (${sandbox}): left as it is, and the add-on's policy assignment leaves the group out.`,
    });
    expect(stepsOf(p, "enable-cluster-addon").map((s) => s.target)).toEqual([outside.id]);
  });

  it(`more than ${NOT_SCOPES_LIMIT} excluded groups in a subscription: no assignment there (this tool's is removed), a warning, and the add-on enabled cluster by cluster`, () => {
    const many = Array.from({ length: NOT_SCOPES_LIMIT + 1 }, (_, i) => group(`rg-x-${String(i).padStart(3, "0")}`));
    const over = specWith({ exclude: { resourceGroups: many }, defender: { containers: { enabled: true } } });
    const state = simulate(plan(specWith({ defender: { containers: { enabled: true } } }), inv([])), inv([]));
    state.clusters.push(outside, aks("rg-x-000", "aks-x"));
    const p = plan(over, state);
    expect(stepsOf(p, "unassign-policy").map((s) => s.target)).toEqual([AKS_ASSIGNMENT]);
    expect(stepsOf(p, "assign-policy").filter((s) => s.target.startsWith(`/subscriptions/${SUB}/`))).toEqual([]);
    expect(p.findings.find((f) => f.code === "not-scopes-over-limit")?.message).toMatch(/^401 resource groups of subscription 1111.* 400 notScopes/);
    expect(stepsOf(p, "enable-cluster-addon").map((s) => s.target)).toEqual([outside.id]);
    expect(plan(over, simulate(p, state)).steps).toEqual([]);
  });
});

describe("Azure's limits on role and policy assignments: findings instead of steps ARM would refuse", () => {
  const DEP = { dependencyAgent: { windows: true, linux: true } };
  const SPEC = specWith({ subscriptions: [SUB], extensions: DEP });
  const win = { ...machine("win-1"), id: `${group("rg-app")}/providers/Microsoft.Compute/virtualMachines/win-1` };
  const lin = { ...machine("lin-1", { osType: "Linux" }), id: `${group("rg-app")}/providers/Microsoft.Compute/virtualMachines/lin-1` };
  /** `n` role assignments of others in the subscription, at its resource groups. */
  const othersRoles = (n: number): InventoryRoleAssignment[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `${group(`rg-${i % 50}`)}/providers/Microsoft.Authorization/roleAssignments/${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`,
      principalId: `user-${i}`,
      roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
      scope: group(`rg-${i % 50}`),
    }));
  /** `n` policy assignments of others at `scope`. */
  const othersPolicies = (scope: string, n: number): InventoryPolicyAssignment[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${scope}/providers/Microsoft.Authorization/policyAssignments/other-${i}`, policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/custom-${i}`, scope, identityPrincipalId: null, location: null }));
  const state = (parts: Partial<Inventory>) => inventory({ machines: [win, lin], ...parts });

  it(`a subscription at ${ROLE_ASSIGNMENTS_PER_SUBSCRIPTION} role assignments: no assignment, role or remediation; a warning naming the limit, the subscription and the count; the agent installed step by step`, () => {
    const full = state({ roleAssignments: othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION) });
    const p = plan(SPEC, full);
    for (const action of ["assign-policy", "grant-role", "create-remediation"] as const) expect(stepsOf(p, action)).toEqual([]);
    const findings = p.findings.filter((f) => f.code === "role-assignments-over-limit");
    expect(findings.map((f) => f.severity)).toEqual(["warning", "warning"]);
    expect(findings[0]!.message).toBe(
      `Azure allows 4,000 role assignments per subscription; /subscriptions/${SUB} has 4,000 (everyone's, this plan's included) and "Deploy Dependency agent for Linux virtual machines" would add 1, which ARM would refuse: ` +
        "no such assignment or role is planned; the agent is installed step by step on the machines it would reach, and on machines created there later at the next plan.",
    );
    expect(dependencyInstalls(p).sort()).toEqual([lin.id, win.id]);
    const after = simulate(p, full);
    expect(plan(SPEC, after).steps).toEqual([]);
  });

  it("one role assignment of room: the first policy planned (Windows) gets its assignment and role, the next a finding and installs", () => {
    const p = plan(SPEC, state({ roleAssignments: othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1) }));
    expect(stepsOf(p, "assign-policy").map((s) => s.details.name)).toEqual(["asc-dependency-agent-windows"]);
    expect(stepsOf(p, "grant-role")).toHaveLength(1);
    expect(p.findings.filter((f) => f.code === "role-assignments-over-limit").map((f) => f.target)).toEqual([
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-linux`,
    ]);
    expect(dependencyInstalls(p)).toEqual([lin.id]);
  });

  it("a converged subscription at the limit, this tool's grants among them, plans nothing and finds nothing", () => {
    const first = simulate(plan(SPEC, state({})), state({}));
    first.roleAssignments.push(...othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - first.roleAssignments.length));
    const p = plan(SPEC, first);
    expect(p.steps).toEqual([]);
    expect(p.findings.filter((f) => f.code.endsWith("-over-limit"))).toEqual([]);
  });

  it(`${POLICY_ASSIGNMENTS_PER_SCOPE} policy assignments of others at the subscription: no new assignment there, a warning naming the limit, the scope and the count`, () => {
    const p = plan(SPEC, state({ policyAssignments: othersPolicies(`/subscriptions/${SUB}`, POLICY_ASSIGNMENTS_PER_SCOPE) }));
    expect(stepsOf(p, "assign-policy")).toEqual([]);
    const [finding] = p.findings.filter((f) => f.code === "policy-assignments-over-limit");
    expect(finding!.message).toMatch(/^Azure allows 200 policy assignments per scope; \/subscriptions\/1111[-1]+ has 200 \(everyone's, this plan's included\) and "Deploy Dependency agent for Linux virtual machines" would add 1/);
    expect(dependencyInstalls(p).sort()).toEqual([lin.id, win.id]);
    // This tool's assignment made before the others came is kept: it adds nothing to the count.
    const before = simulate(plan(SPEC, state({})), state({}));
    before.policyAssignments.push(...othersPolicies(`/subscriptions/${SUB}`, POLICY_ASSIGNMENTS_PER_SCOPE - 2));
    before.machines.push({ ...win, id: win.id.replace("win-1", "win-2"), extensions: [] });
    const later = plan(SPEC, before);
    expect(later.findings.filter((f) => f.code === "policy-assignments-over-limit")).toEqual([]);
    expect(stepsOf(later, "create-remediation")).toHaveLength(1);
  });

  it(`a resource group that would get its own Dependency-agent assignment but holds ${POLICY_ASSIGNMENTS_PER_SCOPE} of others': its machines installed step by step, with the finding`, () => {
    const vm = (rg: string, name: string, extra: Partial<InventoryMachine> = {}) => ({ ...machine(name, extra), id: `${group(rg)}/providers/Microsoft.Compute/virtualMachines/${name}` });
    const scom = (rg: string, n: number) => Array.from({ length: n }, (_, i) => vm(rg, `${rg}-scom-${i}`, { agents: [{ kind: "scom", version: "2012" }] }));
    const machines = [...scom("rg-legacy", 300), ...scom("rg-big", 150), vm("rg-legacy", "legacy-new"), vm("rg-big", "big-new"), vm("rg-app", "app-new")];
    const winOnly = specWith({ subscriptions: [SUB], extensions: { dependencyAgent: { windows: true } } });
    const full = inventory({ machines, policyAssignments: othersPolicies(group("rg-legacy"), POLICY_ASSIGNMENTS_PER_SCOPE) });
    const p = plan(winOnly, full);
    expect(stepsOf(p, "assign-policy").map((s) => s.details.scope)).toEqual([`/subscriptions/${SUB}`]);
    expect(p.findings.find((f) => f.code === "policy-assignments-over-limit")!.target).toBe(`${group("rg-legacy")}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-windows`);
    expect(dependencyInstalls(p)).toEqual([vm("rg-legacy", "legacy-new").id]);
    expect(plan(winOnly, simulate(p, full)).steps).toEqual([]);
  });

  it("Defender for Containers: when the spec's AKS add-on assignment is refused by a limit, the add-on is enabled cluster by cluster", () => {
    const cluster = aks("rg-aks", "aks-1");
    const spec2 = specWith({ subscriptions: [SUB], defender: { containers: { enabled: true } } });
    const p = plan(spec2, inventory({ clusters: [cluster], roleAssignments: othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1) }));
    expect(stepsOf(p, "assign-policy")).toEqual([]);
    expect(p.findings.find((f) => f.code === "role-assignments-over-limit")!.message).toMatch(/would add 2, which ARM would refuse: .*the add-on is enabled cluster by cluster\.$/);
    expect(clusterVerdict(p, cluster.id)!.decision).toBe("addon-enable");
    expect(stepsOf(p, "enable-cluster-addon").map((s) => s.target)).toEqual([cluster.id]);
  });

  describe("what the same plan removes is given back, and what takes that room waits for the removal", () => {
    const WIN = specWith({ subscriptions: [SUB], extensions: { dependencyAgent: { windows: true } } });
    const LIN = specWith({ subscriptions: [SUB], extensions: { dependencyAgent: { linux: true } } });
    const WIN_ASSIGNMENT = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-windows`;
    /** This tool's Windows assignment made (with its role), and others' `fill` up to `limit` of what `count` counts. */
    const windowsDoneAt = (fill: (inv: Inventory) => void) => {
      const done = simulate(plan(WIN, state({})), state({}));
      fill(done);
      return done;
    };

    it(`at ${ROLE_ASSIGNMENTS_PER_SUBSCRIPTION} role assignments, Windows off and Linux on: Linux takes the Windows assignment's role, after its removal`, () => {
      const full = windowsDoneAt((inv) => inv.roleAssignments.push(...othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - inv.roleAssignments.length)));
      expect(full.roleAssignments).toHaveLength(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION);
      const p = plan(LIN, full);
      expect(p.findings.filter((f) => f.code.endsWith("-over-limit"))).toEqual([]);
      const [unassign] = stepsOf(p, "unassign-policy");
      expect(unassign!.target).toBe(WIN_ASSIGNMENT);
      const [assign] = stepsOf(p, "assign-policy");
      expect(assign!.details.name).toBe("asc-dependency-agent-linux");
      expect(assign!.dependsOn).toEqual([unassign!.id]);
      expect(stepsOf(p, "grant-role").map((s) => s.dependsOn)).toEqual([[assign!.id, unassign!.id]]);
      expect(dependencyInstalls(p)).toEqual([]);
      // The removal comes before what waits for it.
      expect(p.steps.indexOf(unassign!)).toBeLessThan(p.steps.indexOf(assign!));
    });

    it(`at ${POLICY_ASSIGNMENTS_PER_SCOPE} policy assignments at the subscription, this tool's Windows one among them: Linux takes its place, after its removal`, () => {
      const full = windowsDoneAt((inv) => inv.policyAssignments.push(...othersPolicies(`/subscriptions/${SUB}`, POLICY_ASSIGNMENTS_PER_SCOPE - 1)));
      const p = plan(LIN, full);
      expect(p.findings.filter((f) => f.code.endsWith("-over-limit"))).toEqual([]);
      expect(stepsOf(p, "assign-policy")[0]!.dependsOn).toEqual([`unassign-policy:${WIN_ASSIGNMENT}`]);
    });

    it("room enough without the removal: the addition does not wait for it", () => {
      const p = plan(LIN, windowsDoneAt(() => undefined));
      expect(stepsOf(p, "unassign-policy").map((s) => s.target)).toEqual([WIN_ASSIGNMENT]);
      expect(stepsOf(p, "assign-policy")[0]!.dependsOn).toEqual([]);
    });

    it("Defender for Containers counts the room too: the AKS add-on's assignment takes the Dependency agent's roles, no cluster is enabled one by one", () => {
      const cluster = aks("rg-aks", "aks-1");
      const withCluster = (inv: Inventory) => ({ ...inv, clusters: [cluster] });
      const done = simulate(plan(WIN, state({})), state({}));
      // The add-on's assignment needs 2 roles; the Windows assignment holds 1, and 1 more is free.
      done.roleAssignments.push(...othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1 - done.roleAssignments.length));
      const aksOnly = specWith({ subscriptions: [SUB], defender: { containers: { enabled: true } } });
      const p = plan(aksOnly, withCluster(done));
      expect(p.findings.filter((f) => f.code.endsWith("-over-limit"))).toEqual([]);
      expect(stepsOf(p, "assign-policy").map((s) => [s.details.name, s.dependsOn])).toEqual([["asc-k8s-policy-addon", [`unassign-policy:${WIN_ASSIGNMENT}`]]]);
      expect(clusterVerdict(p, cluster.id)!.decision).not.toBe("addon-enable");
      expect(stepsOf(p, "enable-cluster-addon")).toEqual([]);
    });
  });

  describe("the Log Analytics agent's delegation (--delegate-above) counts them too", () => {
    const MMA = specWith({ subscriptions: [SUB], extensions: {} });
    const vms = (n: number, osType: "Windows" | "Linux" = "Windows") => Array.from({ length: n }, (_, i) => machine(`${osType}-${i}`, { osType }));
    const delegated = (d: Delegation<Plan>) => d.plan.steps.filter((s) => s.action === "assign-policy").map((s) => s.target.replace(/^.*\//, ""));
    const installs = (d: Delegation<Plan>) => d.plan.steps.filter((s) => s.action === "install-extension").length;

    it(`a subscription at ${ROLE_ASSIGNMENTS_PER_SUBSCRIPTION} role assignments: the batch stays step by step, with a warning naming the limit, the subscription and the count`, () => {
      const full = inventory({ machines: vms(6), roleAssignments: othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION) });
      const p = plan(MMA, full);
      const d = delegateLargeBatches(p, full, 3);
      expect(d.plan).toBe(p);
      expect(d.findings.map((f) => [f.severity, f.code, f.target])).toEqual([
        ["warning", "role-assignments-over-limit", expect.stringMatching(new RegExp(`^/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/asc-la-agent-windows-`))],
      ]);
      expect(d.findings[0]!.message).toMatch(
        new RegExp(`^Azure allows 4,000 role assignments per subscription; /subscriptions/${SUB} has 4,000 \\(everyone's, this plan's included\\) and "[^"]*Log Analytics extension[^"]*Windows[^"]*" would add 1, which ARM would refuse: the 6 Windows installs to .* stay step by step\\.$`),
      );
      expect(d.notes).toEqual([d.findings[0]!.message]);
    });

    it(`${POLICY_ASSIGNMENTS_PER_SCOPE} policy assignments of others at the subscription: the batch stays step by step (policy-assignments-over-limit)`, () => {
      const full = inventory({ machines: vms(6), policyAssignments: othersPolicies(`/subscriptions/${SUB}`, POLICY_ASSIGNMENTS_PER_SCOPE) });
      const d = delegateLargeBatches(plan(MMA, full), full, 3);
      expect(d.findings.map((f) => f.code)).toEqual(["policy-assignments-over-limit"]);
      expect(installs(d)).toBe(6);
    });

    it("a grant at a hub's workspace counts in the hub's subscription, not the spoke's", () => {
      // The central workspace in SUB2 (the hub), the machines in SUB: the batch's policy gets a role at SUB and one at the workspace.
      const hub = workspace("law-hub", "c0000000-0000-4000-8000-0000000000c1", { solutions: ["Security"] }, SUB2);
      const HUB = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: { id: hub.id } } });
      const at = (sub: string, n: number) => othersRoles(n).map((r) => ({ ...r, id: r.id.replace(SUB, sub), scope: r.scope.replace(SUB, sub) }));
      const grantsOf = (d: Delegation<Plan>) => d.plan.steps.filter((s) => s.action === "grant-role").map((s) => (s.details as { scope: string }).scope.split("/")[2]).sort();
      // The spoke one short of the limit: its one grant fits (before, both grants were counted there and the batch stayed step by step).
      const spokeNearlyFull = inventory({ machines: vms(6), workspaces: [hub], roleAssignments: at(SUB, ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1) }, "2020-01-01", [SUB, SUB2]);
      const fits = delegateLargeBatches(plan(HUB, spokeNearlyFull), spokeNearlyFull, 3);
      expect(fits.findings).toEqual([]);
      expect(grantsOf(fits)).toEqual([SUB, SUB2].sort());
      // The hub at the limit: the grant at its workspace would be refused there, so the batch stays step by step, the hub named (before: delegated, and ARM refused the grant).
      const hubFull = inventory({ machines: vms(6), workspaces: [hub], roleAssignments: at(SUB2, ROLE_ASSIGNMENTS_PER_SUBSCRIPTION) }, "2020-01-01", [SUB, SUB2]);
      const refused = delegateLargeBatches(plan(HUB, hubFull), hubFull, 3);
      expect(refused.findings.map((f) => f.code)).toEqual(["role-assignments-over-limit"]);
      expect(refused.findings[0]!.message).toContain(`/subscriptions/${SUB2} has 4,000`);
      expect(installs(refused)).toBe(6);
    });

    it("the plan's own grants and the batches delegated before count: one role assignment of room goes to the plan's Dependency agent, none is left for a batch", () => {
      const state = inventory({ machines: vms(6), roleAssignments: othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1) });
      const withDependency = specWith({ subscriptions: [SUB], extensions: { dependencyAgent: { windows: true } } });
      const d = delegateLargeBatches(plan(withDependency, state), state, 3);
      expect(delegated(d)).toEqual(["asc-dependency-agent-windows"]);
      expect(d.findings[0]!.message).toMatch(/has 4,000 \(everyone's, this plan's included\)/);
      // Without the Dependency agent the room is the first batch's (in the plan's order: Linux); the Windows batch then has none.
      const both = inventory({ machines: [...vms(6), ...vms(5, "Linux")], roleAssignments: othersRoles(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1) });
      const two = delegateLargeBatches(plan(MMA, both), both, 3);
      expect(delegated(two)).toEqual([expect.stringMatching(/^asc-la-agent-linux-/)]);
      expect(two.findings.map((f) => f.target)).toEqual([expect.stringMatching(/asc-la-agent-windows-/)]);
      expect(installs(two)).toBe(6);
    });
  });
});

describe("a remediation task's unreachable machines are those outside its notScopes", () => {
  const WIN = specWith({ subscriptions: [SUB], extensions: { dependencyAgent: { windows: true } } });
  const reachable = machine("vm-plain");
  const unreachable = machine("vm-dealloc", { powerState: "deallocated" });
  // Left alone by the seed's rules (in the notScopes) and a deployment could not reach it either.
  const leftAlone = machine("vm-scom-dealloc", { powerState: "deallocated", agents: [{ kind: "scom", version: "2012" }] });
  const task = (p: Plan) => stepsOf(p, "create-remediation")[0]!;

  it("a left-alone machine neither names the task nor counts in its resourceCount", () => {
    const p = plan(WIN, inventory({ machines: [reachable, unreachable, leftAlone] }));
    const without = plan(WIN, inventory({ machines: [reachable, unreachable] }));
    expect(task(p).target).toBe(task(without).target);
    expect(task(p).details.resourceCount).toBe(task(without).details.resourceCount);
    expect(stepsOf(p, "assign-policy")[0]!.details.notScopes).toEqual([leftAlone.id]);
  });

  it("a converged fleet, its task named as before this change, plans nothing", () => {
    // The state an earlier version left: the task ran (under the name that counted the left-alone machine) and installed.
    const inv = inventory({ machines: [reachable, unreachable, leftAlone] });
    const converged = simulate(plan(WIN, inv), inv);
    converged.remediations = converged.remediations.map((r) => ({ ...r, id: r.id.replace(/-[0-9a-f]{8}$/, "-0ld0name") }));
    expect(plan(WIN, converged).steps).toEqual([]);
  });
});
