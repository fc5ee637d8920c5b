/**
 * The declaration model on its own (no front end): deferred values, keys, the shared workspace's
 * single owner, and what waits for what.
 */
import {
  declarationOf,
  declareStack,
  declareSubscription,
  derive,
  isDeferred,
  opaque,
  reference,
  referencesIn,
  resolveWith,
  stackDeclarations,
  symbolic,
  CUSTOM_WORKSPACE_EVENTS_KEY,
  type StackInput,
} from "../../src/core";
import { parseSpec, type SpecInput } from "../../src/spec";

const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const HUB = "99999999-9999-9999-9999-999999999999";
const wsIn = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-${sub.slice(0, 4)}`;

function stackInput(spec: SpecInput, regions: readonly string[] = ["westeurope"]): StackInput {
  const parsed = parseSpec(spec);
  return {
    spec: parsed,
    machineRegions: new Map(parsed.subscriptions.map((s) => [s, regions])),
    sentinelOwnsSecurityEvents: false,
    amaPolicies: { enabled: true, remediate: true, notScopes: [] },
  };
}

describe("values", () => {
  test("derive computes now when every input is known, and defers otherwise", () => {
    expect(derive((a: string, b: string) => a + b, "x", "y")).toBe("xy");
    const later = derive((a: string, b: string) => a + b, "x", reference("k", "id"));
    expect(isDeferred(later)).toBe(true);
    expect(resolveWith(later, { reference: () => "<id>", opaque: () => "?", derived: (from, f) => f(...from) })).toBe("x<id>");
  });

  test("references are found inside objects, arrays and derived values; symbolic() prints them", () => {
    const value = { a: [reference("r1", "name")], b: derive((x: string) => x.toUpperCase(), reference<string>("r2", "id")), c: opaque("handle") };
    expect(referencesIn(value).map((r) => r.key)).toEqual(["r1", "r2"]);
    expect(symbolic(value)).toEqual({ a: ["<r1.name>"], b: "<R2.ID>", c: "<opaque>" });
  });
});

describe("a stack", () => {
  test("every declaration has a key of its own", () => {
    const model = declareStack(
      stackInput({ subscriptions: [SUB1, SUB2], logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common" }, extensions: { kubernetesPolicyAddon: true } }, ["westeurope", "eastus"]),
    );
    const keys = stackDeclarations(model).map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain(`${SUB1}/workspace-WEU/workspace`);
    expect(keys).toContain(`${SUB2}/ama/asc-ama-dcr-linux-EUS/remediation`);
  });

  test("a default workspace's tier waits for the workspace; an association's remediation for its roles and its workspace's rule", () => {
    const [sub] = declareStack(stackInput({ subscriptions: [SUB1], logAnalyticsAgent: { autoProvision: true, agent: "ama" } })).subscriptions;
    const { workspace, securityEvents } = sub!.defaultWorkspaces[0]!;
    const rule = declarationOf(securityEvents, "data-collection-rule")!;
    expect(rule.dependsOn).toEqual([declarationOf(workspace, "log-analytics-workspace")!.key]);
    const association = sub!.amaPolicies.find((u) => u.assignmentName === "asc-ama-dcr-windows-WEU")!;
    const roles = association.resources.filter((d) => d.kind === "role-assignment").map((d) => d.key);
    expect(declarationOf(association, "policy-remediation")!.dependsOn).toEqual([...roles, rule.key]);
  });

  test.each([
    ["the workspace's own subscription, when the spec lists it", [SUB1, SUB2], wsIn(SUB2), SUB2],
    ["else the spec's first", [SUB2, SUB1], wsIn(HUB), SUB2],
  ])("a shared workspace is declared once, owned by %s; the others wait for its rule", (_title, subscriptions, id, owner) => {
    const model = declareStack(stackInput({ subscriptions, logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: { id } } }));
    expect(model.sharedWorkspace?.owner).toBe(owner);
    expect(model.sharedWorkspace?.subscriptionId).toBe(id.split("/")[2]);
    expect(stackDeclarations(model).filter((d) => d.kind === "solution")).toHaveLength(1);
    const ruleKey = declarationOf(model.sharedWorkspace!.securityEvents!, "data-collection-rule")!.key;
    for (const s of model.subscriptions) {
      expect(s.external).toEqual([ruleKey]);
      for (const unit of s.amaPolicies.filter((u) => u.assignmentName.startsWith("asc-ama-dcr-"))) expect(declarationOf(unit, "policy-remediation")!.dependsOn).toContain(ruleKey);
    }
  });

  test("a rule in a hub subscription: each association assignment grants its roles at the rule too, in the rule's subscription, before its remediation; a rule in its own subscription gets none", () => {
    const linkedOf = (subscriptions: string[], id: string | ReturnType<typeof opaque<string>>) => {
      const model = declareStack(stackInput({ subscriptions, logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: { id: typeof id === "string" ? id : wsIn(HUB) } } }));
      return model.subscriptions.flatMap((s) =>
        s.amaPolicies.map((unit) => {
          const roles = unit.resources.filter((d) => d.kind === "role-assignment");
          const linked = roles.filter((d) => d.role.startsWith("linked-"));
          expect(declarationOf(unit, "policy-remediation")!.dependsOn).toEqual(expect.arrayContaining(roles.map((d) => d.key)));
          // A grant at the rule waits for the rule (declared by one subscription for all): its scope must exist.
          for (const d of linked) expect(d.dependsOn).toEqual([`${CUSTOM_WORKSPACE_EVENTS_KEY}/rule`]);
          return { name: unit.assignmentName, linked: linked.map((d) => symbolic(d.props) as Record<string, string>) };
        }),
      );
    };
    const hub = linkedOf([SUB1, SUB2], wsIn(HUB));
    const rule = `/subscriptions/${HUB}/resourceGroups/rg-logs/providers/Microsoft.Insights/dataCollectionRules/asc-law-9999`;
    expect(hub.filter((u) => u.name.startsWith("asc-ama-dcr-")).map((u) => u.linked.map((g) => [g.scope, g.roleDefinitionId.replace(/\/[0-9a-f-]+$/, ""), g.roleId]))).toEqual(
      [0, 1, 2, 3].map(() => [
        [rule, `/subscriptions/${HUB}/providers/Microsoft.Authorization/roleDefinitions`, "749f88d5-cbae-40b8-bcfc-e573ddc772fa"],
        [rule, `/subscriptions/${HUB}/providers/Microsoft.Authorization/roleDefinitions`, "92aaf0da-9dab-42b6-94a3-d43ce8d16293"],
      ]),
    );
    // One name per assignment, role and rule: the two subscriptions' grants at the one rule do not collide.
    const names = hub.flatMap((u) => u.linked.map((g) => g.name));
    expect(new Set(names).size).toBe(names.length);
    // The extension assignments link nothing; a rule in the assignment's own subscription is covered by its roles there.
    expect(hub.filter((u) => !u.name.startsWith("asc-ama-dcr-")).every((u) => u.linked.length === 0)).toBe(true);
    expect(linkedOf([SUB1], wsIn(SUB1)).every((u) => u.linked.length === 0)).toBe(true);
  });

  test("a rule whose workspace id is known only at deployment: its grants are derived from it, whatever its subscription", () => {
    const spec = parseSpec({ subscriptions: [SUB1], logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: { id: wsIn(SUB1) } } });
    const model = declareSubscription({
      spec,
      subscriptionId: SUB1,
      machineRegions: ["westeurope"],
      amaPolicies: { enabled: true, remediate: true, notScopes: [] },
      customWorkspace: { id: opaque<string>("an Output"), location: "westeurope", declareSolution: true, declareSecurityEvents: true, sentinelOwnsSecurityEvents: false },
    });
    const association = model.amaPolicies.find((u) => u.assignmentName === "asc-ama-dcr-windows")!;
    const linked = association.resources.filter((d) => d.kind === "role-assignment" && d.role.startsWith("linked-"));
    expect(linked.map((d) => d.role)).toEqual(["linked-0-role-749f88d5-cbae-40b8-bcfc-e573ddc772fa", "linked-0-role-92aaf0da-9dab-42b6-94a3-d43ce8d16293"]);
    for (const d of linked) {
      const props = d.props as { scope: unknown; name: unknown; roleDefinitionId: unknown };
      for (const v of [props.scope, props.name, props.roleDefinitionId]) expect(isDeferred(v)).toBe(true);
    }
    // Resolved to a hub workspace, each is what a known id gives.
    const resolved = resolveWith(linked[0]!.props, { reference: (r) => `<${r.key}>`, opaque: () => wsIn(HUB), derived: (from, compute) => compute(...from) }) as Record<string, string>;
    expect(resolved.scope).toBe(`/subscriptions/${HUB}/resourceGroups/rg-logs/providers/Microsoft.Insights/dataCollectionRules/asc-law-9999`);
    expect(resolved.roleDefinitionId).toBe(`/subscriptions/${HUB}/providers/Microsoft.Authorization/roleDefinitions/749f88d5-cbae-40b8-bcfc-e573ddc772fa`);
  });

  test.each([
    [{ installSolution: false }, ["data-collection-rule"]],
    [{ configureSecurityEvents: false }, ["solution"]],
    [{ installSolution: false, configureSecurityEvents: false }, []],
  ])("a stack that leaves the shared workspace's units to another (%j) declares only the others", (options, kinds) => {
    const spec = { subscriptions: [SUB1], logAnalyticsAgent: { autoProvision: true, agent: "ama" as const, securityEvents: "Common" as const, workspace: { id: wsIn(HUB) } } };
    const all = stackDeclarations(declareStack(stackInput(spec)));
    const model = declareStack({ ...stackInput(spec), ...options });
    const shared = (ds: typeof all) => ds.filter((d) => d.kind === "solution" || d.kind === "data-collection-rule").map((d) => d.kind);
    expect(shared(all).sort()).toEqual(["data-collection-rule", "solution"]);
    expect(shared(stackDeclarations(model)).sort()).toEqual(kinds);
    expect(model.sharedWorkspace === undefined).toBe(kinds.length === 0);
    // Everything else is the same: the subscription's own units do not depend on who declares the workspace's.
    expect(symbolic(model.subscriptions)).toEqual(symbolic(declareStack(stackInput(spec)).subscriptions));
  });

  test("a custom workspace id a front end knows only later: everything derived from it is deferred, nothing else is", () => {
    const spec = parseSpec({ subscriptions: [SUB1], logAnalyticsAgent: { autoProvision: true, workspace: { id: wsIn(SUB1) }, securityEvents: "All" } });
    const id = opaque<string>("an Output");
    const model = declareSubscription({
      spec,
      subscriptionId: SUB1,
      machineRegions: [],
      amaPolicies: { enabled: true, remediate: true, notScopes: [] },
      customWorkspace: { id, location: "westeurope", declareSolution: true, declareSecurityEvents: true, sentinelOwnsSecurityEvents: false },
    });
    const solution = declarationOf(model.customWorkspace!.solution!, "solution")!;
    expect(isDeferred(solution.props.name)).toBe(true);
    expect(solution.props.workspaceId).toBe(id);
    expect(solution.props.location).toBe("westeurope");
    expect(model.customWorkspace!.geographyCodes).toEqual(["*"]);
    expect(declarationOf({ resources: model.settings }, "workspace-setting")!.props.workspaceId).toBe(id);
  });
});
