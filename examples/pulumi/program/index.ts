/**
 * The components used directly from TypeScript, without the root program's stack config.
 *
 * A hub subscription holds a central Log Analytics workspace that this program creates (so its id
 * is an Output the components accept), two spoke subscriptions send their machines to it, and a
 * lab subscription keeps Security Center's default workspaces with Azure Defender off.
 *
 * - The hub's AutoProvisioning gets the hub provider in its options: it uses it rather than making
 *   its own, and it declares the central workspace's solution and security-event tier.
 * - The spokes point at the same workspace without declaring its solution or tier (a workspace has
 *   one of each); each makes a provider for its own subscription.
 * - Against the local emulator: `pulumi config set asc-autoprovision:emulatorEndpoint https://localhost:8443`
 *   or export ASC_EMULATOR_ENDPOINT (examples/pulumi/README.md).
 */
import { Workspace } from "@pulumi/azure-native/operationalinsights";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { AutoProvisioning, ExtensionPolicy, stackEndpoint, subscriptionProvider } from "../../../components/pulumi";

const HUB = "33333333-3333-3333-3333-333333333333";
const SPOKES = ["44444444-4444-4444-4444-444444444444", "55555555-5555-5555-5555-555555555555"] as const;
const LAB = "66666666-6666-6666-6666-666666666666";

const endpoint = stackEndpoint();
const hubProvider = subscriptionProvider("hub", HUB, endpoint);

const monitoring = new ResourceGroup("monitoring", { resourceGroupName: "rg-central-monitoring", location: "westeurope" }, { provider: hubProvider });
const central = new Workspace(
  "central",
  { resourceGroupName: "rg-central-monitoring", workspaceName: "law-central", location: "westeurope", sku: { name: "PerGB2018" }, retentionInDays: 90 },
  { provider: hubProvider, dependsOn: [monitoring] },
);

const hub = new AutoProvisioning(
  "hub",
  {
    subscriptionId: HUB,
    logAnalyticsAgent: {
      autoProvision: true,
      agent: "mma",
      defender: true,
      securityEvents: "Common",
      reconfigureExisting: true,
      workspace: { id: central.id, location: "westeurope" },
    },
    extensions: { kubernetesPolicyAddon: true, identityLocation: "westeurope" },
  },
  { provider: hubProvider },
);

const spokes = SPOKES.map(
  (subscriptionId) =>
    new AutoProvisioning(`spoke-${subscriptionId.slice(0, 8)}`, {
      subscriptionId,
      logAnalyticsAgent: {
        autoProvision: true,
        agent: "mma",
        reconfigureExisting: true,
        workspace: { id: central.id, installSolution: false, configureSecurityEvents: false },
      },
      extensions: { dependencyAgent: { windows: true, linux: true }, identityLocation: "westeurope" },
      endpoint,
    }),
);

const lab = new AutoProvisioning("lab", {
  subscriptionId: LAB,
  logAnalyticsAgent: { autoProvision: true, agent: "mma", defender: false },
  // westeurope and northeurope share the Europe workspace; southafricanorth is a geography of its own.
  machineRegions: ["westeurope", "northeurope", "southafricanorth"],
  endpoint,
});

// A single toggle on its own, for a subscription that does nothing else (the provider makes the
// remediation land in that subscription).
const sandbox = "77777777-7777-7777-7777-777777777777";
const sandboxPolicy = new ExtensionPolicy(
  "sandbox-k8s",
  { subscriptionId: sandbox, policy: "kubernetesPolicyAddon", identityLocation: "northeurope" },
  { provider: subscriptionProvider("sandbox", sandbox, endpoint) },
);

export const centralWorkspaceId = central.id;
export const hubPolicyAssignments = hub.policyAssignmentIds;
export const spokeWorkspaceSettings = spokes.map((s) => s.workspaceSettingId);
export const labWorkspaces = lab.workspaceIds;
export const sandboxAssignment = sandboxPolicy.assignmentId;
