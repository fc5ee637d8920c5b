/**
 * Azure's limits and the spec's exclusions on the Deploy-if-not-exists assignments, one rule each:
 * the AKS add-on's assignment leaves out `exclude.resourceGroups` as the Dependency agent's does.
 */
import { plan, simulate, stepsOf, type Plan } from "../../src/core";
import { NOT_SCOPES_LIMIT } from "../../src/capabilities/extension-policies";
import type { Inventory, InventoryCluster } from "../../src/inventory/schema";
import type { SpecInput } from "../../src/spec";
import { parseSpec } from "../../src/spec/validate";
import { SUB, SUB2, inventory } from "../helpers/fixtures";

const group = (name: string, sub = SUB) => `/subscriptions/${sub}/resourceGroups/${name}`;
const AKS_ASSIGNMENT = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/asc-k8s-policy-addon`;
const aks = (rg: string, name: string, on = false, sub = SUB): InventoryCluster => ({
  id: `${group(rg, sub)}/providers/Microsoft.ContainerService/managedClusters/${name}`,
  location: "westeurope",
  addons: { azurepolicy: on },
});
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
