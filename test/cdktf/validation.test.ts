/**
 * Invalid input fails with the same messages on both front ends: a bad spec throws parseSpec's
 * ValidationError unchanged (the CLI's text), whose issues are those the Pulumi stack config
 * reports for the same values (under its `asc-autoprovision:` keys); the other props, and each
 * construct's own, get the messages of their Pulumi counterparts.
 */
import { Testing } from "cdktf";
import {
  AutoProvisioningStack,
  ValidationError,
  validateAzureMonitorAgentPolicyProps,
  validateDefaultWorkspaceProps,
  validateExtensionPolicyProps,
  validateSecurityEventCollectionProps,
  type AutoProvisioningStackProps,
} from "../../components/cdktf";
import { readStackSettings, StackConfigError } from "../../components/pulumi/program/stackConfig";
import { validateDefaultWorkspaceArgs } from "../../components/pulumi/workspace/defaultWorkspace";
import { validateSecurityEventCollectionArgs } from "../../components/pulumi/workspace/securityEventCollection";
import { validateExtensionPolicyArgs } from "../../components/pulumi/policy/extensionPolicy";
import { validateAzureMonitorAgentPolicyArgs } from "../../components/pulumi/policy/azureMonitorAgentPolicy";
import type { ValidationIssue } from "../../src/spec/errors";
import { parseSpec } from "../../src/spec/validate";

const SUB = "11111111-1111-1111-1111-111111111111";
const PREFIX = "asc-autoprovision:";

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

/** What the Pulumi stack config reports for the same keys, with the namespace taken off the paths. */
function pulumiIssues(config: Record<string, unknown>): ValidationIssue[] {
  const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)]));
  const err = thrown(() => readStackSettings(raw, {}));
  expect(err).toBeInstanceOf(StackConfigError);
  return (err as StackConfigError).issues.map((i) => ({ path: i.path.replace(PREFIX, ""), message: i.message }));
}

