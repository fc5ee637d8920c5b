/**
 * User trial 20, item 13: Azure Landing Zones' Defender initiative is known by the set it assigns
 * (not by a `Deploy-…` assignment name), and its finding lists each parameter that differs from
 * the spec, with its value and the spec's; parameters that agree are not listed.
 */
import { plan } from "../../src/core";
import { parseInventory } from "../../src/inventory/load";
import { ownerOf } from "../../src/capabilities/defender-plans";
import { defenderSpec, inv, P2_IN_PLACE, SUB, SUB2 } from "./defender.fixtures";

const ALZ_SET = "/providers/Microsoft.Management/managementGroups/alz/providers/Microsoft.Authorization/policySetDefinitions/Deploy-MDFC-Config_20240319";
const PLANS = "coexisting-plans-assignment";

const assignment = (name: string, definition: string, parameters?: Record<string, unknown>) => ({
  id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/${name}`,
  name,
  policyDefinitionId: definition,
  scope: `/subscriptions/${SUB}`,
  identityPrincipalId: "00000000-0000-4000-8000-000000000001",
  ...(parameters ? { parameters } : {}),
});

/** Every switch and option of the initiative this spec decides, as the spec asks. */
const AGREEING = {
  enableAscForServers: "DeployIfNotExists",
  ascForServersSubPlan: "P2",
  ascForServersIsAgentlessVmScanningEnabled: "true",
  ascForServersIsMdeDesignatedSubscriptionEnabled: "false",
  enableAscForServersVulnerabilityAssessments: "DeployIfNotExists",
  vulnerabilityAssessmentProvider: "mdeTvm",
  enableAscForContainers: "DeployIfNotExists",
  enableAscForKeyVault: "Disabled",
};

const SPEC = { servers: { plan: "P2" as const }, containers: { enabled: true }, plans: { KeyVaults: { enabled: false } } };

function plansFinding(parameters: Record<string, unknown> | undefined, name = "Deploy-MDFC-Config-H224", definition = ALZ_SET) {
  const p = plan(defenderSpec(SPEC), inv([], P2_IN_PLACE, { policyAssignments: [assignment(name, definition, parameters)] }));
  return p.findings.find((f) => f.code === PLANS);
}

describe("ALZ's Defender initiative: which parameters differ from the spec (user trial 20, item 13)", () => {
  it("lists each differing parameter with its value and the spec's field and value", () => {
    const f = plansFinding({ ...AGREEING, enableAscForContainers: "Disabled", ascForServersSubPlan: "P1", enableAscForKeyVault: "DeployIfNotExists", ascForServersIsAgentlessVmScanningEnabled: "false" });
    expect(f?.severity).toBe("warning");
    expect(f?.message).toContain(
      "Its parameters that differ from this spec: ascForServersSubPlan: P1, spec: defender.servers.plan P2; " +
        "ascForServersIsAgentlessVmScanningEnabled: false, spec: defender.servers.agentlessScanning.enabled true; " +
        "enableAscForContainers: Disabled, spec: defender.containers.enabled true; " +
        "enableAscForKeyVault: DeployIfNotExists, spec: defender.plans.KeyVaults.enabled false.",
    );
    // Those that agree are not listed.
    expect(f?.message).not.toMatch(/enableAscForServers:|vulnerabilityAssessmentProvider:/);
    expect(f?.message).toMatch(/Align its parameters with the spec, or exclude this subscription from it\.$/);
  });

  it("parameters that all agree: none listed, the finding says they agree", () => {
    const f = plansFinding(AGREEING);
    expect(f?.message).toContain(`Its parameters this spec decides agree with it (${Object.keys(AGREEING).join(", ")}).`);
    expect(f?.message).not.toContain("Its parameters that differ");
    // Nothing to align today: what each run undoes is a later change.
    expect(f?.message).toMatch(/they agree today, but a later change on either side .* is undone by the other's next run\. Change both together, or exclude this subscription from it\.$/);
    expect(f?.message).not.toContain("Align its parameters");
  });

  it("a parameter the assignment does not give takes the set's default, and says so", () => {
    const { enableAscForContainers: _dropped, ...rest } = AGREEING;
    const f = plansFinding({ ...rest, enableAscForKeyVault: "Disabled" }, "Deploy-MDFC-Config-H224");
    expect(f?.message).not.toContain("Its parameters that differ");
    expect(f?.message).toContain("; not given, the set's default: enableAscForContainers.");
    const off = plan(defenderSpec({ ...SPEC, containers: { enabled: false } }), inv([], P2_IN_PLACE, { policyAssignments: [assignment("Deploy-MDFC-Config-H224", ALZ_SET, rest)] }));
    expect(off.findings.find((x) => x.code === PLANS)?.message).toContain(
      "Its parameters that differ from this spec: enableAscForContainers: DeployIfNotExists (not given: the set's default), spec: defender.containers.enabled false.",
    );
  });

  it("direct onboarding: the designated subscription's flag is compared per subscription", () => {
    const spec = defenderSpec({ servers: { plan: "P2", directOnboarding: { subscription: SUB2 } } }, {}, [SUB, SUB2]);
    const p = plan(spec, inv([], P2_IN_PLACE, { policyAssignments: [assignment("Deploy-MDFC-Config-H224", ALZ_SET, { ...AGREEING, ascForServersIsMdeDesignatedSubscriptionEnabled: "true" })] }));
    expect(p.findings.find((f) => f.code === PLANS)?.message).toContain(
      `Its parameters that differ from this spec: ascForServersIsMdeDesignatedSubscriptionEnabled: true, spec: defender.servers.directOnboarding.subscription ${SUB2}.`,
    );
  });

  it("known by the set it assigns, whatever the assignment's name", () => {
    const f = plansFinding({ ...AGREEING, enableAscForServers: "Disabled" }, "mdfc-root");
    expect(f?.message).toMatch(/^Azure Landing Zones \(mdfc-root\) assigns a Defender configuration/);
    expect(f?.message).toContain("enableAscForServers: Disabled, spec: defender.servers.plan P2");
  });

  it("a `Deploy-…` assignment of another set is not taken for ALZ's", () => {
    const foo = assignment("Deploy-Foo", `/subscriptions/${SUB}/providers/Microsoft.Authorization/policySetDefinitions/Deploy-Foo`);
    expect(ownerOf(foo).owner).toBe("other");
    const p = plan(defenderSpec(SPEC), inv([], P2_IN_PLACE, { policyAssignments: [foo] }));
    expect(p.findings.filter((f) => f.code === PLANS)).toEqual([]);
    // ALZ's assignment names with the wrong definition are not ALZ's either.
    expect(ownerOf(assignment("Deploy-MDEndpoints", "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7")).owner).toBe("other");
    expect(ownerOf(assignment("Deploy-MDEndpoints", "/providers/Microsoft.Authorization/policySetDefinitions/e20d08c5-6d64-656d-6465-ce9e37fd0ebc")).owner).toBe("alz");
  });
});

describe("the inventory holds an assignment's parameters", () => {
  it("as `{ name: value }`, Azure's `{ name: { value } }` read the same", () => {
    const parsed = parseInventory({
      version: 1,
      subscriptions: [{ id: SUB }],
      policyAssignments: [assignment("Deploy-MDFC-Config-H224", ALZ_SET, { enableAscForServers: { value: "Disabled" }, ascForServersSubPlan: "P1", ascForStorageCapGBPerMonthPerStorageAccount: 5000 })],
    });
    expect(parsed.policyAssignments[0]!.parameters).toEqual({ enableAscForServers: "Disabled", ascForServersSubPlan: "P1", ascForStorageCapGBPerMonthPerStorageAccount: 5000 });
  });
});
