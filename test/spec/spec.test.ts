import { ValidationError } from "../../src/spec/errors";
import { parseSpec } from "../../src/spec/validate";
import { SUB } from "../helpers/fixtures";

function errorOf(input: unknown): ValidationError {
  try {
    parseSpec(input);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError");
}

describe("spec validation", () => {
  it("fills the portal's defaults", () => {
    const s = parseSpec({ subscriptions: [SUB] });
    expect(s.logAnalyticsAgent).toEqual({
      autoProvision: false,
      // Issue 14: the Azure Monitor Agent is a new spec's default (the seed's mma stays, named).
      agent: "ama",
      workspace: "default",
      securityEvents: "None",
      reconfigureExisting: false,
      defender: true,
      removeLegacyAgent: false,
      deleteUnusedDefaultWorkspaces: false,
      // Issue 17: a Manual scale set's instances are upgraded only when asked.
      upgradeManualScaleSets: false,
    });
    expect(s.extensions).toEqual({ kubernetesPolicyAddon: false, dependencyAgent: { windows: false, linux: false }, identityLocation: "eastus" });
  });

  it("names the path and the allowed values of a bad enum", () => {
    const e = errorOf({ subscriptions: [SUB], logAnalyticsAgent: { securityEvents: "Most" } });
    expect(e.issues).toEqual([{ path: "logAnalyticsAgent.securityEvents", message: '"Most" is not one of None, Minimal, Common, All' }]);
    expect(e.message).toContain('logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All');
  });

  it("names an unknown field and the fields it knows", () => {
    const e = errorOf({ subscriptions: [SUB], logAnalyticsAgent: { autoprovision: true } });
    expect(e.issues[0]!.path).toBe("logAnalyticsAgent.autoprovision");
    expect(e.issues[0]!.message).toMatch(/is not a known field \(allowed: autoProvision, agent, workspace/);
  });

  it("rejects a wrong type with the path", () => {
    const e = errorOf({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: "yes" } });
    expect(e.issues).toEqual([{ path: "logAnalyticsAgent.autoProvision", message: '"yes" is not a boolean' }]);
  });

  it("requires subscriptions as GUIDs", () => {
    // Subscriptions, or management groups since issue 15 item 4 (was "is required (array)").
    expect(errorOf({}).issues).toEqual([{ path: "subscriptions", message: "must list at least one subscription (or name managementGroups)" }]);
    expect(errorOf({ subscriptions: ["prod"] }).issues[0]).toEqual({
      path: "subscriptions[0]",
      message: '"prod": must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    });
    expect(errorOf({ subscriptions: [] }).issues[0]!.message).toMatch(/at least one subscription/);
    expect(errorOf({ subscriptions: [SUB, SUB.toUpperCase()] }).issues).toEqual([{ path: "subscriptions[1]", message: `"${SUB.toUpperCase()}" is listed twice` }]);
  });

  it("accepts default or a workspace id, and says which when neither", () => {
    const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws`;
    expect(parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { workspace: { id } } }).logAnalyticsAgent.workspace).toEqual({ id });
    const e = errorOf({ subscriptions: [SUB], logAnalyticsAgent: { workspace: "central" } });
    expect(e.issues[0]!.path).toBe("logAnalyticsAgent.workspace");
    expect(e.issues[0]!.message).toMatch(/must be "default" or \{ id: <workspace ARM id> \}/);
  });

  it("seed rule: the Dependency agent requires the Log Analytics agent", () => {
    const e = errorOf({ subscriptions: [SUB], extensions: { dependencyAgent: { linux: true } } });
    expect(e.issues).toEqual([
      { path: "extensions.dependencyAgent.linux", message: "the Dependency agent requires the Log Analytics agent: set logAnalyticsAgent.autoProvision to true" },
    ]);
    expect(() => parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true }, extensions: { dependencyAgent: { linux: true } } })).not.toThrow();
  });

  it("removeLegacyAgent with agent ama or none, not mma", () => {
    const e = errorOf({ subscriptions: [SUB], logAnalyticsAgent: { agent: "mma", removeLegacyAgent: true } });
    expect(e.issues[0]!.path).toBe("logAnalyticsAgent.removeLegacyAgent");
    expect(e.issues[0]!.message).toMatch(/"ama".*or "none"/);
  });

  it("agent none (user trial 20, item 4): taken with removeLegacyAgent; refused with what would provision or collect through an agent", () => {
    expect(parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { agent: "none", removeLegacyAgent: true } }).logAnalyticsAgent).toMatchObject({ agent: "none", autoProvision: false, removeLegacyAgent: true });
    const e = errorOf({ subscriptions: [SUB], logAnalyticsAgent: { agent: "none", autoProvision: true, securityEvents: "Common" } });
    expect(e.issues.map((i) => [i.path, i.message])).toEqual([
      ["logAnalyticsAgent.autoProvision", 'must be false with logAnalyticsAgent.agent "none": no agent is provisioned'],
      ["logAnalyticsAgent.securityEvents", '"Common" needs an agent to collect it: with logAnalyticsAgent.agent "none" leave it out (None)'],
    ]);
  });

  it("lower-cases subscription ids so they compare as ARM compares them", () => {
    expect(parseSpec({ subscriptions: [SUB.toUpperCase()] }).subscriptions).toEqual([SUB]);
  });
});
