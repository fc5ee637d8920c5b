/**
 * Issue 14 items 3, 5 and 8, the Dependency-agent assignment: one owner per field, so a front end
 * and the reconciler never undo each other. The declaration carries what the spec alone knows
 * (`exclude.resourceGroups`); the reconciler owns the notScopes of the machines the seed's rules
 * leave alone (the front ends render `ignoreChanges` for them) and the remediation (none is
 * declared). The model once, rendered by both front ends; then a simulated `up` beside the planner.
 */
import { Testing } from "cdktf";
import { AutoProvisioningStack } from "../../components/cdktf";
import { declareStack } from "../../components/pulumi/program/program";
import * as pulumi from "@pulumi/pulumi";
import { NOT_SCOPES_LIMIT } from "../../src/capabilities/extension-policies";
import { declareSubscription, plan, simulate, stepsOf, subscriptionDeclarations, type PolicyUnit } from "../../src/core";
import { SEED_POLICIES } from "../../src/spec/policies";
import type { Inventory, InventoryPolicyAssignment } from "../../src/inventory/schema";
import type { SpecInput } from "../../src/spec";
import { parseSpec } from "../../src/spec/validate";
import { SUB, SUB2, inventory, machine } from "../helpers/fixtures";
import { startMocks } from "../pulumi/harness";
import { T } from "../pulumi/graph";

const RG = `/subscriptions/${SUB}/resourceGroups/rg-sandbox`;
const RG2 = `/subscriptions/${SUB2}/resourceGroups/rg-other`;
const SPEC_INPUT: SpecInput = {
  subscriptions: [SUB, SUB2],
  exclude: { resourceGroups: [RG, RG2] },
  logAnalyticsAgent: { autoProvision: true, agent: "mma" },
  extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } },
};
const SPEC = parseSpec(SPEC_INPUT);

function policies(subscriptionId = SUB): readonly PolicyUnit[] {
  return declareSubscription({ spec: SPEC, subscriptionId, machineRegions: [], amaPolicies: { enabled: true, remediate: true, notScopes: [] } }).extensionPolicies;
}

describe("the declaration model", () => {
  test("a Dependency-agent assignment: the spec's excluded groups there, notScopes left to the reconciler, no remediation; the AKS add-on's: the same notScopes rule, its remediation declared", () => {
    const byKey = new Map(policies().map((u) => [u.policyKey, u]));
    for (const key of ["dependencyAgentWindows", "dependencyAgentLinux"]) {
      const unit = byKey.get(key)!;
      const [assignment] = unit.resources.filter((d) => d.kind === "policy-assignment");
      expect(assignment).toMatchObject({ props: { notScopes: [RG] }, ignoreChanges: ["notScopes"] });
      expect(unit.resources.map((d) => d.kind)).toEqual(["policy-assignment", "role-assignment"]);
    }
    const k8s = byKey.get("kubernetesPolicyAddon")!;
    expect(k8s.resources.map((d) => d.kind)).toEqual(["policy-assignment", "role-assignment", "role-assignment", "policy-remediation"]);
    // Since limits11 the AKS add-on's assignment leaves out the excluded groups too, under the same owner.
    expect(k8s.resources[0]).toMatchObject({ props: { notScopes: [RG] }, ignoreChanges: ["notScopes"] });
    expect(policies(SUB2).find((u) => u.policyKey === "dependencyAgentLinux")!.resources[0]!.props).toMatchObject({ notScopes: [RG2] });
  });
});

describe("the front ends render it", () => {
  test("Pulumi (setMocks): ignoreChanges notScopes on every toggle's assignment, and the Dependency agent's remediation is not declared", async () => {
    const run = await startMocks({
      config: {
        "asc-autoprovision:subscriptions": JSON.stringify(SPEC_INPUT.subscriptions),
        "asc-autoprovision:exclude": JSON.stringify(SPEC_INPUT.exclude),
        "asc-autoprovision:logAnalyticsAgent": JSON.stringify(SPEC_INPUT.logAnalyticsAgent),
        "asc-autoprovision:extensions": JSON.stringify(SPEC_INPUT.extensions),
      },
    });
    declareStack();
    expect(await run.settle()).toEqual([]);
    const assignments = run.ofType(T.policyAssignment).filter((a) => a.inputs["scope"] === `/subscriptions/${SUB}`);
    const rendered = assignments.map((a) => [a.inputs["policyAssignmentName"], a.inputs["notScopes"], a.ignoreChanges]).sort();
    expect(rendered).toEqual([
      ["asc-dependency-agent-linux", [RG], ["notScopes"]],
      ["asc-dependency-agent-windows", [RG], ["notScopes"]],
      ["asc-k8s-policy-addon", [RG], ["notScopes"]],
    ]);
    expect(run.ofType(T.remediation).map((r) => r.inputs["remediationName"])).toEqual(["asc-k8s-policy-addon", "asc-k8s-policy-addon"]);
  });

  test("CDKTF (synth): lifecycle.ignore_changes not_scopes on every toggle's assignment, and the Dependency agent's remediation is not declared", () => {
    const stack = new AutoProvisioningStack(Testing.app(), "asc", { spec: SPEC_INPUT });
    const doc = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const assignments = Object.values(doc.resource["azurerm_subscription_policy_assignment"]!).filter((a) => a["subscription_id"] === `/subscriptions/${SUB}`);
    const rendered = assignments.map((a) => [a["name"], a["not_scopes"], a["lifecycle"]]).sort();
    expect(rendered).toEqual([
      ["asc-dependency-agent-linux", [RG], { ignore_changes: ["not_scopes"] }],
      ["asc-dependency-agent-windows", [RG], { ignore_changes: ["not_scopes"] }],
      ["asc-k8s-policy-addon", [RG], { ignore_changes: ["not_scopes"] }],
    ]);
    expect(Object.values(doc.resource["azurerm_subscription_policy_remediation"]!).map((r) => r["name"])).toEqual(["asc-k8s-policy-addon", "asc-k8s-policy-addon"]);
  });
});

