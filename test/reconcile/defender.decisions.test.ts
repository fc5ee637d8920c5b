/**
 * Issue 14: one test per per-machine and per-cluster decision of the Defender capabilities, each
 * asserting the decision and its reason (defender-plans, defender-endpoint,
 * vulnerability-assessment, guest-configuration, defender-containers).
 */
import { plan, stepsOf } from "../../src/core";
import { clusterOf, componentOf, defenderSpec, gcExtension, inv, machine, mde, P2, P2_IN_PLACE, settings, SUB } from "./defender.fixtures";
import { inventory } from "../helpers/fixtures";

const linux = (name: string, extra = {}) => machine(name, { osType: "Linux", ...extra });

describe("Defender for Endpoint (component endpoint)", () => {
  const decide = (m: ReturnType<typeof machine>, defender = P2, s = P2_IN_PLACE) => componentOf(plan(defenderSpec(defender), inv([m], s)), m.id.split("/").pop()!, "endpoint")!;

  it("mde-installed: the extension is provisioned", () => {
    const c = decide(machine("vm-1", { extensions: [mde("Windows")] }));
    expect(c.decision).toBe("mde-installed");
    expect(c.reason).toBe("MDE.Windows is installed and provisioned; Defender keeps it up to date.");
  });

  it("mde-installed with ExcludeMdeAutoUpdate=true on Linux: automatic updates are off", () => {
    const c = decide(linux("vm-2", { extensions: [mde("Linux")], tags: { ExcludeMdeAutoUpdate: "true" } }));
    expect(c.decision).toBe("mde-installed");
    expect(c.reason).toContain("ExcludeMdeAutoUpdate=true turns its automatic updates off");
  });

  it("mde-awaiting-defender: Defender deploys it, the tool waits and installs nothing", () => {
    const p = plan(defenderSpec(P2), inv([machine("vm-3")]));
    expect(componentOf(p, "vm-3", "endpoint")).toEqual({
      decision: "mde-awaiting-defender",
      reason: "Defender deploys MDE.Windows itself now that the plan and the integration are on (within an hour): this tool waits for it and never installs it.",
    });
    expect(p.steps).toEqual([]);
  });

  it("mde-failed: Defender's Windows deployment failed, no second install", () => {
    const c = decide(machine("vm-4", { extensions: [mde("Windows", "Failed")] }));
    expect(c).toEqual({ decision: "mde-failed", reason: "Defender's MDE.Windows deployment failed on this machine; Defender retries it, and this tool does not install it a second time." });
  });

  it("mde-not-possible: Linux whose MDE.Linux failed (Python)", () => {
    const c = decide(linux("vm-5", { extensions: [mde("Linux", "Failed")] }));
    expect(c.decision).toBe("mde-not-possible");
    expect(c.reason).toMatch(/^Defender's MDE.Linux deployment failed. On Linux it needs Python/);
  });

  it("mde-not-possible: a generalized image", () => {
    const c = decide(machine("vm-6", { generalized: true }));
    expect(c.decision).toBe("mde-not-possible");
    expect(c.reason).toMatch(/^It is a generalized image: Defender does not provision machines from generalized images/);
  });

  it("mde-not-possible: an unsupported OS", () => {
    const c = decide(machine("vm-7", { osName: "Windows Server 2008 R2 Datacenter" }));
    expect(c).toEqual({ decision: "mde-not-possible", reason: "Windows Server 2008 R2 Datacenter is not supported by Defender for Endpoint (Windows Server 2012 R2 and later): MDE cannot be deployed here." });
  });

  it("mde-onboarded-otherwise: a sensor without the extension", () => {
    const c = decide(linux("vm-8", { agents: [{ kind: "mde" }] }));
    expect(c.decision).toBe("mde-onboarded-otherwise");
    expect(c.reason).toContain("Defender detects the installation and reconfigures it");
  });

  it("mde-not-eligible: a stopped machine", () => {
    const c = decide(machine("vm-9", { powerState: "stopped" }));
    expect(c.decision).toBe("mde-not-eligible");
    expect(c.reason).toBe("Not running Defender for Endpoint yet: it is stopped, and extensions are only deployed to running machines; Defender deploys it once the machine runs with a VM agent.");
  });

  it("mde-excluded: an override by tag to Free", () => {
    const defender = { servers: { plan: "P2" as const, overrides: [{ tag: { env: "lab" }, plan: "Free" as const }] } };
    const c = decide(machine("vm-10", { tags: { env: "lab" } }), defender);
    expect(c).toEqual({ decision: "mde-excluded", reason: "Its resource-level plan is Free (override #1 (tag env=lab)): Defender does not deploy Defender for Endpoint here." });
  });

  it("mde-off: the plan is off; the integration off; Linux off; the unified solution off", () => {
    expect(decide(machine("vm-11"), { servers: { plan: "Off" } }).reason).toMatch(/^Defender for Servers is off for this machine \(Free\)/);
    expect(decide(machine("vm-12"), { servers: { plan: "P1", endpointProtection: { enabled: false }, vulnerabilityAssessment: "none" } }).reason).toMatch(/^The Defender for Endpoint integration is off/);
    // Linux still excluded in the subscription: once in the integration it stays (defender.endpoint-settings.test.ts).
    const excluded = settings({ ...P2_IN_PLACE, securitySettings: { WDATP: true, WDATP_UNIFIED_SOLUTION: true, WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: true } });
    expect(decide(linux("vm-13"), { servers: { plan: "P1", endpointProtection: { linux: false } } }, excluded).reason).toMatch(/^The integration is off for Linux/);
    const c = decide(machine("vm-14", { osName: "Windows Server 2016 Datacenter" }), { servers: { plan: "P1", endpointProtection: { unifiedSolution: false } } });
    expect(c).toEqual({ decision: "mde-off", reason: expect.stringMatching(/^Windows Server 2012 R2 and 2016 need the unified solution/) });
  });
});

describe("vulnerability assessment (component vulnerabilityAssessment)", () => {
  const decide = (m: ReturnType<typeof machine>, defender = P2) => componentOf(plan(defenderSpec(defender), inv([m])), m.id.split("/").pop()!, "vulnerabilityAssessment")!;

  it("va-enabled: the machine's assessment is there", () => {
    expect(decide(machine("vm-1", { extensions: [mde("Windows")], vulnerabilityAssessment: { name: "mdetvm", provisioningState: "Succeeded" } }))).toEqual({
      decision: "va-enabled",
      reason: "Defender Vulnerability Management assesses this machine (its mdetvm assessment is in place).",
    });
  });

  it("va-awaiting-defender: MDE reports or comes; Defender enables it", () => {
    expect(decide(machine("vm-2", { extensions: [mde("Windows")] })).reason).toMatch(/now that Defender for Endpoint reports/);
    expect(decide(machine("vm-3")).decision).toBe("va-awaiting-defender");
  });

  it("va-needs-endpoint: no MDE, no vulnerability assessment, with the endpoint's reason", () => {
    const c = decide(machine("vm-4", { generalized: true }));
    expect(c.decision).toBe("va-needs-endpoint");
    expect(c.reason).toMatch(/^Defender Vulnerability Management runs in Defender for Endpoint, which this machine does not get: It is a generalized image/);
  });

  it("va-off: provider none, or the plan off", () => {
    expect(decide(machine("vm-5"), { servers: { plan: "P1", vulnerabilityAssessment: "none" } })).toEqual({ decision: "va-off", reason: "Vulnerability assessment is off (vulnerabilityAssessment none): no provider assesses this machine." });
    expect(decide(machine("vm-6"), { servers: { plan: "Off" } }).decision).toBe("va-off");
  });
});

describe("Guest Configuration (component guestConfiguration)", () => {
  const GC = { servers: { plan: "P2" as const, guestConfiguration: true } };
  const run = (m: ReturnType<typeof machine>) => plan(defenderSpec(GC), inv([m]));

  it("gc-install: identity then the extension, under the policy's name", () => {
    const p = run(machine("vm-1"));
    expect(componentOf(p, "vm-1", "guestConfiguration")).toEqual({
      decision: "gc-install",
      reason: "No Guest Configuration extension: the system-assigned identity it needs is enabled, then AzurePolicyforWindows is installed by this tool (the name the built-in policy uses, so the two never install it twice).",
    });
    const [identity] = stepsOf(p, "enable-identity");
    const [install] = stepsOf(p, "install-extension");
    expect(install!.details).toMatchObject({ name: "AzurePolicyforWindows", publisher: "Microsoft.GuestConfiguration", type: "ConfigurationforWindows", workspaceId: null });
    expect(install!.dependsOn).toEqual([identity!.id]);
  });

  it("gc-installed: extension and identity present", () => {
    const p = run(machine("vm-2", { extensions: [gcExtension("Windows")], identity: { type: "SystemAssigned" } }));
    expect(componentOf(p, "vm-2", "guestConfiguration")!.decision).toBe("gc-installed");
    expect(p.steps).toEqual([]);
  });

  it("gc-enable-identity: the extension without the identity it signs in with", () => {
    const p = run(linux("vm-3", { extensions: [gcExtension("Linux")] }));
    expect(componentOf(p, "vm-3", "guestConfiguration")).toEqual({
      decision: "gc-enable-identity",
      reason: "AzurePolicyforLinux is installed but the machine has no system-assigned identity, which Guest Configuration signs in with: the identity is enabled.",
    });
    expect(p.steps.map((s) => s.action)).toEqual(["enable-identity"]);
  });

  it("gc-builtin (Arc), gc-not-applicable (scale set), gc-not-eligible (deallocated)", () => {
    const arc = machine("arc-1", { kind: "arc", id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/arc-1` });
    const vmss = machine("vmss-1", { kind: "vmss", id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-1` });
    const p = plan(defenderSpec(GC), inv([arc, vmss, machine("vm-4", { powerState: "deallocated" })]));
    expect(componentOf(p, "arc-1", "guestConfiguration")!.reason).toBe("Arc-enabled servers run Guest Configuration inside the Connected Machine agent: nothing to install.");
    expect(componentOf(p, "vmss-1", "guestConfiguration")!.decision).toBe("gc-not-applicable");
    expect(componentOf(p, "vm-4", "guestConfiguration")).toEqual({ decision: "gc-not-eligible", reason: "Guest Configuration is not installed yet: it is deallocated, and extensions are only deployed to running machines." });
    expect(p.steps).toEqual([]);
  });

  it("one identity step for a machine that AMA and Guest Configuration both need it on", () => {
    const spec = defenderSpec(GC, { logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default" } });
    const p = plan(spec, inv([machine("vm-5")]));
    expect(stepsOf(p, "enable-identity")).toHaveLength(1);
    expect(stepsOf(p, "install-extension").map((s) => s.details.type).sort()).toEqual(["AzureMonitorWindowsAgent", "ConfigurationforWindows"]);
  });

  it("is absent when the spec does not ask for it", () => {
    expect(componentOf(plan(defenderSpec(P2), inv([machine("vm-6")])), "vm-6", "guestConfiguration")).toBeUndefined();
  });
});

describe("the machine's plan (component plan)", () => {
  const OVERRIDES = { servers: { plan: "P2" as const, overrides: [{ id: `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-2`, plan: "P1" as const }, { tag: { env: "lab" }, plan: "Free" as const }] } };

  it("inherits, override-set (with its step), override-free, own-pricing", () => {
    const machines = [
      machine("vm-1"),
      machine("vm-2"),
      machine("vm-3", { tags: { Env: "lab" }, pricing: { pricingTier: "Free" } }),
      machine("vm-4", { pricing: { pricingTier: "Standard", subPlan: "P1" } }),
    ];
    const p = plan(defenderSpec(OVERRIDES), inv(machines));
    expect(componentOf(p, "vm-1", "plan")).toEqual({ decision: "inherits", reason: "Inherits the subscription's Defender for Servers P2." });
    expect(componentOf(p, "vm-2", "plan")).toEqual({
      decision: "override-set",
      reason: "override #1 (this machine's id) asks for P1 on this machine (it is inheriting P2 today): its resource-level plan is set.",
    });
    expect(componentOf(p, "vm-3", "plan")).toEqual({
      decision: "override-free",
      reason: "override #2 (tag env=lab) asks for off (Free) on this machine, and it has that resource-level plan: no Defender for Servers on it.",
    });
    expect(componentOf(p, "vm-4", "plan")).toEqual({ decision: "own-pricing", reason: "Has a resource-level plan of its own (P1) that the spec does not ask for: left alone." });
    const steps = stepsOf(p, "set-resource-pricing");
    expect(steps.map((s) => [s.target, s.details.pricingTier, s.details.subPlan])).toEqual([[`${machines[1]!.id}/providers/Microsoft.Security/pricings/VirtualMachines`, "Standard", "P1"]]);
  });

  it("override-in-place: the resource-level P1 the spec asks for", () => {
    const p = plan(defenderSpec(OVERRIDES), inv([machine("vm-2", { pricing: { pricingTier: "Standard", subPlan: "P1" } })]));
    expect(componentOf(p, "vm-2", "plan")).toEqual({ decision: "override-in-place", reason: "override #1 (this machine's id) asks for P1 on this machine, and it has that resource-level plan." });
  });

  it("inherits-free: the subscription is on Free today, whether this plan sets P2 or the spec keeps it off", () => {
    const free = settings();
    const toP2 = plan(defenderSpec(P2), inv([machine("vm-1")], free));
    expect(componentOf(toP2, "vm-1", "plan")).toEqual({
      decision: "inherits-free",
      reason: "Inherits the subscription's Defender for Servers plan, off (Free) today: this plan sets P2, and the machine is covered once it applies.",
    });
    expect(stepsOf(toP2, "set-defender-plan")).toHaveLength(1);
    const off = plan(defenderSpec({ servers: { plan: "Off" } }), inv([machine("vm-1")], free));
    expect(componentOf(off, "vm-1", "plan")).toEqual({ decision: "inherits-free", reason: "Inherits the subscription's Defender for Servers plan, which is off (Free): no Defender component is deployed." });
  });

  it("inherits: the plan today, when the spec asks for another", () => {
    const p = plan(defenderSpec({ servers: { plan: "P1" } }), inv([machine("vm-1")]));
    expect(componentOf(p, "vm-1", "plan")).toEqual({ decision: "inherits", reason: "Inherits the subscription's Defender for Servers P2 today; this plan sets P1." });
  });

  it("own-free: a resource-level Free the spec does not ask for", () => {
    const p = plan(defenderSpec(P2), inv([machine("vm-9", { pricing: { pricingTier: "Free" } })]));
    expect(componentOf(p, "vm-9", "plan")).toEqual({ decision: "own-free", reason: "Has a resource-level plan of its own, off (Free), that the spec does not ask for: left alone, no Defender for Servers on it." });
    expect(stepsOf(p, "set-resource-pricing")).toEqual([]);
  });

  it("own-free under a paid plan warns: a machine switched to Free outside the spec loses Defender (user trial 20)", () => {
    const p = plan(defenderSpec(P2), inv([machine("vm-8", { pricing: { pricingTier: "Free" } }), machine("vm-9", { pricing: { pricingTier: "Free" } }), machine("vm-1")]));
    const warned = p.findings.filter((f) => f.code === "machines-opted-out-of-defender");
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ severity: "warning", target: "defender.servers" });
    expect(warned[0]!.message).toMatch(/^2 machine\(s\) have a resource-level Free plan that the spec does not declare .*Defender for Servers P2 does not cover them.*: vm-8, vm-9\. Declare them with defender\.servers\.overrides \(plan Free\).*defender\.servers\.enforce/);
    // Under Off nothing is lost; a declared Free is the spec's own choice.
    const off = plan(defenderSpec({ servers: { plan: "Off" } }), inv([machine("vm-9", { pricing: { pricingTier: "Free" } })]));
    expect(off.findings.map((f) => f.code)).not.toContain("machines-opted-out-of-defender");
    const declared = plan(defenderSpec(OVERRIDES), inv([machine("vm-9", { tags: { env: "lab" }, pricing: { pricingTier: "Free" } })]));
    expect(declared.findings.map((f) => f.code)).not.toContain("machines-opted-out-of-defender");
  });

  it("enforced-free: the machine's own Free until the subscription enforces its plan", () => {
    const p = plan(defenderSpec({ servers: { plan: "P2", enforce: true } }), inv([machine("vm-5", { pricing: { pricingTier: "Free" } })]));
    expect(componentOf(p, "vm-5", "plan")).toEqual({ decision: "enforced-free", reason: "Its own resource-level plan is off (Free) today: the subscription's P2, enforced by this plan, replaces it." });
  });

  it("enforce replacing machines' own plans warns, grouped by the plan they leave (user trial 20)", () => {
    const machines = [machine("vm-5", { pricing: { pricingTier: "Free" } }), machine("vm-6", { pricing: { pricingTier: "Standard", subPlan: "P1" } }), machine("vm-7", { pricing: { pricingTier: "Standard", subPlan: "P2" } }), machine("vm-8")];
    const p = plan(defenderSpec({ servers: { plan: "P2", enforce: true } }), inv(machines));
    const warned = p.findings.filter((f) => f.code === "enforce-replaces-machine-plans");
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ severity: "warning", target: "defender.servers.enforce" });
    expect(warned[0]!.message).toBe(
      "defender.servers.enforce puts 2 machine(s) that have a resource-level plan of their own on the subscription's Defender for Servers P2: 1 from Free (billed from the apply on): vm-5; 1 from P1 (billed at P2's rate): vm-6. Leave enforce off to keep their own plans (declared ones with defender.servers.overrides).",
    );
    // Already enforced today: nothing moves.
    const enforced = settings({ ...P2_IN_PLACE, plans: { VirtualMachines: { ...P2_IN_PLACE.plans!.VirtualMachines!, enforce: "True" } } });
    expect(plan(defenderSpec({ servers: { plan: "P2", enforce: true } }), inv(machines, enforced)).findings.map((f) => f.code)).not.toContain("enforce-replaces-machine-plans");
  });

  it("enforced: the subscription's plan over a machine's own", () => {
    const p = plan(defenderSpec({ servers: { plan: "P2", enforce: true } }), inv([machine("vm-5", { pricing: { pricingTier: "Free" } })], settings({ ...P2_IN_PLACE, plans: { VirtualMachines: { ...P2_IN_PLACE.plans!.VirtualMachines!, enforce: "True" } } })));
    expect(componentOf(p, "vm-5", "plan")).toEqual({ decision: "enforced", reason: "Its own resource-level plan (off (Free)) is overridden: the subscription enforces P2 on every machine." });
  });
});