function cdktfError(props: AutoProvisioningStackProps): ValidationError {
  const err = thrown(() => new AutoProvisioningStack(Testing.app(), "stack", props));
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

const BAD_SPECS: readonly [string, Record<string, unknown>][] = [
  ["a tier outside the portal's words", { subscriptions: [SUB], logAnalyticsAgent: { securityEvents: "Most" } }],
  ["a subscription that is not a GUID", { subscriptions: ["prod"] }],
  ["no subscription", { subscriptions: [] }],
  ["the same subscription twice", { subscriptions: [SUB, SUB.toUpperCase()] }],
  ["a misspelt field", { subscriptions: [SUB], logAnalyticsAgent: { autoprovision: true } }],
  ["an agent that does not exist", { subscriptions: [SUB], logAnalyticsAgent: { agent: "oms" } }],
  ["a workspace that is not an ARM id", { subscriptions: [SUB], logAnalyticsAgent: { workspace: { id: "law-main" } } }],
  ["the Dependency agent without the Log Analytics agent", { subscriptions: [SUB], extensions: { dependencyAgent: { windows: true } } }],
  ["removeLegacyAgent with the legacy agent", { subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma", removeLegacyAgent: true } }],
  ["several at once", { subscriptions: [SUB], logAnalyticsAgent: { defender: "yes", securityEvents: "Most" }, extensions: { kubernetesPolicyAddon: 1 } }],
];

test.each(BAD_SPECS)("%s: the CLI's ValidationError text, the Pulumi stack config's issues", (_title, spec) => {
  const err = cdktfError({ spec: spec as unknown as AutoProvisioningStackProps["spec"] });
  expect(err.message).toBe(thrown(() => parseSpec(spec)).message);
  expect(err.message.startsWith("invalid spec:\n  ")).toBe(true);
  expect(err.issues).toEqual(pulumiIssues(spec));
});

test("the README's example message", () => {
  const err = cdktfError({ spec: { subscriptions: [SUB], logAnalyticsAgent: { securityEvents: "Most" as "All" } } });
  expect(err.message).toBe('invalid spec:\n  logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All');
});

test.each<[string, Record<string, unknown>]>([
  ["a region that is not a name", { machineRegions: ["westeurope", 7, ""] }],
  ["a map keyed by something else than a subscription", { machineRegions: { prod: ["westeurope"] } }],
  ["a map whose value is not a list", { machineRegions: { [SUB]: "westeurope" } }],
  ["neither list nor map", { machineRegions: "westeurope" }],
  ["Sentinel flag that is not a boolean", { sentinelOwnsSecurityEvents: "yes" }],
])("%s: the Pulumi stack config's messages", (_title, extra) => {
  const err = cdktfError({ spec: { subscriptions: [SUB] }, ...extra } as AutoProvisioningStackProps);
  expect(err.message.startsWith('invalid AutoProvisioningStack "stack" props:\n  ')).toBe(true);
  expect(err.issues).toEqual(pulumiIssues({ subscriptions: [SUB], ...extra }));
});

test("an unknown prop is named with the allowed ones", () => {
  const err = cdktfError({ spec: { subscriptions: [SUB] }, regions: ["westeurope"] } as AutoProvisioningStackProps);
  expect(err.issues).toEqual([{ path: "regions", message: "is not a known prop (allowed: spec, machineRegions, sentinelOwnsSecurityEvents, workspaceLocation, installSolution, configureSecurityEvents, metadataHost, dataCollectionRule, amaPolicies, managementGroupSubscriptions)" }]);
});

describe("each construct's props: the messages of its Pulumi counterpart", () => {
  const sorted = (issues: ValidationIssue[]) => [...issues].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  test.each<Record<string, unknown>>([
    { subscriptionId: "prod", region: "" },
    { subscriptionId: SUB, region: 3, defender: "no" },
    { existingWorkspaceId: "/subscriptions/x/workspaces/y" },
    { existingWorkspaceId: 42 },
  ])("DefaultWorkspace %j", (props) => {
    const issues = validateDefaultWorkspaceProps(props as never);
    expect(issues.length).toBeGreaterThan(0);
    expect(sorted(issues)).toEqual(sorted(validateDefaultWorkspaceArgs(props as never)));
  });

  test.each<Record<string, unknown>>([
    { workspaceId: "bad", tier: "Most", agent: "oms" },
    { tier: "All", defender: "yes" },
    { workspaceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law`, tier: "Common", sentinelOwnsSecurityEvents: true },
  ])("SecurityEventCollection %j", (props) => {
    const issues = validateSecurityEventCollectionProps(props as never);
    expect(issues.length).toBeGreaterThan(0);
    expect(sorted(issues)).toEqual(sorted(validateSecurityEventCollectionArgs(props as never)));
  });

  test.each<Record<string, unknown>>([
    { subscriptionId: "prod", policy: "defender", identityLocation: "" },
    { subscriptionId: SUB, policy: "dependencyAgentLinux", remediate: "always" },
  ])("ExtensionPolicy %j", (props) => {
    const issues = validateExtensionPolicyProps(props as never);
    expect(issues.length).toBeGreaterThan(0);
    expect(sorted(issues)).toEqual(sorted(validateExtensionPolicyArgs(props as never)));
  });

  test.each<Record<string, unknown>>([
    { subscriptionId: "prod", policy: "amaWindows", identityLocation: "" },
    { subscriptionId: SUB, policy: "dcrAssociationLinuxVm", regions: ["westeurope", 7], notScopes: ["rg"] },
    { subscriptionId: SUB, policy: "amaLinuxVm", dataCollectionRuleId: "rule", assignmentName: "x".repeat(65), remediate: 1 },
    { subscriptionId: SUB, policy: "dcrAssociationWindowsVm", dataCollectionRuleId: "/subscriptions/x/rules/y", notScopes: ["/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg"] },
  ])("AzureMonitorAgentPolicy %j", (props) => {
    const issues = validateAzureMonitorAgentPolicyProps(props as never);
    expect(issues.length).toBeGreaterThan(0);
    expect(sorted(issues)).toEqual(sorted(validateAzureMonitorAgentPolicyArgs(props as never)));
  });
});