/**
 * What `pulumi up` / `cdktf deploy` does to the assignments of `units`: creates a missing one as
 * declared (with an identity), and sets an existing one's declared props again, except those
 * in its `ignoreChanges` (unless `ignoring` is false: the front ends before this change).
 */
function frontEndUp(inv: Inventory, units: readonly PolicyUnit[], ignoring = true): Inventory {
  const assignments = [...inv.policyAssignments];
  for (const unit of units) {
    for (const d of unit.resources) {
      if (d.kind !== "policy-assignment") continue;
      const id = `${d.props.scope}/providers/Microsoft.Authorization/policyAssignments/${d.props.name}`;
      const at = assignments.findIndex((a) => a.id.toLowerCase() === id.toLowerCase());
      const declared: InventoryPolicyAssignment = {
        id,
        name: d.props.name,
        policyDefinitionId: d.props.policyDefinitionId,
        scope: d.props.scope,
        location: d.props.location,
        identityPrincipalId: at >= 0 ? assignments[at]!.identityPrincipalId : `0000000${unit.policyKey.length}-0000-4000-8000-000000000000`,
        ...(d.props.notScopes?.length ? { notScopes: [...d.props.notScopes] } : {}),
      };
      if (at < 0) {
        assignments.push(declared);
        continue;
      }
      const current = assignments[at]!;
      const notScopes = ignoring && d.ignoreChanges?.includes("notScopes") ? current.notScopes : declared.notScopes;
      const { notScopes: _current, ...others } = current;
      const { notScopes: _declared, ...set } = declared;
      assignments[at] = { ...others, ...set, ...(notScopes?.length ? { notScopes: [...notScopes] } : {}) };
    }
  }
  return { ...inv, policyAssignments: assignments };
}

describe("the reconciler and a front-end-declared assignment converge", () => {
  const scom2012 = machine("scom2012", { agents: [{ kind: "scom", version: "2012" }] });
  const plain = machine("plain");
  const units = policies();
  const dependencyWindows = (inv: Inventory) => inv.policyAssignments.find((a) => a.name === "asc-dependency-agent-windows")!;

  test("front end first, then the reconciler, then the front end again: the reconciler's notScopes stay, and the next plan has no notScopes change", () => {
    const start = frontEndUp(inventory({ machines: [plain, scom2012] }), units);
    expect(dependencyWindows(start).notScopes).toEqual([RG]);
    const first = plan(SPEC, start);
    // The reconciler adds what only it knows, and remediates after that.
    const [update] = stepsOf(first, "set-policy-not-scopes").filter((s) => s.details.name === "asc-dependency-agent-windows");
    expect(update!.details).toMatchObject({ added: [scom2012.id], removed: [] });
    const remediation = stepsOf(first, "create-remediation").find((s) => s.details.policyAssignmentId === dependencyWindows(start).id)!;
    expect(remediation.dependsOn).toContain(update!.id);
    expect(remediation.details.resourceIds).toEqual([plain.id]);
    expect(stepsOf(first, "assign-policy").filter((s) => s.details.name.startsWith("asc-dependency-agent"))).toEqual([]);
    const reconciled = simulate(first, start);
    const again = frontEndUp(reconciled, units);
    expect(dependencyWindows(again).notScopes).toEqual([scom2012.id, RG].sort());
    const second = plan(SPEC, again);
    expect(stepsOf(second, "set-policy-not-scopes")).toEqual([]);
    expect(stepsOf(second, "unassign-policy")).toEqual([]);
    expect(stepsOf(second, "assign-policy")).toEqual([]);
  });

  test("the control: a front end that resets notScopes (no ignoreChanges) undoes the reconciler at every up", () => {
    const reconciled = simulate(plan(SPEC, frontEndUp(inventory({ machines: [plain, scom2012] }), units)), frontEndUp(inventory({ machines: [plain, scom2012] }), units));
    const reset = frontEndUp(reconciled, units, false);
    expect(dependencyWindows(reset).notScopes).toEqual([RG]);
    expect(stepsOf(plan(SPEC, reset), "set-policy-not-scopes").length).toBeGreaterThan(0);
  });
});

