/**
 * Policy assignments at a management group, through arm-policy (its api-version) and Resource
 * Graph (arm-resourcegraph): PUT/GET/list/DELETE at the group's scope with a system-assigned
 * identity and notScopes, lists at a subscription that include the groups above it, and
 * `options.authorizationScopeFilter` deciding whether a subscriptions-scoped query returns them.
 */
import { PolicyClient } from "@azure/arm-policy";
import { ResourceGraphClient, type AuthorizationScopeFilter } from "@azure/arm-resourcegraph";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";

const AKS_ADDON = "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7";
const group = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;

let emu: RunningEmulator;
let subs: string[];
let policy: PolicyClient;
let graph: ResourceGraphClient;

beforeAll(async () => {
  emu = await withEmulator();
  subs = [...emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
  // root → alz → landingzones → subs[0], subs[1]; subs[2] under sandbox.
  await emu.admin("POST", "/admin/management-groups", {
    groups: [
      { name: "alz" },
      { name: "landingzones", parent: "alz", subscriptions: [subs[0], subs[1]] },
      { name: "sandbox", subscriptions: [subs[2]] },
    ],
  });
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  policy = new PolicyClient(emu.credential(), subs[0]!, opts);
  graph = new ResourceGraphClient(emu.credential(), opts);
});
afterAll(async () => emu?.stop());

const names = (list: { name?: string }[]) => list.map((a) => a.name).sort();
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("policy assignments at a management group", () => {
  it("PUT/GET with a system-assigned identity and notScopes; lists at groups and subscriptions see what is above them; DELETE", async () => {
    const created = await policy.policyAssignments.create(group("alz"), "Deploy-AKS-Policy", {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      policyDefinitionId: AKS_ADDON,
      notScopes: [`/subscriptions/${subs[1]}`],
    });
    expect(created.id).toBe(`${group("alz")}/providers/Microsoft.Authorization/policyAssignments/Deploy-AKS-Policy`);
    expect(created.scope).toBe(group("alz"));
    expect(created.notScopes).toEqual([`/subscriptions/${subs[1]}`]);
    expect(created.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    const got = await policy.policyAssignments.get(group("alz"), "Deploy-AKS-Policy");
    expect(got.identity?.principalId).toBe(created.identity?.principalId);

    // A DeployIfNotExists policy needs an identity at a group too.
    const noIdentity = await errorOf(policy.policyAssignments.create(group("sandbox"), "no-identity", { policyDefinitionId: AKS_ADDON }));
    expect(noIdentity.statusCode).toBe(400);
    // An unknown group is not a scope.
    expect((await errorOf(policy.policyAssignments.get(group("nowhere"), "x"))).statusCode).toBe(404);

    await policy.policyAssignments.create(group("sandbox"), "sandbox-addon", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: AKS_ADDON });
    await policy.policyAssignments.create(`/subscriptions/${subs[0]}`, "sub-addon", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: AKS_ADDON });

    // At a group: its own and its ancestors'.
    expect(names(await all(policy.policyAssignments.listForManagementGroup("landingzones", { filter: "atScope()" })))).toEqual(["Deploy-AKS-Policy"]);
    expect(names(await all(policy.policyAssignments.listForManagementGroup("alz", { filter: "atExactScope()" })))).toEqual(["Deploy-AKS-Policy"]);
    expect(names(await all(policy.policyAssignments.listForManagementGroup("landingzones", { filter: "atExactScope()" })))).toEqual([]);
    // At a subscription: its own and those of the groups above it (notScopes do not hide an assignment from the list).
    expect(names(await all(policy.policyAssignments.list()))).toEqual(["Deploy-AKS-Policy", "sub-addon"]);
    expect(names(await all(policy.policyAssignments.list({ filter: "atExactScope()" })))).toEqual(["sub-addon"]);
    const third = new PolicyClient(emu.credential(), subs[2]!, emu.clientOptions());
    expect(names(await all(third.policyAssignments.list({ filter: "atScope()" })))).toEqual(["sandbox-addon"]);

    // The built-in definitions are read at a group as at the tenant (PolicyDefinitions_GetAtManagementGroup).
    const builtIn = await policy.policyDefinitions.getAtManagementGroup("alz", AKS_ADDON.split("/").pop()!);
    expect(builtIn.id).toBe(AKS_ADDON);

    await policy.policyAssignments.delete(group("sandbox"), "sandbox-addon");
    expect((await errorOf(policy.policyAssignments.get(group("sandbox"), "sandbox-addon"))).statusCode).toBe(404);
  });
});