describe("Defender for Containers (cluster components)", () => {
  const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-1`;
  const ARC = `/subscriptions/${SUB}/resourceGroups/rg-k8s/providers/Microsoft.Kubernetes/connectedClusters/k8s-1`;
  const run = (containers: object, clusters: object[], extensions = {}) =>
    plan(defenderSpec({ containers: containers as { enabled: boolean } }, { extensions }), inventory({ clusters: clusters as never, settings: { [SUB]: settings() } }));

  it("sensor-awaiting-defender and addon-enable (with its step) on an AKS cluster", () => {
    const p = run({ enabled: true }, [{ id: CLUSTER, location: "westeurope", addons: {} }]);
    expect(clusterOf(p, "aks-1", "containerSensor")).toEqual({
      decision: "sensor-awaiting-defender",
      reason: "Defender turns the sensor on (securityProfile.defender with its workspace) itself with the plan and its sensor on (its policy 64def556, about 30 minutes): this tool waits for it.",
    });
    expect(clusterOf(p, "aks-1", "kubernetesPolicyAddon")).toEqual({
      decision: "addon-enable",
      reason: "The Azure Policy add-on is not enabled and no policy assignment deploys it: this tool enables it (addonProfiles.azurepolicy).",
    });
    expect(stepsOf(p, "enable-cluster-addon").map((s) => s.target)).toEqual([CLUSTER]);
  });

  it("sensor-enabled and addon-enabled: nothing to do", () => {
    const p = run({ enabled: true }, [{ id: CLUSTER, location: "westeurope", addons: { azurepolicy: true }, defenderSensor: true }]);
    expect(clusterOf(p, "aks-1", "containerSensor")!.decision).toBe("sensor-enabled");
    expect(clusterOf(p, "aks-1", "kubernetesPolicyAddon")!.decision).toBe("addon-enabled");
    expect(stepsOf(p, "enable-cluster-addon")).toEqual([]);
  });

  it("sensor-off and addon-off", () => {
    const p = run({ enabled: true, sensor: false, azurePolicy: false }, [{ id: CLUSTER, location: "westeurope", addons: {} }]);
    expect(clusterOf(p, "aks-1", "containerSensor")).toEqual({ decision: "sensor-off", reason: "The Defender sensor is off in the spec (containers.sensor false)." });
    expect(clusterOf(p, "aks-1", "kubernetesPolicyAddon")).toEqual({ decision: "addon-off", reason: "The spec does not ask for the Azure Policy add-on (containers.azurePolicy false): left as it is." });
  });

  it("addon-by-policy: the spec's own toggle assigns it; no second deployment", () => {
    const p = run({ enabled: true }, [{ id: CLUSTER, location: "westeurope", addons: {} }], { kubernetesPolicyAddon: true });
    expect(clusterOf(p, "aks-1", "kubernetesPolicyAddon")!.reason).toBe(
      "The Azure Policy add-on is deployed by a policy assignment of this spec (extensions.kubernetesPolicyAddon): this tool leaves it to that assignment (its remediation covers existing clusters).",
    );
    expect(stepsOf(p, "enable-cluster-addon")).toEqual([]);
  });

  it("Arc-enabled Kubernetes: Defender's extension by its policy, the Azure Policy extension by policy", () => {
    const p = run({ enabled: true }, [{ id: ARC, location: "westeurope", kind: "arc", addons: {} }]);
    expect(clusterOf(p, "k8s-1", "containerSensor")!.reason).toMatch(/^Defender installs its extension on Arc-enabled clusters itself/);
    expect(clusterOf(p, "k8s-1", "kubernetesPolicyAddon")!.decision).toBe("addon-arc");
    expect(p.steps.filter((s) => s.action === "enable-cluster-addon")).toEqual([]);
  });
});