/**
 * Over 400 excluded groups in one subscription the planner makes none of the toggles' assignments
 * there (ARM refuses more notScopes): the model says the same, so a front end neither fails at
 * ARM's limit nor creates an assignment the reconciler then removes. SUB has 401, SUB2 one.
 */
describe(`more than ${NOT_SCOPES_LIMIT} excluded resource groups in a subscription`, () => {
  const many = Array.from({ length: NOT_SCOPES_LIMIT + 1 }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg-x-${String(i).padStart(3, "0")}`);
  const OVER_INPUT: SpecInput = { ...SPEC_INPUT, exclude: { resourceGroups: [...many, RG2] } };
  const OVER = parseSpec(OVER_INPUT);
  const declared = (subscriptionId: string) => declareSubscription({ spec: OVER, subscriptionId, machineRegions: [], amaPolicies: { enabled: true, remediate: true, notScopes: [] } });
  const warningOf = (name: string, instead: string) =>
    `401 resource groups of subscription ${SUB} are in exclude.resourceGroups, more than an assignment's 400 notScopes: no "${name}" assignment there; ` +
    `this stack declares none (ARM would refuse it), and the reconciler (asc-autoprovision apply, or the AgentReconciliation resource) ${instead}.`;
  const WARNINGS = [
    warningOf(SEED_POLICIES.kubernetesPolicyAddon.displayName, "enables the add-on cluster by cluster outside them, with Defender for Containers' azurePolicy on"),
    warningOf(SEED_POLICIES.dependencyAgentWindows.displayName, "installs the Dependency agent machine by machine"),
    warningOf(SEED_POLICIES.dependencyAgentLinux.displayName, "installs the Dependency agent machine by machine"),
  ];

  test("the model declares no assignment there, only the warnings saying why, as the plan makes none; the other subscription's are declared", () => {
    const over = declared(SUB);
    expect(over.extensionPolicies).toEqual([]);
    expect(subscriptionDeclarations(over).filter((d) => d.kind === "policy-assignment" || d.kind === "role-assignment" || d.kind === "policy-remediation")).toEqual([]);
    expect(over.others.flatMap((u) => u.warnings)).toEqual(WARNINGS);
    expect(declared(SUB2).extensionPolicies.map((u) => u.policyKey)).toEqual(["kubernetesPolicyAddon", "dependencyAgentWindows", "dependencyAgentLinux"]);
    // The planner: none of these assignments in SUB, each with its not-scopes-over-limit finding, whose sentence the warning begins with.
    const p = plan(OVER, inventory({ machines: [machine("plain")] }, "2020-01-01", [SUB, SUB2]));
    expect(stepsOf(p, "assign-policy").filter((s) => s.details.scope === `/subscriptions/${SUB}`)).toEqual([]);
    const findings = p.findings.filter((f) => f.code === "not-scopes-over-limit").map((f) => f.message);
    const why = (m: string) => m.slice(0, m.indexOf(" there; ") + 6);
    expect(findings.map(why).sort()).toEqual(WARNINGS.map(why).sort());
  });

  test("Pulumi (setMocks): no assignment, role or remediation in that subscription, the warnings logged", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      const run = await startMocks({
        config: {
          "asc-autoprovision:subscriptions": JSON.stringify(OVER_INPUT.subscriptions),
          "asc-autoprovision:exclude": JSON.stringify(OVER_INPUT.exclude),
          "asc-autoprovision:logAnalyticsAgent": JSON.stringify(OVER_INPUT.logAnalyticsAgent),
          "asc-autoprovision:extensions": JSON.stringify(OVER_INPUT.extensions),
        },
      });
      declareStack();
      expect(await run.settle()).toEqual([]);
      const inSub = (scope: unknown) => typeof scope === "string" && scope.startsWith(`/subscriptions/${SUB}`);
      expect(run.ofType(T.policyAssignment).filter((a) => inSub(a.inputs["scope"]))).toEqual([]);
      expect(run.ofType(T.policyAssignment).map((a) => a.inputs["policyAssignmentName"]).sort()).toEqual(["asc-dependency-agent-linux", "asc-dependency-agent-windows", "asc-k8s-policy-addon"]);
      expect(run.ofType(T.remediation).filter((r) => inSub(r.inputs["scope"]))).toEqual([]);
      expect(warn.mock.calls.map(([message]) => message)).toEqual(WARNINGS);
    } finally {
      warn.mockRestore();
    }
  });

  test("CDKTF (synth): no assignment, role or remediation in that subscription, the warnings annotated", () => {
    const stack = new AutoProvisioningStack(Testing.app(), "asc", { spec: OVER_INPUT });
    const doc = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const assignments = Object.values(doc.resource["azurerm_subscription_policy_assignment"]!);
    expect(assignments.filter((a) => a["subscription_id"] === `/subscriptions/${SUB}`)).toEqual([]);
    expect(assignments.map((a) => a["name"]).sort()).toEqual(["asc-dependency-agent-linux", "asc-dependency-agent-windows", "asc-k8s-policy-addon"]);
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => m.data as string);
    expect(warnings).toEqual(WARNINGS);
  });
});