describe("Resource Graph's authorizationScopeFilter", () => {
  const QUERY = "policyresources | where type =~ 'microsoft.authorization/policyassignments' | project id, name, properties | order by id asc";
  async function query(subscriptions: string[], filter?: string): Promise<string[]> {
    const page = await graph.resources({
      query: QUERY,
      subscriptions,
      options: { resultFormat: "objectArray", ...(filter ? { authorizationScopeFilter: filter as AuthorizationScopeFilter } : {}) },
    });
    return (page.data as { name: string }[]).map((r) => r.name).sort();
  }

  it("a subscriptions-scoped query returns the groups' assignments above them only when asked (AtScopeAndAbove, AtScopeAboveAndBelow)", async () => {
    // Below the subscription: an assignment at one of its resource groups.
    await new ResourceManagementClient(emu.credential(), subs[0]!, emu.clientOptions()).resourceGroups.createOrUpdate("rg-below", { location: "eastus" });
    await policy.policyAssignments.create(`/subscriptions/${subs[0]}/resourceGroups/rg-below`, "rg-addon", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: AKS_ADDON });
    // The default (AtScopeAndBelow): the subscription's own and those below it.
    expect(await query([subs[0]!])).toEqual(["rg-addon", "sub-addon"]);
    expect(await query([subs[0]!], "AtScopeAndBelow")).toEqual(["rg-addon", "sub-addon"]);
    expect(await query([subs[0]!], "AtScopeAboveAndBelow")).toEqual(["Deploy-AKS-Policy", "rg-addon", "sub-addon"]);
    expect(await query([subs[0]!], "AtScopeAndAbove")).toEqual(["Deploy-AKS-Policy", "sub-addon"]);
    expect(await query([subs[0]!], "AtScopeExact")).toEqual(["sub-addon"]);
    // notScopes do not hide an assignment from Resource Graph either: subs[1] is under alz.
    expect(await query([subs[1]!], "AtScopeAboveAndBelow")).toEqual(["Deploy-AKS-Policy"]);
    // Under another group: alz is not above it.
    expect(await query([subs[2]!], "AtScopeAboveAndBelow")).toEqual([]);
    // A group's scope: its own (at) and what is below it.
    const underAlz = await graph.resources({ query: QUERY, managementGroups: ["alz"], options: { resultFormat: "objectArray", authorizationScopeFilter: "AtScopeExact" } });
    expect((underAlz.data as { name: string }[]).map((r) => r.name)).toEqual(["Deploy-AKS-Policy"]);
    const belowLz = await graph.resources({ query: QUERY, managementGroups: ["landingzones"], options: { resultFormat: "objectArray" } });
    expect((belowLz.data as { name: string }[]).map((r) => r.name).sort()).toEqual(["rg-addon", "sub-addon"]);
    // The tenant's query (no scope given): everything is below its root group; none is at the root itself.
    const tenant = await graph.resources({ query: QUERY, options: { resultFormat: "objectArray" } });
    expect((tenant.data as { name: string }[]).map((r) => r.name).sort()).toEqual(["Deploy-AKS-Policy", "rg-addon", "sub-addon"]);
    const atRoot = await graph.resources({ query: QUERY, options: { resultFormat: "objectArray", authorizationScopeFilter: "AtScopeExact" } });
    expect(atRoot.data).toEqual([]);
  });

  it("refuses a value outside the enum with a 400", async () => {
    const e = await errorOf(query([subs[0]!], "AtScopeAndSideways"));
    expect(e.statusCode).toBe(400);
    expect(e.message).toContain("authorizationScopeFilter");
  });
});

