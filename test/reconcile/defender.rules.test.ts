/**
 * Issue 14: the subscription-level rules of Defender (plans field by field, deprecated sub-plans,
 * agentless scanning shared with CSPM, the integration's settings, the vulnerability-assessment
 * provider), coexistence with other owners' assignments, one source of truth with
 * logAnalyticsAgent.defender, and the SecurityEvent table a rule with security events needs.
 */
import { plan, stepsOf } from "../../src/core";
import type { InventoryPlanPricing, InventoryPolicyAssignment } from "../../src/inventory/schema";
import { ValidationError } from "../../src/spec";
import { parseSpec } from "../../src/spec/validate";
import { defaultWorkspace, inventory, machine, spec, workspace } from "../helpers/fixtures";
import { RECOMMENDED_MONITORED_ENTITIES, fimRulesValue } from "../../src/capabilities/defender-plans/fimRules";
import { defenderSpec, inv, P2, P2_IN_PLACE, settings, SUB, SUB2 } from "./defender.fixtures";

const TENANT_ROOT = "00000000-0000-4000-8000-0000000000aa";
const VM_PRICING = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`;

describe("Defender plans, field by field", () => {
  it("a new subscription: the plan with every component, each field named", () => {
    const p = plan(defenderSpec(P2), inv([], settings()));
    const [step] = stepsOf(p, "set-defender-plan");
    expect(step!.target).toBe(VM_PRICING);
    expect(step!.details).toMatchObject({
      plan: "VirtualMachines",
      pricingTier: "Standard",
      subPlan: "P2",
      enforce: "False",
      extensions: [
        { name: "MdeDesignatedSubscription", isEnabled: "False" },
        { name: "AgentlessVmScanning", isEnabled: "True" },
        { name: "FileIntegrityMonitoring", isEnabled: "False" },
      ],
    });
    expect(step!.details.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`)).toEqual([
      "VirtualMachines.pricingTier: Free → Standard",
      "VirtualMachines.subPlan: (none) → P2",
      "VirtualMachines.AgentlessVmScanning: off → on",
    ]);
  });

  it("P1 → P2: only the fields that differ, in the step's label", () => {
    const p1 = settings({ ...P2_IN_PLACE, plans: { VirtualMachines: { pricingTier: "Standard", subPlan: "P1", extensions: [{ name: "MdeDesignatedSubscription", isEnabled: "False" }] } } });
    const p = plan(defenderSpec(P2), inv([], p1));
    const [step] = stepsOf(p, "set-defender-plan");
    expect(step!.details.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`)).toEqual(["VirtualMachines.subPlan: P1 → P2", "VirtualMachines.AgentlessVmScanning: off → on"]);
  });

  it("P2 → P1: the P2 features Azure turns off with it are in the step's changes, with a warning (user trial 18b)", () => {
    // P2 as Defender leaves it, with file integrity monitoring turned on too.
    const vm = P2_IN_PLACE.plans!.VirtualMachines!;
    const p2 = settings({ ...P2_IN_PLACE, plans: { VirtualMachines: { ...vm, extensions: vm.extensions!.map((e) => ({ ...e, isEnabled: e.name === "MdeDesignatedSubscription" ? "False" : "True" })) } } });
    const p = plan(defenderSpec({ servers: { plan: "P1" } }), inv([], p2));
    const [step] = stepsOf(p, "set-defender-plan");
    expect(step!.details.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`)).toEqual([
      "VirtualMachines.subPlan: P2 → P1",
      "VirtualMachines.AgentlessVmScanning: on → off (not in P1)",
      "VirtualMachines.FileIntegrityMonitoring: on → off (not in P1)",
    ]);
    const warning = p.findings.find((f) => f.code === "sub-plan-drops-features");
    expect(warning).toMatchObject({ severity: "warning", target: VM_PRICING });
    expect(warning!.message).toContain("turns off AgentlessVmScanning, FileIntegrityMonitoring");
    // Applied (Azure dropped them): P1 with its own extension only; the next plan is empty.
    const after = settings({ ...P2_IN_PLACE, plans: { VirtualMachines: { pricingTier: "Standard", subPlan: "P1", extensions: [{ name: "MdeDesignatedSubscription", isEnabled: "False" }] } } });
    expect(plan(defenderSpec({ servers: { plan: "P1" } }), inv([], after)).steps).toEqual([]);
  });

  it("machines the spec excludes: a finding says Defender still covers and bills them while the plan is on (user trial 18b)", () => {
    const machines = [machine("vm-1"), machine("vm-2", { tags: { provisioning: "skip" } })];
    const excluding = (servers: "P1" | "P2" | "Off") => plan(defenderSpec({ servers: { plan: servers } }, { exclude: { machineTags: { provisioning: "skip" } } }), inv(machines));
    const on = excluding("P2").findings.find((f) => f.code === "excluded-machines-still-covered");
    expect(on?.message).toMatch(/^The 1 machine\(s\) the spec's exclusions leave alone are in subscriptions whose Defender for Servers plan is P2: Defender still covers and bills them/);
    expect(excluding("Off").findings.map((f) => f.code)).not.toContain("excluded-machines-still-covered");
    // Nothing excluded: nothing said.
    expect(plan(defenderSpec({ servers: { plan: "P2" } }), inv(machines)).findings.map((f) => f.code)).not.toContain("excluded-machines-still-covered");
  });

  it("nothing when the subscription has what the spec asks (exclusion tags compared as a set)", () => {
    const tagged = { servers: { plan: "P2" as const, agentlessScanning: { exclusionTags: { b: "2", a: "1" } } } };
    const live = settings({
      ...P2_IN_PLACE,
      plans: {
        VirtualMachines: {
          ...P2_IN_PLACE.plans!.VirtualMachines!,
          extensions: [
            { name: "MdeDesignatedSubscription", isEnabled: "False" },
            { name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: { ExclusionTags: "[{'Key':'a','Value':'1'},{'Key':'b','Value':'2'}]" } },
            { name: "FileIntegrityMonitoring", isEnabled: "False" },
          ],
        },
      },
    });
    expect(plan(defenderSpec(tagged), inv([], live)).steps).toEqual([]);
  });

  it("file integrity monitoring with its workspace; direct onboarding only on the designated subscription", () => {
    const ws = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-fim`;
    const s = defenderSpec({ servers: { plan: "P2", fileIntegrityMonitoring: { enabled: true, workspace: { id: ws } }, directOnboarding: { subscription: SUB2 } } }, {}, [SUB, SUB2]);
    const p = plan(s, inventory({ settings: { [SUB]: P2_IN_PLACE, [SUB2]: P2_IN_PLACE } }, "2020-01-01", [SUB, SUB2]));
    const bySub = new Map(stepsOf(p, "set-defender-plan").map((st) => [st.details.subscriptionId, st.details.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`)]));
    expect(bySub.get(SUB)).toEqual(["VirtualMachines.FileIntegrityMonitoring: off → on"]);
    expect(bySub.get(SUB2)).toEqual(["VirtualMachines.MdeDesignatedSubscription: off → on", "VirtualMachines.FileIntegrityMonitoring: off → on"]);
    const fim = stepsOf(p, "set-defender-plan")[0]!.details.extensions.find((e) => e.name === "FileIntegrityMonitoring");
    expect(fim).toEqual({ name: "FileIntegrityMonitoring", isEnabled: "True", additionalExtensionProperties: { DefinedWorkspaceId: ws.toLowerCase(), Rules: fimRulesValue(RECOMMENDED_MONITORED_ENTITIES) } });
  });

  it("file integrity monitoring's rules: the recommended items by default, the spec's when given; compared by what they watch, shown as counts", () => {
    const ws = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-fim`;
    const watching = (rules: string) => settings({ plans: { VirtualMachines: { ...P2_IN_PLACE.plans!.VirtualMachines!, extensions: [{ name: "FileIntegrityMonitoring", isEnabled: "True", additionalExtensionProperties: { DefinedWorkspaceId: ws, Rules: rules } }] } } });
    const mine = { windowsFiles: [], linuxFiles: ["/etc/passwd", "/etc/shadow"], windowsRegistry: [] };
    const spec = (monitoredEntities?: typeof mine) => defenderSpec({ servers: { plan: "P2", fileIntegrityMonitoring: { enabled: true, workspace: { id: ws }, ...(monitoredEntities ? { monitoredEntities } : {}) } } });
    const fimChanges = (s: ReturnType<typeof spec>, live: ReturnType<typeof settings>) =>
      stepsOf(plan(s, inv([], live)), "set-defender-plan").flatMap((st) => st.details.changes.filter((c) => c.field.startsWith("VirtualMachines.FileIntegrityMonitoring")).map((c) => `${c.field}: ${c.from} → ${c.to}`));
    // The same paths in another order, another case and under another rule id: nothing to do.
    const reordered = JSON.stringify([{ RuleId: "00000000-0000-0000-0000-000000000000", MonitoredEntities: { LinuxFiles: [{ Path: "/ETC/SHADOW" }, { Path: "/etc/passwd" }] } }]);
    expect(fimChanges(spec(mine), watching(reordered))).toEqual([]);
    expect(fimChanges(spec(), watching(reordered))).toEqual([
      `VirtualMachines.FileIntegrityMonitoring.Rules: 2 paths (0 Windows files, 2 Linux files, 0 registry keys) → 34 paths (8 Windows files, 18 Linux files, 8 registry keys)`,
    ]);
    expect(fimChanges(spec(), watching(fimRulesValue(RECOMMENDED_MONITORED_ENTITIES)))).toEqual([]);
    const sent = stepsOf(plan(spec(mine), inv([], watching(fimRulesValue(RECOMMENDED_MONITORED_ENTITIES)))), "set-defender-plan")[0]!.details.extensions.find((e) => e.name === "FileIntegrityMonitoring");
    expect(JSON.parse(sent!.additionalExtensionProperties!["Rules"]!)).toEqual([{ RuleId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-/), MonitoredEntities: { WindowsFiles: [], LinuxFiles: [{ Path: "/etc/passwd" }, { Path: "/etc/shadow" }], Registries: [] } }]);
  });

  it("Containers and another plan; a deprecated sub-plan in place is moved to its successor, with a warning", () => {
    const live = settings({ plans: { KeyVaults: { pricingTier: "Standard", subPlan: "PerTransaction" } } });
    const p = plan(defenderSpec({ containers: { enabled: true }, plans: { KeyVaults: { enabled: true } } }), inv([], live));
    const changes = stepsOf(p, "set-defender-plan").map((st) => st.details.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`));
    expect(changes).toEqual([
      ["Containers.pricingTier: Free → Standard", "Containers.ContainerSensor: off → on", "Containers.AgentlessDiscoveryForKubernetes: off → on", "Containers.ContainerRegistriesVulnerabilityAssessments: off → on"],
      ["KeyVaults.subPlan: PerTransaction → PerKeyVault"],
    ]);
    expect(p.findings.find((f) => f.code === "deprecated-sub-plan")!.message).toBe("KeyVaults is on the deprecated sub-plan PerTransaction, which Azure no longer accepts (InvalidInputError): it is moved to PerKeyVault.");
  });

  it("agentless scanning off for P2 while CSPM keeps it on: no write that would be undone, a warning instead", () => {
    const live = settings({ ...P2_IN_PLACE, plans: { ...P2_IN_PLACE.plans, CloudPosture: { pricingTier: "Standard", extensions: [{ name: "AgentlessVmScanning", isEnabled: "True" }] } } });
    const p = plan(defenderSpec({ servers: { plan: "P2", agentlessScanning: { enabled: false } } }), inv([], live));
    expect(stepsOf(p, "set-defender-plan")).toEqual([]);
    expect(p.findings.map((f) => f.code)).toContain("agentless-scanning-kept-by-cspm");
    // The advice names the field that says it (user trial 20, item 6).
    expect(p.findings.find((f) => f.code === "agentless-scanning-kept-by-cspm")!.message).toContain("defender.plans.CloudPosture.extensions.AgentlessVmScanning: { enabled: false }");
  });

  it("agentless scanning off for P2 while the spec turns CSPM on without naming it: CSPM turns it on, so the warning is there", () => {
    const p = plan(defenderSpec({ servers: { plan: "P2", agentlessScanning: { enabled: false } }, plans: { CloudPosture: { enabled: true } } }), inv([], P2_IN_PLACE));
    expect(p.findings.map((f) => f.code)).toContain("agentless-scanning-kept-by-cspm");
    expect(stepsOf(p, "set-defender-plan").map((st) => st.details.plan)).toEqual(["CloudPosture"]);
  });

  it("agentless scanning off for both P2 and CSPM: both written, no warning (user trial 20, item 6)", () => {
    const live = settings({ ...P2_IN_PLACE, plans: { ...P2_IN_PLACE.plans, CloudPosture: CSPM_DEFAULTS } });
    const p = plan(defenderSpec({ servers: { plan: "P2", agentlessScanning: { enabled: false } }, plans: { CloudPosture: { enabled: true, extensions: { AgentlessVmScanning: { enabled: false } } } } }), inv([], live));
    expect(stepsOf(p, "set-defender-plan").map((st) => st.details.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`))).toEqual([
      ["VirtualMachines.AgentlessVmScanning: on → off"],
      ["CloudPosture.AgentlessVmScanning: on → off"],
    ]);
    expect(p.findings.map((f) => f.code).filter((c) => c.startsWith("agentless-scanning-kept"))).toEqual([]);
  });

  it("agentless scanning off for CSPM while P2 keeps it on: no write that would be undone, a warning naming Servers' field", () => {
    const live = settings({ ...P2_IN_PLACE, plans: { ...P2_IN_PLACE.plans, CloudPosture: CSPM_DEFAULTS } });
    const p = plan(defenderSpec({ plans: { CloudPosture: { enabled: true, extensions: { AgentlessVmScanning: { enabled: false } } } } }), inv([], live));
    expect(stepsOf(p, "set-defender-plan")).toEqual([]);
    const warning = p.findings.find((f) => f.code === "agentless-scanning-kept-by-servers");
    expect(warning).toMatchObject({ severity: "warning", target: VM_PRICING });
    expect(warning!.message).toContain("defender.servers.agentlessScanning: { enabled: false }");
  });

  it("with defender.servers, the old set-pricing is not planned: one source of truth", () => {
    const s = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma" }, defender: P2 });
    const p = plan(s, inv([], settings()));
    expect(stepsOf(p, "set-pricing")).toEqual([]);
    expect(stepsOf(p, "set-defender-plan")).toHaveLength(1);
  });
});

/** Defender CSPM as Azure turns it on: every component but Entra permissions management. */
const CSPM_DEFAULTS: InventoryPlanPricing = {
  pricingTier: "Standard",
  extensions: [
    { name: "AgentlessVmScanning", isEnabled: "True" },
    { name: "SensitiveDataDiscovery", isEnabled: "True" },
    { name: "ContainerRegistriesVulnerabilityAssessments", isEnabled: "True" },
    { name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" },
    { name: "EntraPermissionsManagement", isEnabled: "False" },
  ],
};

describe("the extensions of CSPM and Storage (user trial 20, item 6)", () => {
  const STORAGE_PRICING = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/StorageAccounts`;
  const storage = (onUpload: "True" | "False", cap = "5000"): InventoryPlanPricing => ({
    pricingTier: "Standard",
    subPlan: "DefenderForStorageV2",
    extensions: [
      { name: "OnUploadMalwareScanning", isEnabled: onUpload, ...(onUpload === "True" ? { additionalExtensionProperties: { CapGBPerMonthPerStorageAccount: cap } } : {}) },
      { name: "SensitiveDataDiscovery", isEnabled: "True" },
    ],
  });
  const changesOf = (p: ReturnType<typeof plan>) => stepsOf(p, "set-defender-plan").map((st) => st.details.changes.map((c) => `${c.field}: ${c.from} → ${c.to}`));

  it("each named extension is planned field by field; the PUT carries only those, so the others keep what they have", () => {
    const live = settings({ plans: { CloudPosture: CSPM_DEFAULTS, StorageAccounts: storage("True") } });
    const p = plan(
      defenderSpec({
        plans: {
          CloudPosture: { enabled: true, extensions: { SensitiveDataDiscovery: { enabled: false }, EntraPermissionsManagement: { enabled: true }, AgentlessDiscoveryForKubernetes: { enabled: true } } },
          StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2", extensions: { OnUploadMalwareScanning: { enabled: true, capGBPerMonthPerStorageAccount: 1000 } } },
        },
      }),
      inv([], live),
    );
    expect(changesOf(p)).toEqual([
      ["CloudPosture.SensitiveDataDiscovery: on → off", "CloudPosture.EntraPermissionsManagement: off → on"],
      ["StorageAccounts.OnUploadMalwareScanning.CapGBPerMonthPerStorageAccount: 5000 → 1000"],
    ]);
    const [cspm, stor] = stepsOf(p, "set-defender-plan");
    expect(cspm!.details.extensions).toEqual([
      { name: "SensitiveDataDiscovery", isEnabled: "False" },
      { name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" },
      { name: "EntraPermissionsManagement", isEnabled: "True" },
    ]);
    expect(stor!.target).toBe(STORAGE_PRICING);
    expect(stor!.details.extensions).toEqual([{ name: "OnUploadMalwareScanning", isEnabled: "True", additionalExtensionProperties: { CapGBPerMonthPerStorageAccount: "1000" } }]);
  });

  it("an extension turned off in the portal that the spec names on is drift: planned back on", () => {
    const p = plan(defenderSpec({ plans: { StorageAccounts: { enabled: true, extensions: { OnUploadMalwareScanning: { enabled: true } } } } }), inv([], settings({ plans: { StorageAccounts: storage("False") } })));
    expect(changesOf(p)).toEqual([["StorageAccounts.OnUploadMalwareScanning: off → on"]]);
  });

  it("CSPM's exclusion tags are its own, compared as Servers' are", () => {
    const tagged = { ...CSPM_DEFAULTS, extensions: CSPM_DEFAULTS.extensions!.map((e) => (e.name === "AgentlessVmScanning" ? { ...e, additionalExtensionProperties: { ExclusionTags: "[{'Key':'scan','Value':'no'}]" } } : e)) };
    const spec = (tags: Record<string, string>) => defenderSpec({ plans: { CloudPosture: { enabled: true, extensions: { AgentlessVmScanning: { enabled: true, exclusionTags: tags } } } } });
    expect(changesOf(plan(spec({ scan: "no" }), inv([], settings({ plans: { CloudPosture: tagged } }))))).toEqual([]);
    expect(changesOf(plan(spec({ scan: "never" }), inv([], settings({ plans: { CloudPosture: tagged } }))))).toEqual([
      ['CloudPosture.AgentlessVmScanning.ExclusionTags: [{\'Key\':\'scan\',\'Value\':\'no\'}] → [{"key":"scan","value":"never"}]'],
    ]);
  });

  it("a plan the spec names without extensions plans none of them", () => {
    const p = plan(defenderSpec({ plans: { StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2" } } }), inv([], settings({ plans: { StorageAccounts: storage("False") } })));
    expect(changesOf(p)).toEqual([]);
  });

});

describe("the Defender for Endpoint integration and the vulnerability-assessment provider", () => {
  it("WDATP and its companions, WDATP first; then the provider MdeTvm", () => {
    const p = plan(defenderSpec({ servers: { plan: "P1", endpointProtection: { linux: false } } }), inv([], settings({ securitySettings: { WDATP: false } })));
    const steps = stepsOf(p, "set-security-setting");
    expect(steps.map((s) => `${s.details.name}: ${String(s.details.from)} → ${String(s.details.enabled)}`)).toEqual([
      "WDATP: false → true",
      "WDATP_UNIFIED_SOLUTION: null → true",
      "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: null → true",
    ]);
    expect(steps[1]!.dependsOn).toEqual([steps[0]!.id]);
    expect(stepsOf(p, "set-va-setting").map((s) => s.details)).toEqual([{ subscriptionId: SUB, selectedProvider: "MdeTvm", from: null }]);
  });

  it("provider none never rolls MdeTvm back: a finding says so", () => {
    const p = plan(defenderSpec({ servers: { plan: "P1", vulnerabilityAssessment: "none" } }), inv([], P2_IN_PLACE));
    expect(stepsOf(p, "set-va-setting")).toEqual([]);
    expect(p.findings.map((f) => f.code)).toContain("vulnerability-assessment-provider-kept");
  });

  it("with the plan off, no setting is written", () => {
    const p = plan(defenderSpec({ servers: { plan: "Off" } }), inv([], settings()));
    expect(p.steps.map((s) => s.action)).toEqual([]);
  });
});

describe("coexistence with other owners' assignments", () => {
  const assignment = (name: string, definition: string, extra = {}) => ({
    id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/${name}`,
    name,
    policyDefinitionId: definition,
    scope: `/subscriptions/${SUB}`,
    identityPrincipalId: "00000000-0000-4000-8000-000000000001",
    ...extra,
  });

  it("ALZ's Deploy-MDFC-Config: a warning naming it and what to align; Defender's own MDE assignment: an info", () => {
    const alz = { ...assignment("Deploy-MDFC-Config-H224", "/providers/Microsoft.Management/managementGroups/alz/providers/Microsoft.Authorization/policySetDefinitions/Deploy-MDFC-Config_20240319"), scope: "/providers/Microsoft.Management/managementGroups/alz" };
    const defender = assignment("ASC-MDE", "/providers/Microsoft.Authorization/policySetDefinitions/e20d08c5-6d64-656d-6465-ce9e37fd0ebc", { assignedBy: "Security Center" });
    const p = plan(defenderSpec(P2), inv([], P2_IN_PLACE, { policyAssignments: [alz, defender], subscriptions: [{ id: SUB, managementGroupAncestors: ["landing-zones", "alz", TENANT_ROOT] }] }));
    const plans = p.findings.find((f) => f.code === "coexisting-plans-assignment")!;
    expect(plans.severity).toBe("warning");
    expect(plans.message).toMatch(/^Azure Landing Zones \(Deploy-MDFC-Config-H224\) assigns a Defender configuration, which deploys Defender plans, at \/providers\/Microsoft.Management\/managementGroups\/alz \(for 1 subscription\(s\) of this plan: 11111111-1111-1111-1111-111111111111\)\. Its parameters this spec decides agree with it \(enableAscForServers, ascForServersSubPlan, .*\): the assignment gives none of them, the set's defaults apply\. Its remediation sets plans too/);
    const mde = p.findings.find((f) => f.code === "coexisting-endpoint-assignment")!;
    expect(mde.message).toMatch(/^Defender for Cloud \(ASC-MDE\) assigns "Deploy Defender for Endpoint agent", which deploys Defender for Endpoint/);
    expect(p.steps.filter((s) => s.action === "assign-policy")).toEqual([]);
  });

  describe("a management group's assignment applies only under that group", () => {
    const group = (name: string, extra = {}) => ({
      ...assignment(name, "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7", extra),
      id: `/providers/Microsoft.Management/managementGroups/sandbox-unrelated/providers/Microsoft.Authorization/policyAssignments/${name}`,
      scope: "/providers/Microsoft.Management/managementGroups/sandbox-unrelated",
    });
    const alz = {
      ...assignment("Deploy-MDFC-Config-H224", "/providers/Microsoft.Management/managementGroups/alz/providers/Microsoft.Authorization/policySetDefinitions/Deploy-MDFC-Config_20240319"),
      id: "/providers/Microsoft.Management/managementGroups/sandbox-unrelated/providers/Microsoft.Authorization/policyAssignments/Deploy-MDFC-Config-H224",
      scope: "/providers/Microsoft.Management/managementGroups/sandbox-unrelated",
    };
    const cluster = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-1`;
    const run = (ancestors: string[] | undefined, assignments: InventoryPolicyAssignment[] = [alz, group("aks-addon")]) =>
      plan(
        defenderSpec({ ...P2, containers: { enabled: true } }),
        inventory({
          subscriptions: [{ id: SUB, onboardedAt: "2020-01-01", ...(ancestors ? { managementGroupAncestors: ancestors } : {}) }],
          clusters: [{ id: cluster, location: "westeurope", addons: {} }],
          policyAssignments: assignments,
          settings: { [SUB]: settings() },
        }),
      );
    const coexisting = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code.startsWith("coexisting-"));

    it("at a group the subscription is not under: no finding, and the add-on is enabled here", () => {
      const p = run(["corp", TENANT_ROOT]);
      expect(coexisting(p)).toEqual([]);
      expect(stepsOf(p, "enable-cluster-addon")).toHaveLength(1);
    });

    it("at one of the subscription's ancestors: found, the add-on left to it", () => {
      const p = run(["team-a", "Sandbox-Unrelated", TENANT_ROOT]);
      expect(coexisting(p).map((f) => [f.code, f.severity])).toEqual([
        ["coexisting-plans-assignment", "warning"],
        ["coexisting-kubernetesPolicyAddon-assignment", "info"],
      ]);
      expect(stepsOf(p, "enable-cluster-addon")).toEqual([]);
    });

    it("notScopes leaving out a group above the subscription: it does not apply", () => {
      const notScopes = ["/providers/Microsoft.Management/managementGroups/team-a"];
      const p = run(["team-a", "sandbox-unrelated", TENANT_ROOT], [{ ...alz, notScopes }, group("aks-addon", { notScopes })]);
      expect(coexisting(p)).toEqual([]);
      expect(stepsOf(p, "enable-cluster-addon")).toHaveLength(1);
    });

    it("the subscription's ancestors not recorded: taken to apply, a warning saying it is not known", () => {
      const p = run(undefined);
      const found = coexisting(p);
      expect(found.map((f) => f.severity)).toEqual(["warning", "warning"]);
      for (const f of found) expect(f.message).toContain(`Whether it applies to subscription ${SUB} is not known: the inventory does not record the management groups above it`);
      expect(stepsOf(p, "enable-cluster-addon")).toEqual([]);
      expect(p.clusters![0]!.components["kubernetesPolicyAddon"]!.reason).toContain("at a management group that may be above this subscription");
    });
  });

  it("a user's Azure Policy add-on assignment: the add-on is left to it, no second deployment", () => {
    const cluster = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-1`;
    const users = assignment("team-aks-policy", "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7", { displayName: "AKS policy add-on (platform team)" });
    const p = plan(defenderSpec({ containers: { enabled: true } }), inventory({ clusters: [{ id: cluster, location: "westeurope", addons: {} }], policyAssignments: [users], settings: { [SUB]: settings() } }));
    expect(p.clusters![0]!.components["kubernetesPolicyAddon"]!.reason).toMatch(/^The Azure Policy add-on is deployed by a policy assignment of another owner \(AKS policy add-on \(platform team\)\)/);
    expect(stepsOf(p, "enable-cluster-addon")).toEqual([]);
    expect(p.findings.map((f) => f.code)).toContain("coexisting-kubernetesPolicyAddon-assignment");
  });

  describe("another owner's assignment of a8eff44f beside this tool's own asc-k8s-policy-addon (user trial 20, item 12)", () => {
    const AKS_ADDON = "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7";
    const cluster = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-1`;
    const ours = assignment("asc-k8s-policy-addon", AKS_ADDON, { identityPrincipalId: "00000000-0000-4000-8000-0000000000c1" });
    const defenders = assignment("ASC-AKS-Policy-Addon", AKS_ADDON, { assignedBy: "Security Center", displayName: "ASC provisioning Azure Policy add-on for Kubernetes" });
    const group = "/providers/Microsoft.Management/managementGroups/landing-zones";
    const alzAbove = { ...assignment("Deploy-AKS-Policy", AKS_ADDON), id: `${group}/providers/Microsoft.Authorization/policyAssignments/Deploy-AKS-Policy`, scope: group };
    const run = (assignments: InventoryPolicyAssignment[], ancestors: string[] | null = ["landing-zones", TENANT_ROOT]) =>
      plan(
        defenderSpec({ containers: { enabled: true } }, { extensions: { kubernetesPolicyAddon: true } }),
        inventory({
          subscriptions: [{ id: SUB, onboardedAt: "2020-01-01", ...(ancestors ? { managementGroupAncestors: ancestors } : {}) }],
          clusters: [{ id: cluster, location: "westeurope", addons: {} }],
          policyAssignments: assignments,
          settings: { [SUB]: settings() },
        }),
      );

    it("Defender's at the subscription: this tool's own is removed, none made; the cluster is left to Defender's", () => {
      const p = run([ours, defenders]);
      expect(stepsOf(p, "unassign-policy").map((s) => s.target)).toEqual([ours.id]);
      expect(stepsOf(p, "assign-policy")).toEqual([]);
      expect(stepsOf(p, "enable-cluster-addon")).toEqual([]);
      expect(p.clusters![0]!.components["kubernetesPolicyAddon"]!.reason).toMatch(/^The Azure Policy add-on is deployed by a policy assignment of Defender for Cloud \(ASC provisioning Azure Policy add-on for Kubernetes\)/);
      const removed = p.findings.find((f) => f.code === "policy-assigned-by-others")!;
      expect(removed.target).toBe(ours.id);
      expect(removed.message).toMatch(/^Defender for Cloud \(ASC provisioning Azure Policy add-on for Kubernetes\) assigns ".*" at \/subscriptions\/.* this tool removes its own assignment there \(asc-k8s-policy-addon\), as two assignments of one definition would deploy the add-on twice/);
    });

    it("ALZ's at a management group above: this tool's own is removed and no remediation of it started; without ours, none is made", () => {
      const p = run([ours, alzAbove]);
      expect(stepsOf(p, "unassign-policy").map((s) => s.target)).toEqual([ours.id]);
      expect(p.steps.filter((s) => s.action !== "unassign-policy" && s.action !== "set-defender-plan")).toEqual([]);
      const fresh = run([alzAbove]);
      expect(stepsOf(fresh, "assign-policy")).toEqual([]);
      expect(fresh.findings.find((f) => f.code === "policy-assigned-by-others")!.message).toContain("this tool makes no assignment of its own there");
    });

    it("not removed on a guess (the subscription's ancestors unknown), nor for one without an identity", () => {
      expect(stepsOf(run([ours, alzAbove], null), "unassign-policy")).toEqual([]);
      expect(stepsOf(run([ours, { ...defenders, identityPrincipalId: null }]), "unassign-policy")).toEqual([]);
    });
  });

  it("Guest Configuration's initiative assigned by someone else: reported; the same extension name keeps them apart", () => {
    const other = assignment("gc-prereqs", "/providers/Microsoft.Authorization/policySetDefinitions/12794019-7a00-42cf-95c2-882eed337cc8");
    const p = plan(defenderSpec({ servers: { plan: "P2", guestConfiguration: true } }), inv([machine("vm-1")], P2_IN_PLACE, { policyAssignments: [other] }));
    expect(p.findings.find((f) => f.code === "coexisting-guestConfiguration-assignment")!.message).toContain("installs the same extension under the same name");
  });
});

describe("one source of truth: logAnalyticsAgent.defender and defender.servers", () => {
  const bad = (input: unknown) => {
    try {
      parseSpec(input);
    } catch (err) {
      if (err instanceof ValidationError) return err.issues;
    }
    throw new Error("accepted");
  };

  it("contradicting: refused, naming both fields", () => {
    expect(bad({ subscriptions: [SUB], logAnalyticsAgent: { defender: false }, defender: { servers: { plan: "P2" } } })).toEqual([
      {
        path: "logAnalyticsAgent.defender",
        message: 'false contradicts defender.servers.plan "P2": defender.servers is the one source of truth, so remove logAnalyticsAgent.defender (or set the plan to Off)',
      },
    ]);
  });

  it("only the new section: the old switch follows its plan", () => {
    expect(parseSpec({ subscriptions: [SUB], defender: { servers: { plan: "Off" } } }).logAnalyticsAgent.defender).toBe(false);
    expect(parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { defender: true }, defender: { servers: { plan: "P1" } } }).logAnalyticsAgent.defender).toBe(true);
  });
});

describe("the SecurityEvent table of a rule with security events (agent ama)", () => {
  it("a kept workspace whose tier the new rule reproduces gets the Security solution first", () => {
    const ws = workspace("law-ops", "cccccccc-0000-0000-0000-000000000001", { solutions: ["SecurityCenterFree"], securityEvents: { tier: "Common", owner: "securityCenter" } });
    const m = machine("vm-1", { extensions: [{ publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "MicrosoftMonitoringAgent", version: "1.0", name: "MicrosoftMonitoringAgent", workspaceCustomerId: ws.customerId }] });
    const p = plan(spec({ agent: "ama" }), inventory({ machines: [m], workspaces: [ws, defaultWorkspace("WEU", "dddddddd-0000-0000-0000-000000000001", "westeurope")] }));
    const rule = stepsOf(p, "create-dcr").find((s) => s.details.workspaceId === ws.id)!;
    const solution = stepsOf(p, "install-solution").find((s) => s.details.workspaceId === ws.id && s.details.solution === "Security")!;
    expect(rule.details.tier).toBe("Common");
    expect(rule.dependsOn).toContain(solution.id);
  });

  it("a workspace with SecurityInsights has the table already", () => {
    const ws = workspace("law-sen", "cccccccc-0000-0000-0000-000000000002", { solutions: ["SecurityCenterFree", "SecurityInsights"], securityEvents: { tier: "Common", owner: "securityCenter" } });
    const m = machine("vm-2", { extensions: [{ publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "MicrosoftMonitoringAgent", version: "1.0", name: "MicrosoftMonitoringAgent", workspaceCustomerId: ws.customerId }] });
    const p = plan(spec({ agent: "ama" }), inventory({ machines: [m], workspaces: [ws] }));
    expect(stepsOf(p, "install-solution").filter((s) => s.details.workspaceId === ws.id)).toEqual([]);
  });
});
