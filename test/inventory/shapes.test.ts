/**
 * A hand-edited inventory's ids (user trial 16, defect 10): a subscription that is not a GUID, a
 * machine id with `/resourcegroup/`, a workspace `customerId` that is not a GUID, machines of a
 * subscription the inventory does not list. Each was planned before; each is an error naming its
 * JSON path and the form allowed.
 */
import { parseInventory } from "../../src/inventory/load";
import { CLUSTER_KINDS, MACHINE_KINDS } from "../../src/inventory/schema";
import { CLUSTER_TYPES, MACHINE_TYPES } from "../../src/inventory/shapes";
import { issuesOf } from "./issues";
import { machine, SUB, SUB2, workspace } from "../helpers/fixtures";

const CUSTOMER = "8b1bf93b-7055-4ede-9a36-45fe831e0e2e";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers`;

const inventory = (parts: Record<string, unknown>) => ({ version: 1, subscriptions: [{ id: SUB }, { id: SUB2 }], ...parts });

describe("inventory ids", () => {
  it("names a type for every machine and cluster kind", () => {
    expect(Object.keys(MACHINE_TYPES)).toEqual([...MACHINE_KINDS]);
    expect(Object.keys(CLUSTER_TYPES)).toEqual([...CLUSTER_KINDS]);
  });

  it("a subscription id must be a GUID", () => {
    const issues = issuesOf({ version: 1, subscriptions: [{ id: SUB }, { id: `${SUB}x` }, { id: "prod" }] });
    expect(issues).toEqual([
      { path: "subscriptions[1].id", message: `"${SUB}x": must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)` },
      { path: "subscriptions[2].id", message: '"prod": must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)' },
    ]);
    expect(parseInventory({ version: 1, subscriptions: [{ id: SUB.toUpperCase() }] }).subscriptions).toHaveLength(1);
  });

  it("a workspace's customerId must be a GUID", () => {
    expect(issuesOf(inventory({ workspaces: [workspace("ws1", CUSTOMER), workspace("ws2", "not-a-guid")] }))).toEqual([
      { path: "workspaces[1].customerId", message: "\"not-a-guid\": must be the workspace's GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" },
    ]);
  });

  it("a machine id must be of the form its kind names, and the message says which segment departs from it", () => {
    const ids = [
      `/subscriptions/${SUB}/resourcegroup/rg-prod/providers/Microsoft.HybridCompute/machines/arc-1`,
      `/subscriptions/${SUB}x/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-1`,
      `/subscriptions/${SUB}/resourceGroups/rg-prod/provider/Microsoft.Compute/virtualMachines/vm-1`,
      `${RG}/Microsoft.Compute/disks/disk-1`,
      `${RG}/Microsoft.Compute/virtualMachines/vm-1/extensions/MDE.Windows`,
    ];
    const issues = issuesOf(inventory({ machines: ids.map((id) => ({ ...machine("x"), id })) }));
    expect(issues.map((i) => i.path)).toEqual(ids.map((_, i) => `machines[${i}].id`));
    for (const i of issues) {
      expect(i.message).toContain(
        "must be /subscriptions/<subscription GUID>/resourceGroups/<group>/providers/<type>/<name>, <type> Microsoft.Compute/virtualMachines (kind vm), Microsoft.Compute/virtualMachineScaleSets (kind vmss) or Microsoft.HybridCompute/machines (kind arc)",
      );
    }
    expect(issues.map((i) => i.message.replace(/.*\): /, ""))).toEqual([
      '"resourcegroup" stands where "resourceGroups" must',
      `"${SUB}x" is not a GUID`,
      '"provider" stands where "providers" must',
      '"Microsoft.Compute/disks" is not one of these types',
      "it has 10 segments, not 8",
    ]);
  });

  it("accepts each kind's id in any case (ARM ids compare without case)", () => {
    const machines = [
      machine("vm-1"),
      { ...machine("x"), kind: "vmss", id: `${RG}/Microsoft.Compute/virtualMachineScaleSets/ss-1` },
      { ...machine("x"), kind: "arc", id: `/SUBSCRIPTIONS/${SUB.toUpperCase()}/resourcegroups/RG/providers/microsoft.hybridcompute/MACHINES/arc-1` },
    ];
    expect(parseInventory(inventory({ machines })).machines).toHaveLength(3);
  });

  it("a machine's kind must be its id's", () => {
    const arc = { ...machine("x"), kind: "vm", id: `${RG}/Microsoft.HybridCompute/machines/arc-1` };
    expect(issuesOf(inventory({ machines: [machine("vm-1"), arc] }))).toEqual([
      { path: "machines[1].kind", message: '"vm": the id is a Microsoft.HybridCompute/machines id, whose kind is arc' },
    ]);
  });

  it("a cluster id must be an AKS or Arc-enabled Kubernetes cluster's, of its kind (absent: aks)", () => {
    const aks = { id: `${RG}/Microsoft.ContainerService/managedClusters/aks-1`, location: "westeurope" };
    const arc = { id: `${RG}/Microsoft.Kubernetes/connectedClusters/k8s-1`, location: "westeurope", kind: "arc" };
    expect(parseInventory(inventory({ clusters: [aks, arc] })).clusters).toHaveLength(2);
    const issues = issuesOf(inventory({ clusters: [aks, { ...arc, kind: undefined }, { ...aks, id: aks.id.replace("resourceGroups", "rg") }] }));
    expect(issues).toEqual([
      { path: "clusters[1].kind", message: "is absent, which means aks, but the id is a Microsoft.Kubernetes/connectedClusters id, whose kind is arc" },
      { path: "clusters[2].id", message: expect.stringContaining('"rg" stands where "resourceGroups" must') },
    ]);
  });

  it("machines and clusters of a subscription the inventory does not list are an error, once a subscription, with their count", () => {
    const OTHER = "33333333-3333-3333-3333-333333333333";
    const machines = [machine("a"), machine("b", {}, OTHER), machine("c", {}, SUB2), machine("d", {}, OTHER), machine("e", {}, OTHER.toUpperCase())];
    const clusters = [{ id: `/subscriptions/${OTHER}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1`, location: "westeurope" }];
    const issues = issuesOf({ version: 1, subscriptions: [{ id: SUB }, { id: SUB2.toUpperCase() }], machines, clusters });
    expect(issues).toEqual([
      { path: "machines[1].id", message: expect.stringMatching(new RegExp(`^is in subscription ${OTHER}, which subscriptions does not list \\(3 machines are in it, this the first\\): list the subscription, or correct the ids`)) },
      { path: "clusters[0].id", message: expect.stringMatching(new RegExp(`^is in subscription ${OTHER}, which subscriptions does not list \\(the only cluster in it\\)`)) },
    ]);
  });

  it("an unlisted subscription found among many machines, wherever it is", () => {
    const machines = Array.from({ length: 30_000 }, (_, i) => machine(`vm-${i}`, {}, i % 2 ? SUB : SUB2));
    machines[29_998] = machine("stray", {}, "44444444-4444-4444-4444-444444444444");
    expect(issuesOf(inventory({ machines })).map((i) => i.path)).toEqual(["machines[29998].id"]);
    machines[29_998] = machine("vm-29998", {}, SUB2);
    expect(parseInventory(inventory({ machines })).machines).toBe(machines);
  });

  it("a location must be an Azure region's name; a known one in its display form is the same region", () => {
    const machines = [machine("a"), { ...machine("b"), location: "mars-north-9" }, { ...machine("c"), location: "westeurop" }, { ...machine("d"), location: "West Europe" }, { ...machine("e"), location: "newregion1" }];
    const workspaces = [workspace("ws1", CUSTOMER, { location: "west-europe" })];
    expect(issuesOf(inventory({ machines, workspaces }))).toEqual([
      { path: "workspaces[0].location", message: '"west-europe": is not an Azure region name (lower-case letters and digits, e.g. "westeurope")' },
      { path: "machines[1].location", message: '"mars-north-9": is not an Azure region name (lower-case letters and digits, e.g. "westeurope")' },
      { path: "machines[2].location", message: '"westeurop": is not an Azure region: did you mean "westeurope"?' },
    ]);
    // A region newer than the tool's list, and ARM's display form of a known one, are accepted.
    machines.splice(1, 2);
    expect(parseInventory(inventory({ machines })).machines.map((m) => m.location)).toEqual(["westeurope", "West Europe", "newregion1"]);
  });

  it("settings are keyed by a listed subscription's GUID", () => {
    const OTHER = "33333333-3333-3333-3333-333333333333";
    expect(issuesOf(inventory({ settings: { prod: {} } }))).toEqual([
      { path: "settings.prod", message: '"prod" is not a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx): settings are keyed by the subscription they belong to' },
    ]);
    expect(issuesOf(inventory({ settings: { [SUB]: {}, [OTHER]: {} } }))).toEqual([
      { path: `settings.${OTHER}`, message: `are the settings of subscription ${OTHER}, which subscriptions does not list: list the subscription, or correct the key` },
    ]);
    expect(Object.keys(parseInventory(inventory({ settings: { [SUB.toUpperCase()]: {} } })).settings)).toEqual([SUB.toUpperCase()]);
  });

  it("an excluded subscription is a GUID, and not one of the subscriptions read", () => {
    const OTHER = "33333333-3333-3333-3333-333333333333";
    expect(issuesOf(inventory({ excludedSubscriptions: [OTHER, "sandbox"] }))).toEqual([
      { path: "excludedSubscriptions[1]", message: '"sandbox": must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)' },
    ]);
    expect(issuesOf(inventory({ excludedSubscriptions: [OTHER, SUB2.toUpperCase()] }))).toEqual([
      { path: "excludedSubscriptions[1]", message: `"${SUB2.toUpperCase()}" is listed in subscriptions too: a subscription is either read or excluded; remove it from one of the two` },
    ]);
    expect(parseInventory(inventory({ excludedSubscriptions: [OTHER] })).excludedSubscriptions).toEqual([OTHER]);
  });
});
