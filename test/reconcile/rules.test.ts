/**
 * The seed's rules beyond the per-machine decisions, one test each.
 */
import { plan, stepsOf } from "../../src/core";
import { simulate } from "../../src/core";
import type { Plan } from "../../src/core";
import { renderJson } from "../../src/core";
import { ROLES, SEED_POLICIES, policyDefinitionId } from "../../src/spec/policies";
import { roleAssignmentId, stableGuid } from "../../src/core/kernel";
import { defaultWorkspace, inventory, laExtension, machine, spec, workspace, SUB, SUB2 } from "../helpers/fixtures";

const actions = (p: Plan) => p.steps.map((s) => s.action);
const byAction = stepsOf;

describe("default workspaces per geography", () => {
  it("creates one resource group and workspace per geography that machines need, in the geography's location", () => {
    const inv = inventory({
      machines: [
        machine("vm-we", { location: "westeurope" }),
        machine("vm-ne", { location: "northeurope" }),
        machine("vm-us", { location: "westus2" }),
        machine("vm-br", { location: "brazilsouth" }),
      ],
    });
    const p = plan(spec(), inv);
    expect(byAction(p, "create-resource-group").map((s) => [s.details.name, s.details.location])).toEqual([
      ["DefaultResourceGroup-EUS", "eastus"],
      ["DefaultResourceGroup-WEU", "westeurope"],
    ]);
    expect(byAction(p, "create-workspace").map((s) => [s.details.name, s.details.location, s.details.retentionInDays])).toEqual([
      [`DefaultWorkspace-${SUB}-EUS`, "eastus", 30],
      [`DefaultWorkspace-${SUB}-WEU`, "westeurope", 30],
    ]);
    const ws = byAction(p, "create-workspace")[0]!;
    expect(ws.dependsOn).toEqual([byAction(p, "create-resource-group")[0]!.id]);
    // each install waits for its workspace
    for (const s of byAction(p, "install-extension")) expect(s.dependsOn).toContain(`create-workspace:${String(s.details.workspaceId)}`);
  });

  it("creates no workspace when no machine needs one", () => {
    const inv = inventory({ machines: [machine("vm-off", { powerState: "stopped" }), machine("vm-scom", { agents: [{ kind: "scom", version: "2012" }] })] });
    const p = plan(spec(), inv);
    expect(byAction(p, "create-workspace")).toEqual([]);
    expect(byAction(p, "create-resource-group")).toEqual([]);
  });

  it("default workspaces are per subscription", () => {
    const inv = inventory({ machines: [machine("a"), machine("b", {}, SUB2)] }, "2020-01-01", [SUB, SUB2]);
    const p = plan(spec({}, {}, [SUB, SUB2]), inv);
    expect(byAction(p, "create-workspace").map((s) => s.details.name)).toEqual([`DefaultWorkspace-${SUB}-WEU`, `DefaultWorkspace-${SUB2}-WEU`]);
  });
});

