/**
 * Microsoft's Azure CLI against the emulator, as a new user runs it: the recipe `emulator start`
 * prints (custom cloud from /metadata/endpoints, `core.instance_discovery=false`,
 * REQUESTS_CA_BUNDLE, service-principal login; no client patches), then reads and writes over
 * every resource kind the emulator serves, with CLI commands where the core CLI has them and
 * `az rest` where a command needs an extension (Arc, data collection rules, solutions, data
 * sources, Resource Graph, the Log Analytics query API). The traffic is recorded, and the test
 * checks that every served resource type saw a successful read and (unless built-in only) write.
 * Also: the ADFS-style authority older clients use.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, adfsCloudArgs, type RunningEmulator } from "../../src/emulator";
import { guessType } from "../../src/emulator/core";
import { splitPath } from "../../src/emulator/util/armId";
import { AzureCli, azureCliOrSkip } from "./azureCli";

jest.setTimeout(300_000);

const bin = azureCliOrSkip();
const suite = bin ? describe : describe.skip;

/** Types whose instances are built in: read, never written. */
// Deleted workspaces are a list: a workspace delete adds to it, a recover (a workspace PUT) takes from it.
// A scale set's instances follow it (capacity); `update-instances` (manualUpgrade) is a write of the scale set.
const READ_ONLY = new Set([
  "microsoft.authorization/policydefinitions",
  "microsoft.authorization/roledefinitions",
  "microsoft.operationalinsights/deletedworkspaces",
  "microsoft.compute/virtualmachinescalesets/virtualmachines",
]);
/** Endpoints outside the provider registry that the CLI must exercise too. */
const COMMON = ["resourcegroups", "subscriptions", "locations", "tenants", "providers", "resources", "tags", "resourcegraph", "logs", "msgraph", "extensionimages"] as const;

interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

function recorded(dir: string): Exchange[] {
  return readdirSync(dir).map((f) => {
    const x = JSON.parse(readFileSync(join(dir, f), "utf8")) as { liveRequest: { method: string; url: string }; liveResponse: { statusCode: string } };
    return { method: x.liveRequest.method, path: new URL(x.liveRequest.url).pathname, status: Number(x.liveResponse.statusCode) };
  });
}

/** What an exchange touched: a registry type (lower case) or one of COMMON. */
function kindOf(path: string): string {
  const l = splitPath(path).map((s) => s.toLowerCase());
  if (l[0] === "graph") return "msgraph";
  if (l[0] === "v1" || l[0] === "workspaces") return "logs";
  if (l[0] === "tenants") return "tenants";
  if (l.join("/") === "providers/microsoft.resourcegraph/resources") return "resourcegraph";
  if (l.includes("publishers") && l.includes("artifacttypes")) return "extensionimages";
  if (l.at(-1) === "locations" && l.length === 3) return "locations";
  if (l.at(-1) === "resources" && !l.includes("providers")) return "resources";
  if (l.slice(-3).join("/") === "microsoft.resources/tags/default") return "tags";
  if (l[2] === "providers" && (l.length === 3 || l.length === 4 || l[4] === "register")) return "providers";
  if (!l.includes("providers")) return l.length <= 2 ? "subscriptions" : "resourcegroups";
  return guessType(splitPath(path)).toLowerCase();
}

