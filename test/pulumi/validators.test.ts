/**
 * The components' pure validators and helpers (no Pulumi runtime): the spec's messages under the
 * arguments' names, geography folding, provider arguments per endpoint.
 */
import * as pulumi from "@pulumi/pulumi";
import { geographiesOf, validateAutoProvisioningArgs } from "../../components/pulumi/autoProvisioning";
import { validateExtensionPolicyArgs } from "../../components/pulumi/policy/extensionPolicy";
import { azureNativeProviderArgs, selectEndpoint } from "../../components/pulumi/provider";
import { validateDefaultWorkspaceArgs } from "../../components/pulumi/workspace/defaultWorkspace";
import { validateSecurityEventCollectionArgs } from "../../components/pulumi/workspace/securityEventCollection";
import { parseWorkspaceId, workspaceIdIssues } from "../../components/pulumi/workspace/workspaceId";
import { parseSpec } from "../../src/spec/validate";

const SUB = "11111111-1111-1111-1111-111111111111";
const WS = `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-main`;

describe("validateAutoProvisioningArgs", () => {
  test("valid arguments give the spec parseSpec gives, for this one subscription", () => {
    const la = { autoProvision: true, securityEvents: "Common", workspace: { id: WS } } as const;
    const { spec, issues } = validateAutoProvisioningArgs({ subscriptionId: SUB.toUpperCase(), logAnalyticsAgent: la, extensions: { kubernetesPolicyAddon: true } });
    expect(issues).toEqual([]);
    expect(spec).toEqual(parseSpec({ subscriptions: [SUB], logAnalyticsAgent: la, extensions: { kubernetesPolicyAddon: true } }));
  });

  test("the custom workspace's own options are not spec fields, but unknown ones are named", () => {
    const { issues } = validateAutoProvisioningArgs({
      subscriptionId: SUB,
      logAnalyticsAgent: { workspace: { id: WS, installSolution: false, configureSecurityEvents: "no", locaton: "x" } as never },
      machineRegion: ["westeurope"],
    } as never);
    expect(issues).toEqual([
      { path: "machineRegion", message: "is not a known field (allowed: subscriptionId, logAnalyticsAgent, extensions, defender, exclude, machineRegions, endpoint, reconcile, amaPolicies)" },
      { path: "logAnalyticsAgent.workspace.locaton", message: "is not a known field (allowed: id, location, installSolution, configureSecurityEvents, sentinelOwnsSecurityEvents, configuredBy, provider)" },
      { path: "logAnalyticsAgent.workspace.configureSecurityEvents", message: '"no" is not a boolean' },
    ]);
  });

  test("an id known only at deployment does not block the rest of the validation", () => {
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB, logAnalyticsAgent: { workspace: { id: pulumi.output(WS) } } }).issues).toEqual([]);
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB, logAnalyticsAgent: { workspace: { id: pulumi.output(WS) }, agent: "x" as never } }).issues).toEqual([
      { path: "logAnalyticsAgent.agent", message: '"x" is not one of mma, ama, none' },
    ]);
  });

  test("missing arguments", () => {
    expect(validateAutoProvisioningArgs(undefined as never).issues).toEqual([{ path: "args", message: "are required" }]);
    expect(validateAutoProvisioningArgs({} as never).issues).toEqual([{ path: "subscriptionId", message: "is required (string)" }]);
  });
});

test("geographiesOf folds regions into geographies, in first-seen order", () => {
  expect(geographiesOf(["northeurope", "East US 2", "westeurope", "uaenorth", "centralus"]).map((g) => [g.code, g.workspaceLocation])).toEqual([
    ["WEU", "westeurope"],
    ["EUS", "eastus"],
    ["DXB", "uaenorth"],
  ]);
});

test("DefaultWorkspace, SecurityEventCollection, ExtensionPolicy validators name their arguments", () => {
  expect(validateDefaultWorkspaceArgs({ subscriptionId: SUB, region: "westeurope" })).toEqual([]);
  expect(validateDefaultWorkspaceArgs({ subscriptionId: SUB, region: "  ", defender: "yes" as never })).toEqual([
    { path: "defender", message: '"yes" is not a boolean' },
    { path: "region", message: '"  " is not a region name (e.g. "westeurope")' },
  ]);
  expect(validateDefaultWorkspaceArgs({ existingWorkspaceId: pulumi.output("later") })).toEqual([]);
  expect(validateSecurityEventCollectionArgs({ workspaceId: WS, tier: "Recommended" as never })).toEqual([
    { path: "tier", message: '"Recommended" is not one of None, Minimal, Common, All' },
  ]);
  expect(validateSecurityEventCollectionArgs({} as never)).toEqual([{ path: "workspaceId", message: "is required (the workspace's ARM id)" }]);
  // Defender off is a warning at construction, not an argument error.
  expect(validateSecurityEventCollectionArgs({ workspaceId: WS, tier: "All", defender: false })).toEqual([]);
  expect(validateExtensionPolicyArgs({ subscriptionId: SUB, policy: "dependencyAgentWindows" })).toEqual([]);
});

test("workspace ids: the spec's message, and the parts azure-native needs", () => {
  expect(workspaceIdIssues(WS, "id")).toEqual([]);
  expect(workspaceIdIssues(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x`, "workspaceId")).toEqual([
    {
      path: "workspaceId",
      message: expect.stringContaining("must be the ARM id of a Log Analytics workspace"),
    },
  ]);
  expect(workspaceIdIssues(42, "workspaceId")).toEqual([{ path: "workspaceId", message: "42 is not a string (the workspace's ARM id)" }]);
  expect(parseWorkspaceId(WS)).toEqual({ subscriptionId: SUB, resourceGroupName: "rg-logs", workspaceName: "law-main" });
});

test("provider arguments: the subscription always, the emulator's metadata host only when selected", () => {
  const base = { tenantId: "t", environment: "usgovernment" };
  expect(azureNativeProviderArgs(SUB, { kind: "azure" }, base)).toEqual({ tenantId: "t", environment: "usgovernment", subscriptionId: SUB });
  expect(azureNativeProviderArgs(SUB, selectEndpoint("https://localhost:8443", {}), base)).toEqual({
    tenantId: "t",
    environment: "usgovernment",
    subscriptionId: SUB,
    metadataHost: "localhost:8443",
    disableInstanceDiscovery: true,
  });
});