describe("solutions", () => {
  it("Defender on installs Security, off installs SecurityCenterFree", () => {
    const inv = inventory({ machines: [machine("vm1")] });
    expect(byAction(plan(spec({ defender: true }), inv), "install-solution")[0]!.details).toMatchObject({
      solution: "Security",
      name: `Security(DefaultWorkspace-${SUB}-WEU)`,
      plan: { product: "OMSGallery/Security", publisher: "Microsoft" },
    });
    expect(byAction(plan(spec({ defender: false }), inv), "install-solution")[0]!.details).toMatchObject({
      solution: "SecurityCenterFree",
      plan: { product: "OMSGallery/SecurityCenterFree" },
    });
  });

  it("a workspace with SecurityCenterFree gets Security when Defender is on, and is left alone when off", () => {
    const ws = defaultWorkspace("WEU", "c1000000-0000-4000-8000-000000000000", "westeurope", SUB, { solutions: ["SecurityCenterFree"] });
    const inv = inventory({ workspaces: [ws], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", ws.customerId)] })] });
    expect(byAction(plan(spec({ defender: true }), inv), "install-solution")).toHaveLength(1);
    expect(byAction(plan(spec({ defender: false }), inv), "install-solution")).toHaveLength(0);
  });

  it("a user workspace that machines keep gets a solution if it has neither", () => {
    const userWs = workspace("team", "c2000000-0000-4000-8000-000000000000", { solutions: [] });
    const inv = inventory({ workspaces: [userWs], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", userWs.customerId)] })] });
    const p = plan(spec(), inv);
    expect(p.machines[0]!.decision).toBe("keep-user-workspace");
    expect(byAction(p, "install-solution").map((s) => s.details.workspaceId)).toEqual([userWs.id]);
  });
});

describe("security events", () => {
  const ws = defaultWorkspace("WEU", "c3000000-0000-4000-8000-000000000000", "westeurope", SUB, { solutions: ["Security"] });
  const vm = machine("vm1", { extensions: [laExtension("Windows", "1.0", ws.customerId)] });

  it("sets the tier on the target workspace in the API's words", () => {
    const p = plan(spec({ securityEvents: "Common" }), inventory({ workspaces: [ws], machines: [vm] }));
    expect(byAction(p, "set-security-events")).toMatchObject([
      { target: `${ws.id}/dataSources/SecurityEventCollectionConfiguration`, details: { tier: "Common", apiTier: "Recommended" } },
    ]);
  });

  it("no step when the tier already matches", () => {
    const done = { ...ws, securityEvents: { tier: "Minimal" as const, owner: "securityCenter" as const } };
    expect(byAction(plan(spec({ securityEvents: "Minimal" }), inventory({ workspaces: [done], machines: [vm] })), "set-security-events")).toEqual([]);
  });

  it("is stored only with Defender on: a warning and no step when it is off", () => {
    const p = plan(spec({ securityEvents: "All", defender: false }), inventory({ workspaces: [ws], machines: [vm] }));
    expect(byAction(p, "set-security-events")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "security-events-need-defender", target: "logAnalyticsAgent.securityEvents" }));
  });

  it("never configures a workspace whose security events Sentinel owns: an error finding instead", () => {
    const sentinel = { ...ws, securityEvents: { tier: "All" as const, owner: "sentinel" as const } };
    const p = plan(spec({ securityEvents: "Minimal" }), inventory({ workspaces: [sentinel], machines: [vm] }));
    expect(byAction(p, "set-security-events")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "error", code: "security-events-owned-by-sentinel", target: ws.id }));
    // tier None asks nothing of Sentinel's workspace: no conflict
    expect(plan(spec({ securityEvents: "None" }), inventory({ workspaces: [sentinel], machines: [vm] })).findings.map((f) => f.code)).not.toContain("security-events-owned-by-sentinel");
  });
});

describe("subscription settings", () => {
  it("sets the pricing tier from defender, and the workspace setting for a custom workspace", () => {
    const central = workspace("central", "c4000000-0000-4000-8000-000000000000", { solutions: ["Security"] });
    const inv = inventory({ workspaces: [central] });
    inv.settings[SUB] = { autoProvision: "Off", workspaceId: null, pricingTier: "Free" };
    const p = plan(spec({ workspace: { id: central.id } }), inv);
    expect(byAction(p, "set-pricing")).toMatchObject([{ details: { pricingName: "VirtualMachines", pricingTier: "Standard" } }]);
    expect(byAction(p, "set-workspace-setting")).toMatchObject([{ details: { scope: `/subscriptions/${SUB}`, workspaceId: central.id } }]);
  });

  it("removes a custom workspace setting when the spec goes back to default workspaces", () => {
    const inv = inventory();
    inv.settings[SUB] = { workspaceId: "/subscriptions/x/resourceGroups/r/providers/Microsoft.OperationalInsights/workspaces/w", pricingTier: "Standard" };
    expect(byAction(plan(spec(), inv), "set-workspace-setting")).toMatchObject([{ details: { workspaceId: null } }]);
  });

  it("a custom workspace that does not exist is an error, and machines are not connected to it", () => {
    const p = plan(spec({ workspace: { id: workspace("ghost", "x").id } }), inventory({ machines: [machine("vm1")] }));
    expect(p.findings.filter((f) => f.severity === "error").map((f) => f.code)).toEqual(["machines-blocked-by-workspace", "workspace-not-found"]);
    expect(byAction(p, "install-extension")).toEqual([]);
  });

  it("a subscription missing from the inventory gets a warning and no steps", () => {
    const p = plan(spec({}, {}, [SUB, SUB2]), inventory());
    expect(p.findings).toContainEqual(expect.objectContaining({ code: "subscription-not-in-inventory", target: `/subscriptions/${SUB2}` }));
  });
});