suite("the Azure CLI against the emulator", () => {
  let emu: RunningEmulator;
  let dir: string;
  let az: AzureCli;
  let sub: string;
  let ws: string;
  const rg = "rg-azcli";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "asc-azcli-"));
    emu = await startEmulator({ fleet: 48, seed: 5, statePath: join(dir, "emulator", "state.sqlite"), recordTraffic: join(dir, "traffic"), remediationDeploymentMs: 2 });
    const recipe = emu.azureCli();
    az = new AzureCli(bin!, join(dir, "az"), recipe.env);
    for (const command of recipe.commands) {
      const r = await az.run(command);
      if (r.code !== 0) throw new Error(`az ${command[0]} ${command[1]} exited ${r.code}: ${r.stderr}`);
    }
    sub = emu.subscriptionIds[1]!;
    await az.json(["account", "set", "--subscription", sub]);
    ws = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/law-azcli`;
  }, 300_000);

  afterAll(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fleet machine of a case (any running case for "any") and type in the current subscription. */
  const machine = (fleetCase: string, type: string): { id: string; group: string; name: string } => {
    const pool = fleetCase === "any" ? ["no-agent", "ama", "direct-agent-linux", "direct-agent-windows", "mma-default-workspace"].flatMap((c) => emu.fleet!.cases[c] ?? []) : (emu.fleet!.cases[fleetCase] ?? []);
    const id = pool.find((m) => m.includes(`/subscriptions/${sub}/`) && m.toLowerCase().includes(type.toLowerCase()));
    if (!id) throw new Error(`no ${fleetCase} ${type} in ${sub}`);
    return { id, group: id.split("/")[4]!, name: id.split("/").pop()! };
  };

  test("logs in with the recipe emulator start prints, and sees the emulator's subscriptions", async () => {
    const accounts = await az.json<{ id: string; cloudName: string; tenantId: string }[]>(["account", "list"]);
    expect(accounts.map((a) => a.id).sort()).toEqual([...emu.subscriptionIds].sort());
    expect(new Set(accounts.map((a) => a.cloudName))).toEqual(new Set(["AscEmulator"]));
    const cloud = await az.json<{ endpoints: Record<string, string> }>(["cloud", "show"]);
    expect(cloud.endpoints.resourceManager).toBe(`${emu.url}/`);
    expect(cloud.endpoints.microsoftGraphResourceId).toBe(`${emu.url}/graph/`);
  });

  test("subscriptions, locations, groups, tags, providers and the generic resource list", async () => {
    expect((await az.json<{ name: string }[]>(["account", "list-locations"])).map((l) => l.name)).toContain("eastus");
    // `az account tenant list` is in the account extension.
    expect((await az.json<{ value: { tenantId: string }[] }>(["rest", "--method", "get", "--url", "/tenants?api-version=2022-12-01"])).value.map((t) => t.tenantId)).toEqual([emu.tenantId]);
    await az.json(["group", "create", "-n", rg, "-l", "eastus", "--tags", "team=cli"]);
    expect(await az.json(["group", "exists", "-n", rg])).toBe(true);
    expect((await az.json<{ tags: Record<string, string> }>(["group", "show", "-n", rg])).tags).toEqual({ team: "cli" });
    await az.json(["tag", "update", "--resource-id", `/subscriptions/${sub}/resourceGroups/${rg}`, "--operation", "merge", "--tags", "owner=azcli"]);
    expect((await az.json<{ properties: { tags: Record<string, string> } }>(["tag", "list", "--resource-id", `/subscriptions/${sub}/resourceGroups/${rg}`])).properties.tags).toEqual({ team: "cli", owner: "azcli" });
    expect((await az.json<{ registrationState: string }>(["provider", "show", "-n", "Microsoft.Compute"])).registrationState).toBe("Registered");
    await az.json(["provider", "register", "-n", "Microsoft.PolicyInsights", "--wait"]);
    expect((await az.json<{ namespace: string }[]>(["provider", "list"])).map((p) => p.namespace)).toContain("Microsoft.Security");
    const vm = machine("no-agent", "virtualMachines");
    const all = await az.json<{ id: string; type: string }[]>(["resource", "list"]);
    expect(all.map((r) => r.id)).toContain(vm.id);
    // Child resources are listed too (a fleet VM's extensions), extension resources are not.
    expect(all.some((r) => r.type === "Microsoft.Compute/virtualMachines/extensions")).toBe(true);
    const byType = await az.json<{ type: string }[]>(["resource", "list", "--resource-type", "Microsoft.Compute/virtualMachines"]);
    expect(byType.length).toBeGreaterThan(0);
    expect(new Set(byType.map((r) => r.type))).toEqual(new Set(["Microsoft.Compute/virtualMachines"]));
    const tagged = await az.json<{ id: string }[]>(["resource", "list", "--tag", "ascEmulatorCase=no-agent"]);
    expect(tagged.map((r) => r.id)).toContain(vm.id);
    const located = await az.json<{ location: string }[]>(["resource", "list", "--location", "eastus"]);
    expect(new Set(located.map((r) => r.location))).toEqual(new Set(["eastus"]));
    expect((await az.json<{ id: string }[]>(["resource", "list", "-g", vm.group, "--name", vm.name])).map((r) => r.id)).toEqual([vm.id]);
  });

  test("virtual machines, their extensions (from the image catalog), identities and network interfaces", async () => {
    const vm = machine("no-agent", "virtualMachines");
    const args = ["-g", vm.group, "-n", vm.name];
    expect((await az.json<{ name: string }[]>(["vm", "list", "-g", vm.group])).map((v) => v.name)).toContain(vm.name);
    expect((await az.json<{ powerState: string }>(["vm", "show", "-d", ...args])).powerState).toBe("VM running");
    expect((await az.json<{ tags: Record<string, string> }>(["vm", "update", ...args, "--set", "tags.owner=azcli"])).tags.owner).toBe("azcli");
    const versions = await az.json<{ name: string }[]>(["vm", "extension", "image", "list-versions", "-l", "eastus", "--publisher", "Microsoft.Azure.Monitor", "-n", "AzureMonitorLinuxAgent"]);
    expect(versions.length).toBeGreaterThan(0);
    await az.json(["vm", "identity", "assign", ...args]);
    const os = (await az.json<{ storageProfile: { osDisk: { osType: string } } }>(["vm", "show", ...args])).storageProfile.osDisk.osType;
    const agent = os === "Windows" ? "AzureMonitorWindowsAgent" : "AzureMonitorLinuxAgent";
    // No --version: the CLI reads the image catalog for the latest.
    expect((await az.json<{ provisioningState: string }>(["vm", "extension", "set", "-g", vm.group, "--vm-name", vm.name, "--publisher", "Microsoft.Azure.Monitor", "-n", agent])).provisioningState).toBe("Succeeded");
    expect((await az.json<{ name: string }[]>(["vm", "extension", "list", "-g", vm.group, "--vm-name", vm.name])).map((e) => e.name)).toContain(agent);
    expect((await az.json<{ provisioningState: string }>(["vm", "extension", "show", "-g", vm.group, "--vm-name", vm.name, "-n", agent])).provisioningState).toBe("Succeeded");
    await az.json(["vm", "extension", "delete", "-g", vm.group, "--vm-name", vm.name, "-n", agent]);
    await az.json(["vm", "stop", ...args]);
    await az.json(["vm", "start", ...args]);
    const nics = await az.json<{ id: string }[]>(["vm", "nic", "list", "-g", vm.group, "--vm-name", vm.name]);
    expect(nics).toHaveLength(1);
    const nic = await az.json<{ ipConfigurations: { privateIPAddress: string }[] }>(["network", "nic", "show", "--ids", nics[0]!.id]);
    expect(nic.ipConfigurations[0]!.privateIPAddress).toMatch(/^10\.0\./);
    expect((await az.json<{ tags: Record<string, string> }>(["network", "nic", "update", "--ids", nics[0]!.id, "--set", "tags.owner=azcli"])).tags).toEqual({ owner: "azcli" });
    expect((await az.json<{ privateIps: string }[]>(["vm", "list", "-d", "-g", vm.group])).every((v) => /^10\./.test(v.privateIps))).toBe(true);
  });

  test("scale sets and their extensions", async () => {
    const vmss = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-azcli`;
    await az.json(["rest", "--method", "put", "--url", `${vmss}?api-version=2024-11-01`, "--body", JSON.stringify({
      location: "eastus", tags: { team: "cli" }, sku: { name: "Standard_B2s", capacity: 2 },
      properties: { upgradePolicy: { mode: "Automatic" }, virtualMachineProfile: { storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } }, osProfile: { computerNamePrefix: "azcli", adminUsername: "azureuser", linuxConfiguration: {} } } },
    })]);
    expect((await az.json<{ name: string }[]>(["vmss", "list", "-g", rg])).map((v) => v.name)).toEqual(["vmss-azcli"]);
    expect((await az.json<{ tags: Record<string, string> }>(["vmss", "update", "-g", rg, "-n", "vmss-azcli", "--set", "tags.owner=azcli"])).tags).toEqual({ team: "cli", owner: "azcli" });
    await az.json(["vmss", "extension", "set", "-g", rg, "--vmss-name", "vmss-azcli", "--publisher", "Microsoft.Azure.Monitor", "-n", "AzureMonitorLinuxAgent"]);
    expect((await az.json<{ name: string }[]>(["vmss", "extension", "list", "-g", rg, "--vmss-name", "vmss-azcli"])).map((e) => e.name)).toEqual(["AzureMonitorLinuxAgent"]);
    expect((await az.json<{ typeHandlerVersion: string }>(["vmss", "extension", "show", "-g", rg, "--vmss-name", "vmss-azcli", "-n", "AzureMonitorLinuxAgent"])).typeHandlerVersion).toMatch(/^\d+\.\d+$/);
    await az.json(["vmss", "extension", "delete", "-g", rg, "--vmss-name", "vmss-azcli", "-n", "AzureMonitorLinuxAgent"]);
    // The CLI edits the model's extensionProfile; the extensions child resource directly:
    await az.json(["rest", "--method", "put", "--url", `${vmss}/extensions/DependencyAgentLinux?api-version=2024-11-01`, "--body", JSON.stringify({ properties: { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", type: "DependencyAgentLinux", typeHandlerVersion: "9.10", autoUpgradeMinorVersion: true } })]);
    expect((await az.json<{ value: { name: string }[] }>(["rest", "--method", "get", "--url", `${vmss}/extensions?api-version=2024-11-01`])).value.map((e) => e.name)).toEqual(["DependencyAgentLinux"]);
    expect((await az.json<{ name: string }>(["rest", "--method", "get", "--url", `${vmss}/extensions/DependencyAgentLinux?api-version=2024-11-01`])).name).toBe("DependencyAgentLinux");
    // A Manual scale set: a model change leaves the instances behind until update-instances (manualUpgrade).
    await az.json(["vmss", "update", "-g", rg, "-n", "vmss-azcli", "--set", "upgradePolicy.mode=Manual"]);
    await az.json(["rest", "--method", "put", "--url", `${vmss}/extensions/DependencyAgentLinux?api-version=2024-11-01`, "--body", JSON.stringify({ properties: { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", type: "DependencyAgentLinux", typeHandlerVersion: "9.10", autoUpgradeMinorVersion: false } })]);
    const lagging = await az.json<{ instanceId: string; latestModelApplied: boolean }[]>(["vmss", "list-instances", "-g", rg, "-n", "vmss-azcli"]);
    expect(lagging.map((i) => [i.instanceId, i.latestModelApplied])).toEqual([["0", false], ["1", false]]);
    await az.json(["vmss", "update-instances", "-g", rg, "-n", "vmss-azcli", "--instance-ids", "*"]);
    expect((await az.json<{ latestModelApplied: boolean }[]>(["vmss", "list-instances", "-g", rg, "-n", "vmss-azcli"])).map((i) => i.latestModelApplied)).toEqual([true, true]);
  });

  test("Arc machines and their extensions (az rest: connectedmachine is an extension)", async () => {
    const arc = machine("any", "HybridCompute");
    expect((await az.json<{ properties: { status: string } }>(["rest", "--method", "get", "--url", `${arc.id}?api-version=2024-07-10`])).properties.status).toBe("Connected");
    expect((await az.json<{ tags: Record<string, string> }>(["rest", "--method", "patch", "--url", `${arc.id}?api-version=2024-07-10`, "--body", JSON.stringify({ tags: { owner: "azcli" } })])).tags.owner).toBe("azcli");
    const os = (await az.json<{ properties: { osType: string } }>(["rest", "--method", "get", "--url", `${arc.id}?api-version=2024-07-10`])).properties.osType;
    const agent = os.toLowerCase() === "windows" ? "AzureMonitorWindowsAgent" : "AzureMonitorLinuxAgent";
    const location = (await az.json<{ location: string }>(["rest", "--method", "get", "--url", `${arc.id}?api-version=2024-07-10`])).location;
    await az.json(["rest", "--method", "put", "--url", `${arc.id}/extensions/${agent}?api-version=2024-07-10`, "--body", JSON.stringify({ location, properties: { publisher: "Microsoft.Azure.Monitor", type: agent, typeHandlerVersion: "1.36", enableAutomaticUpgrade: true } })]);
    const list = await az.json<{ value: { name: string; properties: { enableAutomaticUpgrade?: boolean } }[] }>(["rest", "--method", "get", "--url", `${arc.id}/extensions?api-version=2024-07-10`]);
    expect(list.value.find((e) => e.name === agent)?.properties.enableAutomaticUpgrade).toBe(true);
    await az.json(["rest", "--method", "delete", "--url", `${arc.id}/extensions/${agent}?api-version=2024-07-10`]);
  });

  test("AKS clusters: show, tags, the Azure Policy add-on", async () => {
    const cluster = emu.fleet!.clusters.find((c) => c.id.includes(`/subscriptions/${sub}/`) && !c.azurepolicy) ?? emu.fleet!.clusters.find((c) => c.id.includes(`/subscriptions/${sub}/`))!;
    const [group, name] = [cluster.id.split("/")[4]!, cluster.id.split("/").pop()!];
    const shown = await az.json<{ servicePrincipalProfile: { clientId: string } }>(["aks", "show", "-g", group, "-n", name]);
    expect(shown.servicePrincipalProfile.clientId).toBe("msi");
    expect((await az.json<{ name: string }[]>(["aks", "list", "-g", group])).map((c) => c.name)).toContain(name);
    expect((await az.json<{ tags: Record<string, string> }>(["aks", "update", "-g", group, "-n", name, "--tags", "owner=azcli"])).tags).toMatchObject({ owner: "azcli" });
    if (!cluster.azurepolicy) {
      const enabled = await az.json<{ addonProfiles: Record<string, { enabled: boolean }> }>(["aks", "enable-addons", "-g", group, "-n", name, "-a", "azure-policy"]);
      expect(enabled.addonProfiles["azurepolicy"]?.enabled).toBe(true);
    }
  });

  test("workspaces, their keys and data sources; solutions", async () => {
    const created = await az.json<{ customerId: string }>(["monitor", "log-analytics", "workspace", "create", "-g", rg, "-n", "law-azcli", "-l", "eastus"]);
    expect(created.customerId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await az.json<{ tags: Record<string, string> }>(["monitor", "log-analytics", "workspace", "update", "-g", rg, "-n", "law-azcli", "--tags", "owner=azcli"])).tags).toEqual({ owner: "azcli" });
    const keys = await az.json<{ primarySharedKey: string }>(["monitor", "log-analytics", "workspace", "get-shared-keys", "-g", rg, "-n", "law-azcli"]);
    expect(keys.primarySharedKey.length).toBeGreaterThan(40);
    expect((await az.json<{ name: string }[]>(["monitor", "log-analytics", "workspace", "list", "-g", rg])).map((w) => w.name)).toEqual(["law-azcli"]);
    await az.json(["rest", "--method", "put", "--url", `${ws}/dataSources/events-azcli?api-version=2020-08-01`, "--body", JSON.stringify({ kind: "WindowsEvent", properties: { eventLogName: "System", eventTypes: [{ eventType: "Error" }] } })]);
    const sources = await az.json<{ value: { name: string }[] }>(["rest", "--method", "get", "--url", `${ws}/dataSources?api-version=2020-08-01&$filter=kind eq 'WindowsEvent'`]);
    expect(sources.value.map((s) => s.name)).toEqual(["events-azcli"]);
    await az.json(["rest", "--method", "delete", "--url", `${ws}/dataSources/events-azcli?api-version=2020-08-01`]);
    const solution = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationsManagement/solutions/Security(law-azcli)`;
    await az.json(["rest", "--method", "put", "--url", `${solution}?api-version=2015-11-01-preview`, "--body", JSON.stringify({ location: "eastus", plan: { name: "Security(law-azcli)", publisher: "Microsoft", product: "OMSGallery/Security", promotionCode: "" }, properties: { workspaceResourceId: ws } })]);
    expect((await az.json<{ properties: { workspaceResourceId: string } }>(["rest", "--method", "get", "--url", `${solution}?api-version=2015-11-01-preview`])).properties.workspaceResourceId).toBe(ws);
  });

  test("data collection rules and associations (az rest: the data-collection commands are an extension)", async () => {
    const rule = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Insights/dataCollectionRules/dcr-azcli`;
    await az.json(["rest", "--method", "put", "--url", `${rule}?api-version=2024-03-11`, "--body", JSON.stringify({
      location: "eastus", kind: "Linux",
      properties: { dataSources: { syslog: [{ name: "syslog", streams: ["Microsoft-Syslog"], facilityNames: ["auth"], logLevels: ["Warning"] }] }, destinations: { logAnalytics: [{ name: "law", workspaceResourceId: ws }] }, dataFlows: [{ streams: ["Microsoft-Syslog"], destinations: ["law"] }] },
    })]);
    expect((await az.json<{ tags: Record<string, string> }>(["rest", "--method", "patch", "--url", `${rule}?api-version=2024-03-11`, "--body", JSON.stringify({ tags: { owner: "azcli" } })])).tags).toEqual({ owner: "azcli" });
    const vm = machine("no-agent", "virtualMachines");
    const association = `${vm.id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/assoc-azcli`;
    await az.json(["rest", "--method", "put", "--url", `${association}?api-version=2024-03-11`, "--body", JSON.stringify({ properties: { dataCollectionRuleId: rule } })]);
    expect((await az.json<{ kind: string }>(["rest", "--method", "get", "--url", `${rule}?api-version=2024-03-11`])).kind).toBe("Linux");
    expect((await az.json<{ properties: { dataCollectionRuleId: string } }>(["rest", "--method", "get", "--url", `${association}?api-version=2024-03-11`])).properties.dataCollectionRuleId).toBe(rule);
    const associations = await az.json<{ value: { name: string }[] }>(["rest", "--method", "get", "--url", `${rule}/associations?api-version=2024-03-11`]);
    expect(associations.value.map((a) => a.name)).toEqual(["assoc-azcli"]);
    await az.json(["rest", "--method", "delete", "--url", `${association}?api-version=2024-03-11`]);
    await az.json(["rest", "--method", "delete", "--url", `${rule}?api-version=2024-03-11`]);
  });

  test("policy definitions, assignments and remediations; role definitions and assignments by role name", async () => {
    const scope = `/subscriptions/${sub}/resourceGroups/${rg}`;
    expect((await az.json<{ displayName: string }>(["policy", "definition", "show", "-n", "ca817e41-e85a-4783-bc7f-dc532d36235e"])).displayName).toMatch(/Azure Monitor Agent/);
    expect((await az.json<unknown[]>(["policy", "definition", "list"])).length).toBeGreaterThan(0);
    // An initiative (policy set definition), as Azure Landing Zones keeps Deploy-MDFC-Config: made, read and deleted.
    const members = JSON.stringify([{ policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/ca817e41-e85a-4783-bc7f-dc532d36235e" }]);
    await az.json(["policy", "set-definition", "create", "-n", "set-azcli", "--definitions", members, "--display-name", "AMA by the CLI"]);
    expect((await az.json<{ displayName: string }>(["policy", "set-definition", "show", "-n", "set-azcli"])).displayName).toBe("AMA by the CLI");
    await az.json(["policy", "set-definition", "delete", "-n", "set-azcli"]);
    const assignment = await az.json<{ id: string; identity: { principalId: string } }>(["policy", "assignment", "create", "-n", "ama-azcli", "--policy", "ca817e41-e85a-4783-bc7f-dc532d36235e", "--scope", scope, "--mi-system-assigned", "--location", "eastus"]);
    expect((await az.json<{ name: string }[]>(["policy", "assignment", "list", "--scope", scope])).map((a) => a.name)).toEqual(["ama-azcli"]);
    const roles = await az.json<{ roleName: string; name: string }[]>(["role", "definition", "list", "--name", "Virtual Machine Contributor"]);
    expect(roles.map((r) => r.roleName)).toEqual(["Virtual Machine Contributor"]);
    // By role name and by the principal's object id (resolved through Microsoft Graph on the emulator).
    await az.json(["role", "assignment", "create", "--assignee", assignment.identity.principalId, "--role", "Virtual Machine Contributor", "--scope", scope]);
    await az.json(["role", "assignment", "create", "--assignee", emu.clientId, "--role", "Reader", "--scope", scope]);
    const listed = await az.json<{ roleDefinitionName: string; principalName: string }[]>(["role", "assignment", "list", "--scope", scope]);
    expect(listed.map((a) => a.roleDefinitionName).sort()).toEqual(["Reader", "Virtual Machine Contributor"]);
    expect((await az.json<{ displayName: string }>(["ad", "sp", "show", "--id", emu.clientId])).displayName).toBeTruthy();
    await az.json(["policy", "remediation", "create", "-n", "rem-azcli", "-g", rg, "--policy-assignment", assignment.id]);
    expect((await az.json<{ name: string }[]>(["policy", "remediation", "list", "-g", rg])).map((r) => r.name)).toEqual(["rem-azcli"]);
    expect(["Accepted", "Running", "Succeeded"]).toContain((await az.json<{ provisioningState: string }>(["policy", "remediation", "show", "-n", "rem-azcli", "-g", rg])).provisioningState);
    await az.json(["role", "assignment", "delete", "--assignee", emu.clientId, "--role", "Reader", "--scope", scope]);
  });

  test("Defender's settings, vulnerability-assessment provider and a machine's assessment", async () => {
    // Microsoft.Security/settings through the CLI's own command group.
    expect((await az.json<{ name: string }[]>(["security", "setting", "list"])).map((x) => x.name)).toContain("WDATP");
    await az.json(["security", "setting", "update", "-n", "WDATP", "--data-export-settings", "{enabled:true}"]);
    expect((await az.json<{ enabled: boolean }>(["security", "setting", "show", "-n", "WDATP"])).enabled).toBe(true);
    // The CLI has no command for these two: `az rest` is how its users reach them.
    const vaUrl = `/subscriptions/${sub}/providers/Microsoft.Security/serverVulnerabilityAssessmentsSettings/azureServersSetting?api-version=2023-05-01`;
    await az.json(["rest", "--method", "put", "--url", vaUrl, "--body", JSON.stringify({ kind: "AzureServersSetting", properties: { selectedProvider: "MdeTvm" } })]);
    expect((await az.json<{ properties: { selectedProvider: string } }>(["rest", "--method", "get", "--url", vaUrl])).properties.selectedProvider).toBe("MdeTvm");
    const vm = machine("no-agent", "virtualMachines");
    const assessment = `${vm.id}/providers/Microsoft.Security/serverVulnerabilityAssessments/default?api-version=2020-01-01`;
    await az.json(["rest", "--method", "put", "--url", assessment]);
    expect((await az.json<{ properties: { provisioningState: string } }>(["rest", "--method", "get", "--url", assessment])).properties.provisioningState).toBe("Succeeded");
  });

  test("Security settings, pricings and workspace settings", async () => {
    expect((await az.json<{ autoProvision: string }>(["security", "auto-provisioning-setting", "show", "-n", "default"])).autoProvision).toBe("Off");
    await az.json(["security", "auto-provisioning-setting", "update", "-n", "default", "--auto-provision", "Off"]);
    // Azure refuses "On" since the Log Analytics agent's retirement.
    const on = await az.run(["security", "auto-provisioning-setting", "update", "-n", "default", "--auto-provision", "On"]);
    expect([on.code, on.stderr]).toEqual([1, expect.stringContaining("Deprecated")]);
    expect((await az.json<{ pricingTier: string }>(["security", "pricing", "create", "-n", "VirtualMachines", "--tier", "Standard"])).pricingTier).toBe("Standard");
    expect((await az.json<{ pricingTier: string }>(["security", "pricing", "show", "-n", "VirtualMachines"])).pricingTier).toBe("Standard");
    expect((await az.json<{ value: unknown[] }>(["security", "pricing", "list"])).value.length).toBeGreaterThan(1);
    await az.json(["security", "workspace-setting", "create", "-n", "default", "--target-workspace", ws]);
    expect((await az.json<{ workspaceId: string }>(["security", "workspace-setting", "show", "-n", "default"])).workspaceId).toBe(ws);
    expect((await az.json<unknown[]>(["security", "workspace-setting", "list"])).length).toBe(1);
    await az.json(["security", "workspace-setting", "delete", "-n", "default"]);
  });

  test("management groups", async () => {
    await az.json(["account", "management-group", "create", "--name", "mg-azcli", "--display-name", "CLI"]);
    await az.json(["account", "management-group", "subscription", "add", "--name", "mg-azcli", "--subscription", emu.subscriptionIds[2]!]);
    await az.json(["account", "management-group", "subscription", "show", "--name", "mg-azcli", "--subscription", emu.subscriptionIds[2]!]);
    const group = await az.json<{ children: { name: string }[] }>(["account", "management-group", "show", "--name", "mg-azcli", "--expand"]);
    expect(group.children.map((c) => c.name)).toEqual([emu.subscriptionIds[2]]);
    // A role at the group (Azure Landing Zones grants its groups' policy identities theirs there): created, listed, deleted.
    const mg = "/providers/Microsoft.Management/managementGroups/mg-azcli";
    const created = await az.json<{ scope: string; roleDefinitionName?: string; roleDefinitionId: string }>(["role", "assignment", "create", "--assignee", emu.clientId, "--role", "Reader", "--scope", mg]);
    expect(created.scope).toBe(mg);
    expect(created.roleDefinitionId.split("/").pop()).toBe("acdd72a7-3385-48ef-bd42-f606fba81ae7");
    const atGroup = await az.json<{ scope: string; roleDefinitionName: string }[]>(["role", "assignment", "list", "--scope", mg]);
    expect(atGroup.map((a) => [a.scope, a.roleDefinitionName])).toEqual([[mg, "Reader"]]);
    await az.json(["role", "assignment", "delete", "--assignee", emu.clientId, "--role", "Reader", "--scope", mg]);
    expect(await az.json<unknown[]>(["role", "assignment", "list", "--scope", mg])).toEqual([]);
  });

  test("Resource Graph and Log Analytics queries (az rest: both commands are extensions)", async () => {
    const graph = await az.json<{ data: { count_: number }[] }>(["rest", "--method", "post", "--url", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", "--body", JSON.stringify({ subscriptions: [sub], query: "resources | where type =~ 'microsoft.compute/virtualmachines' | summarize count_ = count()" })]);
    expect(graph.data[0]!.count_).toBeGreaterThan(0);
    const ops = emu.fleet!.workspaces.find((w) => w.id.includes(`/subscriptions/${sub}/`) && w.role !== "default") ?? emu.fleet!.workspaces[0]!;
    const logs = await az.json<{ tables: { rows: unknown[][] }[] }>(["rest", "--method", "post", "--url", `${emu.url}/v1/workspaces/${ops.customerId}/query`, "--resource", "https://api.loganalytics.io", "--body", JSON.stringify({ query: "Heartbeat | summarize count()", timespan: "P1D" })]);
    expect(typeof logs.tables[0]!.rows[0]![0]).toBe("number");
  });

  test("deletes: the workspace, then the group", async () => {
    await az.json(["rest", "--method", "delete", "--url", `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationsManagement/solutions/Security(law-azcli)?api-version=2015-11-01-preview`]);
    // Soft delete (the default), listed as deleted, recovered, then deleted for good.
    await az.json(["monitor", "log-analytics", "workspace", "delete", "-g", rg, "-n", "law-azcli", "--yes"]);
    expect((await az.json<{ name: string }[]>(["monitor", "log-analytics", "workspace", "list-deleted-workspaces", "-g", rg])).map((w) => w.name)).toEqual(["law-azcli"]);
    await az.json(["monitor", "log-analytics", "workspace", "recover", "-g", rg, "-n", "law-azcli"]);
    expect((await az.json<{ name: string }>(["monitor", "log-analytics", "workspace", "show", "-g", rg, "-n", "law-azcli"])).name).toBe("law-azcli");
    await az.json(["monitor", "log-analytics", "workspace", "delete", "-g", rg, "-n", "law-azcli", "--force", "true", "--yes"]);
    await az.json(["policy", "assignment", "delete", "-n", "ama-azcli", "--scope", `/subscriptions/${sub}/resourceGroups/${rg}`]);
    await az.json(["group", "delete", "-n", rg, "--yes"]);
    expect(await az.json(["group", "exists", "-n", rg])).toBe(false);
  });

  test("every resource kind the emulator serves was read and written through the CLI", () => {
    const ok = recorded(join(dir, "traffic")).filter((x) => x.status < 400);
    const seen = new Map<string, Set<"read" | "write">>();
    for (const x of ok) {
      const kind = kindOf(x.path);
      const set = seen.get(kind) ?? new Set();
      set.add(x.method === "GET" || x.method === "HEAD" ? "read" : "write");
      seen.set(kind, set);
    }
    const missing: string[] = [];
    for (const type of emu.resourceTypes.map((t) => t.toLowerCase())) {
      if (!seen.get(type)?.has("read")) missing.push(`${type}: read`);
      if (!READ_ONLY.has(type) && !seen.get(type)?.has("write")) missing.push(`${type}: write`);
    }
    for (const kind of COMMON) if (!seen.has(kind)) missing.push(kind);
    expect(missing).toEqual([]);
  });

  test("an older client's ADFS-style authority logs in too (no core.instance_discovery)", async () => {
    const adfs = new AzureCli(bin!, join(dir, "az-adfs"), emu.azureCli().env);
    for (const command of [adfsCloudArgs(emu.url, "AscEmulatorAdfs"), ["cloud", "set", "--name", "AscEmulatorAdfs"], ["login", "--service-principal", "--username", emu.clientId, "--password", emu.clientSecret, "--tenant", emu.tenantId]]) {
      const r = await adfs.run(command);
      expect([command.slice(0, 2).join(" "), r.code, r.stderr]).toEqual([command.slice(0, 2).join(" "), 0, ""]);
    }
    expect((await adfs.json<unknown[]>(["group", "list"])).length).toBeGreaterThan(0);
  });
});
