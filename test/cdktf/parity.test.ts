/**
 * The two front ends agree: for each stack config, the Azure resources the Pulumi root program
 * declares (under setMocks) are the resources the CDKTF stack synthesizes from the same input:
 * the Pulumi examples' stack files (the default-workspace one against examples/terraform, the
 * CDKTF example app) and variants for the paths those do not take (AMA, Defender off, a central
 * workspace outside the spec's subscriptions, auto provisioning off).
 */
import { readFileSync } from "node:fs";
import * as pulumiSdk from "@pulumi/pulumi";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { AutoProvisioningStack, type AutoProvisioningStackProps } from "../../components/cdktf";
import { defaultWorkspaceStack, MACHINE_REGIONS } from "../../examples/terraform/main";
import { parseSpec } from "../../src/spec/validate";
import type { SpecInput } from "../../src/spec/schema";
import { ARM, asSet, type ArmResource } from "./armResources";
import { cdktfResources } from "./cdktfSide";
import { pulumiResources } from "./pulumiSide";

const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const HUB = "99999999-9999-9999-9999-999999999999";
const CENTRAL = `/subscriptions/${SUB1}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/ops-central`;
const HUB_WS = `/subscriptions/${HUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law-hub`;
/** Where the mocked lookups (getWorkspace; the azurerm data source) find the existing workspaces. */
const LOOKUPS = new Map([
  [CENTRAL.toLowerCase(), "westeurope"],
  [HUB_WS.toLowerCase(), "northeurope"],
]);

type StackConfig = Record<string, unknown>;

// Defender off makes the Pulumi component warn that a tier is not stored (asserted in test/pulumi): keep the output quiet.
beforeAll(() => jest.spyOn(pulumiSdk.log, "warn").mockImplementation(() => Promise.resolve()));
afterAll(() => jest.restoreAllMocks());