describe("Deploy-if-not-exists policies", () => {
  const ext = { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } };
  const cluster = (name: string, on: boolean) => ({
    id: `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`,
    location: "westeurope",
    addons: { azurepolicy: on },
  });

  it("assigns each policy with a managed identity and a location, grants exactly its roles, and remediates", () => {
    const inv = inventory({ machines: [machine("win1"), machine("lin1", { osType: "Linux" })], clusters: [cluster("aks1", false), cluster("aks2", true)] });
    const p = plan(spec({}, { ...ext, identityLocation: "westeurope" }), inv);
    const assigns = byAction(p, "assign-policy");
    expect(assigns.map((s) => s.details.policyDefinitionId)).toEqual([
      "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7",
      "/providers/Microsoft.Authorization/policyDefinitions/1c210e94-a481-4beb-95fa-1571b434fb04",
      "/providers/Microsoft.Authorization/policyDefinitions/4da21710-ce6f-4e06-8cdb-5cc4c93ffbee",
    ]);
    for (const a of assigns) expect(a.details).toMatchObject({ identity: "SystemAssigned", location: "westeurope", scope: `/subscriptions/${SUB}` });
    const roles = byAction(p, "grant-role").map((s) => String(s.details.roleDefinitionId).split("/").pop());
    expect(roles).toEqual([...SEED_POLICIES.kubernetesPolicyAddon.roles, ...SEED_POLICIES.dependencyAgentWindows.roles, ...SEED_POLICIES.dependencyAgentLinux.roles].map((r) => r.id));
    for (const g of byAction(p, "grant-role")) expect(g.details.scope).toBe(`/subscriptions/${SUB}`);
    const rems = byAction(p, "create-remediation");
    expect(rems.map((s) => (s.details.resourceIds as string[]).map((id) => id.split("/").pop()))).toEqual([["aks1"], ["win1"], ["lin1"]]);
    for (const r of rems) {
      const assignStep = assigns.find((a) => a.target === r.details.policyAssignmentId)!;
      expect(r.dependsOn).toContain(assignStep.id);
      expect(r.details).toMatchObject({ resourceCount: 500, parallelDeployments: 10, resourceDiscoveryMode: "ReEvaluateCompliance" });
    }
  });

  describe("someone else's assignment of the same definition", () => {
    const principal = "p0000000-0000-4000-8000-000000000000";
    const assignmentId = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/corp-aks-policy`;
    const role = (id: string) => ({ id: `r-${id}`, principalId: principal, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${id}`, scope: `/subscriptions/${SUB}` });
    const withRoles = (...roles: string[]) =>
      inventory({
        clusters: [cluster("aks1", false)],
        policyAssignments: [{ id: assignmentId, policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7", scope: `/subscriptions/${SUB}`, identityPrincipalId: principal }],
        roleAssignments: roles.map(role),
      });

    it("lacking a role: its identity is granted nothing, no remediation of it is started, a warning names the assignment and the role", () => {
      const p = plan(spec({}, { kubernetesPolicyAddon: true }), withRoles(ROLES.aksContributor.id));
      expect(byAction(p, "assign-policy")).toEqual([]);
      expect(byAction(p, "grant-role")).toEqual([]);
      expect(byAction(p, "create-remediation")).toEqual([]);
      const lacks = p.findings.filter((f) => f.code === "assignment-lacks-role");
      expect(lacks).toMatchObject([{ severity: "warning", target: assignmentId }]);
      expect(lacks[0]!.message).toContain(`lacks "${ROLES.aksPolicyAddonDeployment.name}" at /subscriptions/${SUB} for its identity ${principal}`);
      expect(lacks[0]!.message).not.toContain(ROLES.aksContributor.name);
    });

    it("a user's Dependency agent assignment lacking Log Analytics Contributor: not granted, named", () => {
      const win = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/corp-dependency-agent-win`;
      const p = plan(
        spec({}, { dependencyAgent: { windows: true } }),
        inventory({
          machines: [machine("w1")],
          policyAssignments: [{ id: win, policyDefinitionId: policyDefinitionId(SEED_POLICIES.dependencyAgentWindows), scope: `/subscriptions/${SUB}`, identityPrincipalId: principal }],
        }),
      );
      expect(byAction(p, "grant-role")).toEqual([]);
      expect(byAction(p, "create-remediation")).toEqual([]);
      expect(p.findings.find((f) => f.code === "assignment-lacks-role")).toMatchObject({ target: win, message: expect.stringContaining(`lacks "${ROLES.logAnalyticsContributor.name}"`) });
    });

    it("a role an earlier version granted to its identity: named for its owner, neither granted again nor removed", () => {
      const earlier = { ...role(ROLES.aksPolicyAddonDeployment.id), id: roleAssignmentId(`/subscriptions/${SUB}`, stableGuid(assignmentId, ROLES.aksPolicyAddonDeployment.id)) };
      const inv = withRoles(ROLES.aksContributor.id);
      inv.roleAssignments.push(earlier);
      const p = plan(spec({}, { kubernetesPolicyAddon: true }), inv);
      expect(p.steps.filter((s) => s.target.toLowerCase().includes("roleassignments"))).toEqual([]);
      const note = p.findings.find((f) => f.code === "role-granted-to-others-identity")!;
      expect(note).toMatchObject({ severity: "warning", target: assignmentId });
      expect(note.message).toContain(`"${ROLES.aksPolicyAddonDeployment.name}" (${earlier.id})`);
      expect(note.message).not.toContain(ROLES.aksContributor.name);
      // Held now: nothing is lacking, so the remediation of its clusters goes ahead.
      expect(p.findings.map((f) => f.code)).not.toContain("assignment-lacks-role");
      expect(byAction(p, "create-remediation")).toHaveLength(1);
    });

    it("with its roles: reused, the remediation of its clusters started, no finding of roles", () => {
      const p = plan(spec({}, { kubernetesPolicyAddon: true }), withRoles(ROLES.aksContributor.id, ROLES.aksPolicyAddonDeployment.id));
      expect(byAction(p, "assign-policy")).toEqual([]);
      expect(byAction(p, "grant-role")).toEqual([]);
      expect(byAction(p, "create-remediation")).toMatchObject([{ details: { policyAssignmentId: assignmentId } }]);
      expect(p.findings.map((f) => f.code)).not.toContain("assignment-lacks-role");
    });
  });

  it("a grant of this tool's name held by an earlier identity of the assignment (deleted by hand): replaced, shown so in the plan", () => {
    const scope = `/subscriptions/${SUB}`;
    const assignmentId = `${scope}/providers/Microsoft.Authorization/policyAssignments/${SEED_POLICIES.dependencyAgentWindows.shortName}`;
    const la = ROLES.logAnalyticsContributor.id;
    const grantId = roleAssignmentId(scope, stableGuid(assignmentId, la));
    const orphan = { id: grantId, principalId: "old-identity", roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${la}`, scope };
    const s = spec({}, { dependencyAgent: { windows: true } });
    for (const live of [undefined, "new-identity"]) {
      const inv = inventory({
        machines: [machine("w1")],
        policyAssignments: live ? [{ id: assignmentId, policyDefinitionId: policyDefinitionId(SEED_POLICIES.dependencyAgentWindows), scope, identityPrincipalId: live }] : [],
        roleAssignments: [orphan],
      });
      const p = plan(s, inv);
      const grants = byAction(p, "grant-role");
      expect(grants.map((g) => [g.target, g.details.principalId, g.details.replacesPrincipalId])).toEqual([[grantId, live ?? null, "old-identity"]]);
      const after = simulate(p, inv);
      expect(after.roleAssignments.filter((r) => r.id === grantId).map((r) => r.principalId)).toEqual([live ?? expect.any(String)]);
      expect(byAction(plan(s, after), "grant-role")).toEqual([]);
    }
    // The name held by the assignment's own identity: nothing to replace, nothing granted.
    const held = inventory({
      machines: [machine("w1")],
      policyAssignments: [{ id: assignmentId, policyDefinitionId: policyDefinitionId(SEED_POLICIES.dependencyAgentWindows), scope, identityPrincipalId: "old-identity" }],
      roleAssignments: [orphan],
    });
    expect(byAction(plan(s, held), "grant-role")).toEqual([]);
  });

  it("an existing assignment without identity cannot deploy: an error finding", () => {
    const inv = inventory({
      policyAssignments: [{ id: "/subscriptions/x/providers/Microsoft.Authorization/policyAssignments/a", policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/4da21710-ce6f-4e06-8cdb-5cc4c93ffbee", scope: `/subscriptions/${SUB}`, identityPrincipalId: null }],
    });
    const p = plan(spec({}, { dependencyAgent: { linux: true } }), inv);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "error", code: "assignment-without-identity" }));
  });

  it("no second remediation while one is running for the assignment", () => {
    const first = simulate(plan(spec({}, { dependencyAgent: { windows: true } }), inventory({ machines: [machine("w1")] })), inventory({ machines: [machine("w1")] }));
    first.machines.push(machine("w2"));
    first.remediations[0]!.provisioningState = "Running";
    expect(byAction(plan(spec({}, { dependencyAgent: { windows: true } }), first), "create-remediation")).toEqual([]);
    first.remediations[0]!.provisioningState = "Succeeded";
    expect(byAction(plan(spec({}, { dependencyAgent: { windows: true } }), first), "create-remediation")).toHaveLength(1);
  });

  it("the task's resourceCount also covers the non-compliant machines its deployments cannot reach, which Azure's discovery selects too", () => {
    // 600 reachable machines and 700 a deployment cannot reach (sorting first, as vm-dealloc-* do
    // before vm-none-*): a count of 600 could be spent on the unreachable ones alone.
    const reachable = Array.from({ length: 600 }, (_, i) => machine(`vm-none-${i}`));
    const unreachable = [
      ...Array.from({ length: 300 }, (_, i) => machine(`vm-dealloc-${i}`, { powerState: "deallocated" })),
      ...Array.from({ length: 300 }, (_, i) => machine(`vm-noagt-${i}`, { vmAgent: false })),
      ...Array.from({ length: 100 }, (_, i) => machine(`vm-appl-${i}`, { appliance: true })),
      // Linux ones are another policy's.
      ...Array.from({ length: 50 }, (_, i) => machine(`vm-lnx-dealloc-${i}`, { osType: "Linux", powerState: "deallocated" })),
    ];
    const rems = byAction(plan(spec({}, { dependencyAgent: { windows: true } }), inventory({ machines: [...unreachable, ...reachable] })), "create-remediation");
    expect(rems).toHaveLength(1);
    // Only the reachable ones are the task's to do (and name it); the count is what Azure will try.
    expect((rems[0]!.details.resourceIds as string[]).length).toBe(600);
    expect(rems[0]!.details.resourceCount).toBe(1300);
    // Named after what it tries: with other unreachable machines it is another task (a PUT of an
    // ended task's name does not run it again).
    const fewer = byAction(plan(spec({}, { dependencyAgent: { windows: true } }), inventory({ machines: [...unreachable.slice(1), ...reachable] })), "create-remediation");
    expect(fewer[0]!.target).not.toBe(rems[0]!.target);
    // Nothing reachable left: no task, whatever the unreachable ones.
    expect(byAction(plan(spec({}, { dependencyAgent: { windows: true } }), inventory({ machines: unreachable })), "create-remediation")).toEqual([]);
  });

  it("turning a toggle off removes only this tool's assignment and never uninstalls", () => {
    const before = inventory({ machines: [machine("w1")], clusters: [cluster("aks1", false)] });
    const applied = simulate(plan(spec({}, ext), before), before);
    const off = plan(spec({ autoProvision: false }, { kubernetesPolicyAddon: false }), applied);
    expect(actions(off)).toEqual(["unassign-policy", "unassign-policy", "unassign-policy"]);
    expect(off.machines.every((m) => m.decision === "out-of-scope")).toBe(true);
    // Each removal is said with the field that turned it off, as the toggles default to off (user trial 20).
    const said = off.findings.filter((f) => f.code === "extension-policy-removed");
    expect(said.map((f) => [f.severity, f.target]).sort()).toEqual(stepsOf(off, "unassign-policy").map((s) => ["warning", s.target]).sort());
    expect(said.map((f) => f.message.split(" is off")[0])).toEqual(expect.arrayContaining(["extensions.kubernetesPolicyAddon", "extensions.dependencyAgent.windows", "extensions.dependencyAgent.linux"]));
    expect(said[0]!.message).toMatch(/\(false, its default when the spec leaves it out\): this tool removes its own assignment asc-.* in subscription .*What it deployed stays; new resources no longer get it\. Set extensions\..* to true to keep it\.$/);
    // Nothing removed, nothing said.
    expect(plan(spec({}, ext), applied).findings.map((f) => f.code)).not.toContain("extension-policy-removed");
  });
});

