/**
 * Issue 14: bad input for every field of the `defender` section names the field and the allowed
 * values; the CLI, run as a user runs it, exits 1 with that message and writes nothing.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { main } from "../../src/cli/main";
import { ValidationError, type ValidationIssue } from "../../src/spec";
import { parseSpec } from "../../src/spec/validate";

const SUB = "11111111-1111-1111-1111-111111111111";
const WS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law`;

function issues(defender: unknown): ValidationIssue[] {
  try {
    parseSpec({ subscriptions: [SUB], defender });
  } catch (err) {
    if (err instanceof ValidationError) return [...err.issues];
    throw err;
  }
  throw new Error("accepted");
}

/** [what, the defender section, the path named, a part of the message] */
const BAD: [string, unknown, string, RegExp][] = [
  ["an unknown plan word", { servers: { plan: "P3" } }, "defender.servers.plan", /"P3" is not one of Off, P1, P2/],
  ["servers without a plan", { servers: {} }, "defender.servers.plan", /is required \(one of Off, P1, P2\)/],
  ["an unknown field", { servers: { plan: "P2", mde: true } }, "defender.servers.mde", /is not a known field \(allowed: plan, enforce, agentlessScanning/],
  ["enforce not a boolean", { servers: { plan: "P2", enforce: "yes" } }, "defender.servers.enforce", /"yes" is not a boolean/],
  ["agentless scanning with P1", { servers: { plan: "P1", agentlessScanning: { enabled: true } } }, "defender.servers.agentlessScanning.enabled", /needs Defender for Servers P2; servers.plan is P1 \(allowed: P2\)/],
  ["exclusion tags not strings", { servers: { plan: "P2", agentlessScanning: { exclusionTags: { env: 1 } } } }, "defender.servers.agentlessScanning.exclusionTags.env", /1 is not a string/],
  ["endpoint protection with the plan off", { servers: { plan: "Off", endpointProtection: { enabled: true } } }, "defender.servers.endpointProtection.enabled", /needs Defender for Servers P1 or P2/],
  ["an unknown vulnerability-assessment provider", { servers: { plan: "P2", vulnerabilityAssessment: "qualys" } }, "defender.servers.vulnerabilityAssessment", /"qualys" is not one of mdeTvm, none/],
  ["mdeTvm without endpoint protection", { servers: { plan: "P2", endpointProtection: { enabled: false }, vulnerabilityAssessment: "mdeTvm" } }, "defender.servers.vulnerabilityAssessment", /allowed: mdeTvm, none/],
  ["file integrity monitoring without its workspace", { servers: { plan: "P2", fileIntegrityMonitoring: { enabled: true } } }, "defender.servers.fileIntegrityMonitoring.workspace", /is required when file integrity monitoring is enabled/],
  ["file integrity monitoring with P1", { servers: { plan: "P1", fileIntegrityMonitoring: { enabled: true, workspace: { id: WS } } } }, "defender.servers.fileIntegrityMonitoring.enabled", /needs Defender for Servers P2/],
  ["monitored entities that watch nothing", { servers: { plan: "P2", fileIntegrityMonitoring: { enabled: true, workspace: { id: WS }, monitoredEntities: {} } } }, "defender.servers.fileIntegrityMonitoring.monitoredEntities", /watches nothing: name at least one path in windowsFiles, linuxFiles or windowsRegistry/],
  ["a monitored kind FIM does not know", { servers: { plan: "P2", fileIntegrityMonitoring: { enabled: true, workspace: { id: WS }, monitoredEntities: { macFiles: ["/etc"] } } } }, "defender.servers.fileIntegrityMonitoring.monitoredEntities.macFiles", /is not a known field \(allowed: windowsFiles, linuxFiles, windowsRegistry\)/],
  ["a workspace id that is not one", { servers: { plan: "P2", fileIntegrityMonitoring: { enabled: true, workspace: { id: "law" } } } }, "defender.servers.fileIntegrityMonitoring.workspace.id", /must be the ARM id of a Log Analytics workspace/],
  ["direct onboarding outside the spec's subscriptions", { servers: { plan: "P1", directOnboarding: { subscription: "22222222-2222-2222-2222-222222222222" } } }, "defender.servers.directOnboarding.subscription", /is not one of the spec's subscriptions/],
  ["guest configuration not a boolean", { servers: { plan: "P2", guestConfiguration: "on" } }, "defender.servers.guestConfiguration", /"on" is not a boolean/],
  ["an override plan P2", { servers: { plan: "P2", overrides: [{ tag: { env: "dev" }, plan: "P2" }] } }, "defender.servers.overrides[0].plan", /"P2" is not one of P1, Free/],
  ["an override with tag and id", { servers: { plan: "P2", overrides: [{ tag: { env: "dev" }, id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`, plan: "P1" }] } }, "defender.servers.overrides[0]", /needs exactly one of tag or id/],
  ["an override with two tags", { servers: { plan: "P2", overrides: [{ tag: { a: "1", b: "2" }, plan: "P1" }] } }, "defender.servers.overrides[0].tag", /must name exactly one tag/],
  ["an override id that is not a machine", { servers: { plan: "P2", overrides: [{ id: WS, plan: "P1" }] } }, "defender.servers.overrides[0].id", /must be the ARM id of a virtual machine, scale set or Arc-enabled server/],
  ["enforce with overrides", { servers: { plan: "P2", enforce: true, overrides: [{ tag: { env: "dev" }, plan: "Free" }] } }, "defender.servers.enforce", /could never apply/],
  ["containers without enabled", { containers: {} }, "defender.containers.enabled", /is required/],
  ["a container component with the plan off", { containers: { enabled: false, sensor: true } }, "defender.containers.sensor", /needs Defender for Containers: containers.enabled is false/],
  ["an unknown plan name", { plans: { Storage: { enabled: true } } }, "defender.plans.Storage", /is not a Defender plan \(allowed: SqlServers, AppServices, StorageAccounts/],
  ["a deprecated sub-plan", { plans: { KeyVaults: { enabled: true, subPlan: "PerTransaction" } } }, "defender.plans.KeyVaults.subPlan", /"PerTransaction" is deprecated and Azure refuses it \(InvalidInputError\): use "PerKeyVault" \(allowed: PerKeyVault\)/],
  ["a sub-plan of a plan without any", { plans: { Dns: { enabled: true, subPlan: "X" } } }, "defender.plans.Dns.subPlan", /Dns has no sub-plans/],
  ["the servers plan under plans", { plans: { VirtualMachines: { enabled: true } } }, "defender.plans.VirtualMachines", /is set in defender.servers/],
  ["a deprecated plan turned on", { plans: { KubernetesService: { enabled: true } } }, "defender.plans.KubernetesService.enabled", /KubernetesService is deprecated, replaced by Containers: enable defender.containers instead \(allowed here: false/],
  ["a scalar for an object field", { servers: { plan: "P2", agentlessScanning: true } }, "defender.servers.agentlessScanning", /^true is not an object: it takes \{ enabled, exclusionTags \} \(e\.g\. \{ enabled: true \}\)$/],
  ["a scalar for a section", { servers: "P2" }, "defender.servers", /"P2" is not an object: it takes \{ plan, enforce, agentlessScanning, endpointProtection, vulnerabilityAssessment, fileIntegrityMonitoring, directOnboarding, guestConfiguration, overrides \}$/],
  ["the other deprecated plan turned on", { plans: { ContainerRegistry: { enabled: true } } }, "defender.plans.ContainerRegistry.enabled", /replaced by Containers/],
  // User trial 20, item 6: the plans' extensions, named per plan.
  ["an extension the plan does not have", { plans: { CloudPosture: { enabled: true, extensions: { FileIntegrityMonitoring: { enabled: true } } } } }, "defender.plans.CloudPosture.extensions.FileIntegrityMonitoring", /^is not an extension of CloudPosture \(allowed: AgentlessVmScanning, SensitiveDataDiscovery, ContainerRegistriesVulnerabilityAssessments, AgentlessDiscoveryForKubernetes, EntraPermissionsManagement\)$/],
  ["extensions of a plan without any", { plans: { KeyVaults: { enabled: true, extensions: { OnUploadMalwareScanning: { enabled: true } } } } }, "defender.plans.KeyVaults.extensions", /^KeyVaults has no extensions \(plans with extensions here: CloudPosture, StorageAccounts\)$/],
  ["an extension's setting on another extension", { plans: { StorageAccounts: { enabled: true, extensions: { SensitiveDataDiscovery: { enabled: true, capGBPerMonthPerStorageAccount: 100 } } } } }, "defender.plans.StorageAccounts.extensions.SensitiveDataDiscovery.capGBPerMonthPerStorageAccount", /is a setting of OnUploadMalwareScanning, not of SensitiveDataDiscovery \(allowed here: enabled\)/],
  ["exclusion tags on malware scanning", { plans: { StorageAccounts: { enabled: true, extensions: { OnUploadMalwareScanning: { enabled: true, exclusionTags: { a: "b" } } } } } }, "defender.plans.StorageAccounts.extensions.OnUploadMalwareScanning.exclusionTags", /is a setting of AgentlessVmScanning, not of OnUploadMalwareScanning \(allowed here: enabled, capGBPerMonthPerStorageAccount\)/],
  ["an extension of a plan that is off", { plans: { StorageAccounts: { enabled: false, extensions: { OnUploadMalwareScanning: { enabled: true } } } } }, "defender.plans.StorageAccounts.extensions.OnUploadMalwareScanning", /applies only to a plan that is enabled: StorageAccounts.enabled is false/],
  ["an extension without enabled", { plans: { CloudPosture: { enabled: true, extensions: { SensitiveDataDiscovery: {} } } } }, "defender.plans.CloudPosture.extensions.SensitiveDataDiscovery.enabled", /is required/],
  ["a malware-scanning cap of 0", { plans: { StorageAccounts: { enabled: true, extensions: { OnUploadMalwareScanning: { enabled: true, capGBPerMonthPerStorageAccount: 0 } } } } }, "defender.plans.StorageAccounts.extensions.OnUploadMalwareScanning.capGBPerMonthPerStorageAccount", /above 0, or -1 for no cap/],
];

describe("the defender section refuses bad input, naming the field", () => {
  it.each(BAD)("%s", (_what, defender, path, message) => {
    const found = issues(defender);
    expect(found.map((i) => i.path)).toContain(path);
    expect(found.find((i) => i.path === path)!.message).toMatch(message);
  });

  const dir = mkdtempSync(join(tmpdir(), "defender-bad-"));
  it.each(BAD)("the CLI: %s exits 1, names the field, writes no plan", async (what, defender, path) => {
    const spec = join(dir, `${what.replace(/\W+/g, "-")}.yaml`);
    const out = join(dir, `${what.replace(/\W+/g, "-")}.plan.json`);
    writeFileSync(spec, stringify({ subscriptions: [SUB], defender }));
    let stdout = "";
    let stderr = "";
    const code = await main(["plan", "--spec", spec, "--inventory", join(__dirname, "../../examples/inventory.json"), "--format", "json", "--out", out], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^asc-autoprovision: invalid spec:\n/);
    expect(stderr).toContain(`  ${path}: `);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("reports every problem of a spec in one error, whichever pass finds it (user trial 18a)", () => {
    let err: unknown;
    try {
      parseSpec({
        subscriptions: [SUB, SUB],
        logAnalyticsAgent: { securityEvents: "Most", agent: "mma", removeLegacyAgent: true },
        extensions: { dependencyAgent: { windows: "yes" } },
        defender: {
          servers: { plan: "P2", agentlessScanning: true },
          containers: { enabled: false, sensor: true },
          plans: { StorageAcounts: { enabled: true }, "Key.Vaults": { enabled: true } },
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const found = (err as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All',
        'extensions.dependencyAgent.windows: "yes" is not a boolean',
        "defender.servers.agentlessScanning: true is not an object: it takes { enabled, exclusionTags } (e.g. { enabled: true })",
        "defender.containers.sensor: needs Defender for Containers: containers.enabled is false (allowed: true with enabled, or false)",
        expect.stringMatching(/^defender\.plans\.StorageAcounts: is not a Defender plan \(allowed: .*StorageAccounts/),
        // A plan name holding a dot stays one segment of the path.
        expect.stringMatching(/^defender\.plans\.Key\.Vaults: is not a Defender plan/),
        // Rules between sections run on the sections that are valid.
        `subscriptions[1]: "${SUB}" is listed twice`,
      ]),
    );
    // logAnalyticsAgent is invalid: its rule with removeLegacyAgent cannot read it, so it waits.
    expect(found.some((f) => f.startsWith("logAnalyticsAgent.removeLegacyAgent"))).toBe(false);
    expect(found).toHaveLength(new Set(found).size);
  });

  it("accepts the extensions of CSPM and Storage with their settings (user trial 20, item 6)", () => {
    const plans = {
      CloudPosture: { enabled: true, extensions: { AgentlessVmScanning: { enabled: true, exclusionTags: { scan: "no" } }, EntraPermissionsManagement: { enabled: false } } },
      StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2", extensions: { OnUploadMalwareScanning: { enabled: true, capGBPerMonthPerStorageAccount: 1000 }, SensitiveDataDiscovery: { enabled: false } } },
    };
    expect(parseSpec({ subscriptions: [SUB], defender: { plans } }).defender!.plans).toEqual(plans);
  });

  it("accepts a deprecated plan turned off (the way off an old plan)", () => {
    expect(() => parseSpec({ subscriptions: [SUB], defender: { plans: { KubernetesService: { enabled: false }, ContainerRegistry: { enabled: false } } } })).not.toThrow();
  });

  it("accepts the portal's defaults and a full section", () => {
    expect(() =>
      parseSpec({
        subscriptions: [SUB],
        defender: {
          servers: {
            plan: "P2",
            enforce: false,
            agentlessScanning: { enabled: true, exclusionTags: { scan: "no" } },
            endpointProtection: { enabled: true, unifiedSolution: true, linux: true },
            vulnerabilityAssessment: "mdeTvm",
            fileIntegrityMonitoring: { enabled: true, workspace: { id: WS } },
            directOnboarding: { subscription: SUB },
            guestConfiguration: true,
            overrides: [{ tag: { env: "dev" }, plan: "P1" }],
          },
          containers: { enabled: true, sensor: true, azurePolicy: true, agentlessDiscovery: true, registryVulnerabilityAssessment: true },
          plans: { KeyVaults: { enabled: true, subPlan: "PerKeyVault" }, CloudPosture: { enabled: true } },
        },
      }),
    ).not.toThrow();
  });
});