function stackFile(path: string): StackConfig {
  const doc = parse(readFileSync(path, "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^asc-autoprovision:/, ""), v]));
}

/** The CDKTF input for a stack config: the spec's three keys, the regions, the Sentinel flag. */
function stackProps(config: StackConfig): AutoProvisioningStackProps {
  const { subscriptions, logAnalyticsAgent, extensions, machineRegions, sentinelOwnsSecurityEvents, amaPolicies } = config;
  const spec = { subscriptions, logAnalyticsAgent, extensions } as SpecInput;
  return {
    spec,
    ...(machineRegions !== undefined ? { machineRegions: machineRegions as AutoProvisioningStackProps["machineRegions"] } : {}),
    ...(sentinelOwnsSecurityEvents !== undefined ? { sentinelOwnsSecurityEvents: sentinelOwnsSecurityEvents as boolean } : {}),
    ...(amaPolicies !== undefined ? { amaPolicies: amaPolicies as AutoProvisioningStackProps["amaPolicies"] } : {}),
  };
}

function synthesized(stack: AutoProvisioningStack): ReturnType<typeof cdktfResources> {
  return cdktfResources(Testing.synth(stack), LOOKUPS);
}

function types(resources: readonly ArmResource[]): string[] {
  return [...new Set(resources.map((r) => r.armType))].sort();
}

describe("the Pulumi examples' stack files", () => {
  test("default-workspace: the CDKTF example app (examples/terraform) declares the Pulumi stack's resources", async () => {
    const config = stackFile("examples/pulumi/Pulumi.default-workspace.yaml");
    const stack = defaultWorkspaceStack(Testing.app());
    // The example's input is the stack file's.
    expect(stack.spec).toEqual(parseSpec(stackProps(config).spec));
    expect(config["machineRegions"]).toEqual(MACHINE_REGIONS);

    const pulumi = await pulumiResources(config, LOOKUPS);
    const cdktf = synthesized(stack);
    expect(asSet(cdktf.resources)).toEqual(asSet(pulumi));
    expect(types(pulumi)).toEqual(
      [ARM.resourceGroup, ARM.workspace, ARM.solution, ARM.dataSource, ARM.pricing, ARM.policyAssignment, ARM.roleAssignment, ARM.remediation].sort(),
    );
    expect(pulumi).toHaveLength(5 * 4 + 2 + 2 * (2 + 3 + 2)); // 5 workspaces (RG, workspace, solution, tier), 2 pricings, per subscription 2 assignments, 3 roles, 2 remediations
    // Terraform adds one deployment record per tier (the data source's carrier); Pulumi has none.
    expect(cdktf.deployments.map((d) => d.name.split("/resourceGroups/")[1]!.split("/")[0]).sort()).toEqual([
      "DefaultResourceGroup-EJP",
      "DefaultResourceGroup-EUS",
      "DefaultResourceGroup-EUS",
      "DefaultResourceGroup-SUK",
      "DefaultResourceGroup-WEU",
    ]);
  });

  test("central-workspace: workspace settings per subscription, the workspace's solution and tier once", async () => {
    const config = stackFile("examples/pulumi/Pulumi.central-workspace.yaml");
    const pulumi = await pulumiResources(config, LOOKUPS);
    const cdktf = synthesized(new AutoProvisioningStack(Testing.app(), "central", stackProps(config)));
    expect(asSet(cdktf.resources)).toEqual(asSet(pulumi));
    expect(pulumi.filter((r) => r.armType === ARM.workspaceSetting)).toHaveLength(2);
    expect(pulumi.filter((r) => r.armType === ARM.solution).map((r) => r.props["location"])).toEqual(["westeurope"]);
  });
});

const BASE = { subscriptions: [SUB1, SUB2], machineRegions: { [SUB1]: ["westeurope", "eastus"], [SUB2]: ["japaneast"] } };

const VARIANTS: readonly [string, StackConfig][] = [
  ["agent ama, default workspaces, Minimal: one data collection rule per workspace", { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Minimal" } }],
  [
    "agent ama with Defender off: rules without a security-event stream, Free pricing, SecurityCenterFree",
    { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", defender: false, securityEvents: "All" }, extensions: { kubernetesPolicyAddon: true } },
  ],
  [
    "agent ama, a central workspace in a subscription outside the spec (its own provider), Common",
    { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: HUB_WS } }, extensions: { dependencyAgent: { linux: true }, identityLocation: "northeurope" } },
  ],
  [
    "agent mma, Defender off: the tier is not stored; a region outside every geography is its own",
    { subscriptions: [SUB1], machineRegions: ["westeurope", "southafricanorth", "uaenorth"], logAnalyticsAgent: { autoProvision: true, defender: false, securityEvents: "Common" } },
  ],
  [
    "agent ama with amaPolicies: each subscription's not-scopes, no remediation tasks",
    {
      ...BASE,
      logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common" },
      amaPolicies: { remediate: false, notScopes: [`/subscriptions/${SUB1}/resourceGroups/rg-self-managed`, `/subscriptions/${SUB2}/resourceGroups/rg-legacy`] },
    },
  ],
  ["agent ama with amaPolicies disabled: only the rules", { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama" }, amaPolicies: { enabled: false } }],
  ["auto provisioning off with a toggle: only the policy (examples/spec-off.yaml plus the add-on)", { subscriptions: [SUB1], extensions: { kubernetesPolicyAddon: true } }],
  // A spec file is the stack config's three keys.
  ["examples/spec-off.yaml: nothing at all", parse(readFileSync("examples/spec-off.yaml", "utf8")) as StackConfig],
];

describe("variants", () => {
  test.each(VARIANTS)("%s", async (_title, config) => {
    const pulumi = await pulumiResources(config, LOOKUPS);
    const cdktf = synthesized(new AutoProvisioningStack(Testing.app(), "variant", stackProps(config)));
    expect(asSet(cdktf.resources)).toEqual(asSet(pulumi));
    // The AMA assignments are there when they should be: per subscription, 2 extension ones and 2 per geography.
    const la = config["logAnalyticsAgent"] as { agent?: string; autoProvision?: boolean; workspace?: unknown } | undefined;
    const declared = (config["amaPolicies"] as { enabled?: boolean } | undefined)?.enabled ?? true;
    const expected = la?.agent === "ama" && la.autoProvision && declared ? (la.workspace ? 2 * 4 : 2 * 2 + 2 * 3) : 0; // SUB1: WEU, EUS; SUB2: EJP
    expect(pulumi.filter((r) => r.armType === ARM.policyAssignment && /\/asc-ama-/.test(r.name))).toHaveLength(expected);
  });

  test('agent ama with dataCollectionRule "native": the same rules through azurerm_monitor_data_collection_rule', async () => {
    const config = VARIANTS[0]![1];
    const pulumi = await pulumiResources(config, LOOKUPS);
    const cdktf = synthesized(new AutoProvisioningStack(Testing.app(), "native", { ...stackProps(config), dataCollectionRule: "native" }));
    expect(asSet(cdktf.resources)).toEqual(asSet(pulumi));
    expect(cdktf.deployments).toEqual([]);
    expect(pulumi.filter((r) => r.armType === ARM.dataCollectionRule)).toHaveLength(3);
  });
});