describe("auto provisioning off", () => {
  it("produces no machine step at all, whatever the fleet holds", () => {
    const ws = defaultWorkspace("WEU", "c5000000-0000-4000-8000-000000000000", "westeurope");
    const inv = inventory({ workspaces: [ws], machines: [machine("a"), machine("b", { extensions: [laExtension("Windows", "0.9", ws.customerId)] })] });
    const p = plan(spec({ autoProvision: false }), inv);
    expect(p.steps).toEqual([]);
  });
});

describe("default workspace that machines still report to", () => {
  const eus = defaultWorkspace("EUS", "c6000000-0000-4000-8000-000000000000", "eastus", SUB, { solutions: ["Security"] });
  const central = workspace("central", "c7000000-0000-4000-8000-000000000000", { solutions: ["Security"] });
  const onDefault = (name: string, extra = {}) => machine(name, { extensions: [laExtension("Windows", "1.0", eus.customerId)], ...extra });

  it("is deleted only after every machine on it is reconnected (the delete waits for the reconnects)", () => {
    const inv = inventory({ workspaces: [eus, central], machines: [onDefault("a"), onDefault("b")] });
    const p = plan(spec({ workspace: { id: central.id }, reconfigureExisting: true, deleteUnusedDefaultWorkspaces: true }), inv);
    const del = byAction(p, "delete-workspace");
    expect(del).toHaveLength(1);
    expect(del[0]!.dependsOn).toEqual(byAction(p, "reconnect-extension").map((s) => s.id));
  });

  it("its delete says it is a soft delete, recoverable for 14 days with the same workspace id", () => {
    const inv = inventory({ workspaces: [eus, central], machines: [onDefault("a")] });
    const p = plan(spec({ workspace: { id: central.id }, reconfigureExisting: true, deleteUnusedDefaultWorkspaces: true }), inv);
    expect(byAction(p, "delete-workspace")).toHaveLength(1);
    const note = p.findings.find((f) => f.code === "default-workspace-soft-deleted" && f.target === eus.id);
    expect(note?.severity).toBe("info");
    expect(note?.message).toMatch(/soft-deleted for 14 days.*recovers it with the same workspace id/);
    expect(note?.message).toContain(eus.customerId);
  });

  it("is refused while a machine still reports to it", () => {
    const inv = inventory({ workspaces: [eus, central], machines: [onDefault("a"), onDefault("stopped", { powerState: "deallocated" })] });
    const p = plan(spec({ workspace: { id: central.id }, reconfigureExisting: true, deleteUnusedDefaultWorkspaces: true }), inv);
    expect(byAction(p, "delete-workspace")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "default-workspace-in-use", target: eus.id }));
  });

  it("with reconfigureExisting false it stays and is never deleted", () => {
    const inv = inventory({ workspaces: [eus, central], machines: [onDefault("a")] });
    const p = plan(spec({ workspace: { id: central.id }, reconfigureExisting: false, deleteUnusedDefaultWorkspaces: true }), inv);
    expect(byAction(p, "delete-workspace")).toEqual([]);
  });
});

describe("determinism", () => {
  it("the same input gives byte-equal JSON, whatever the order of the inventory's lists", () => {
    const ws = defaultWorkspace("EUS", "c8000000-0000-4000-8000-000000000000", "eastus");
    const machines = ["m1", "m2", "m3", "m4"].map((n, i) => machine(n, { location: i % 2 ? "eastus" : "japaneast", extensions: i === 3 ? [laExtension("Windows", "1.0", ws.customerId)] : [] }));
    const a = renderJson(plan(spec({}, { dependencyAgent: { windows: true } }), inventory({ workspaces: [ws], machines })));
    const b = renderJson(plan(spec({}, { dependencyAgent: { windows: true } }), inventory({ workspaces: [ws], machines: [...machines].reverse() })));
    expect(b).toBe(a);
  });
});