describe("custom policy set definitions at a management group", () => {
  const SET = `${group("alz")}/providers/Microsoft.Authorization/policySetDefinitions/Deploy-MDFC-Config`;
  const set = {
    displayName: "Deploy Microsoft Defender for Cloud configuration",
    parameters: { addonEffect: { type: "String", allowedValues: ["DeployIfNotExists", "Disabled"], defaultValue: "DeployIfNotExists" } },
    policyDefinitions: [{ policyDefinitionId: AKS_ADDON, policyDefinitionReferenceId: "aksAddon", parameters: { effect: { value: "[parameters('addonEffect')]" } } }],
  };

  it("PUT/GET/list at the group; assignable at it and below it only, its members' effect deciding the identity", async () => {
    const created = await policy.policySetDefinitions.createOrUpdateAtManagementGroup("alz", "Deploy-MDFC-Config", set);
    expect(created.id).toBe(SET);
    expect(created.policyType).toBe("Custom");
    expect((await policy.policySetDefinitions.getAtManagementGroup("alz", "Deploy-MDFC-Config")).policyDefinitions?.map((m) => m.policyDefinitionReferenceId)).toEqual(["aksAddon"]);
    // Listed where it can be assigned: at alz and below it, not under sandbox.
    expect(names(await all(policy.policySetDefinitions.listByManagementGroup("landingzones")))).toEqual(["Deploy-MDFC-Config"]);
    expect(names(await all(policy.policySetDefinitions.listByManagementGroup("sandbox")))).toEqual([]);
    expect(names(await all(policy.policySetDefinitions.list()))).toEqual(["Deploy-MDFC-Config"]);

    // A member the catalog lacks.
    const missing = await errorOf(policy.policySetDefinitions.createOrUpdateAtManagementGroup("alz", "broken", { policyDefinitions: [{ policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/00000000-0000-0000-0000-000000000000" }] }));
    expect([missing.statusCode, missing.code]).toEqual([404, "PolicyDefinitionNotFound"]);

    // Its member deploys: an identity is needed, unless the set's parameter turns the member off.
    const noIdentity = await errorOf(policy.policyAssignments.create(group("landingzones"), "mdfc", { policyDefinitionId: SET }));
    expect([noIdentity.statusCode, noIdentity.code]).toEqual([400, "InvalidCreatePolicyAssignmentRequest"]);
    const off = await policy.policyAssignments.create(group("landingzones"), "mdfc-off", { policyDefinitionId: SET, parameters: { addonEffect: { value: "Disabled" } } });
    expect(off.policyDefinitionId).toBe(SET);
    const assigned = await policy.policyAssignments.create(group("alz"), "Deploy-MDFC-Config", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: SET });
    expect(assigned.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    // Not above sandbox: out of scope.
    const outside = await errorOf(policy.policyAssignments.create(group("sandbox"), "mdfc", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: SET }));
    expect([outside.statusCode, outside.code]).toEqual([400, "InvalidCreatePolicyAssignmentRequest"]);
    expect(outside.message).toContain("out of scope");
    // A parameter the set does not declare.
    const undeclared = await errorOf(policy.policyAssignments.create(group("alz"), "mdfc-x", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: SET, parameters: { effect: { value: "Disabled" } } }));
    expect(undeclared.code).toBe("InvalidPolicyParameters");

    await policy.policyAssignments.delete(group("landingzones"), "mdfc-off");
    await policy.policyAssignments.delete(group("alz"), "Deploy-MDFC-Config");
    await policy.policySetDefinitions.deleteAtManagementGroup("alz", "Deploy-MDFC-Config");
    expect((await errorOf(policy.policySetDefinitions.getAtManagementGroup("alz", "Deploy-MDFC-Config"))).statusCode).toBe(404);
  });
});
