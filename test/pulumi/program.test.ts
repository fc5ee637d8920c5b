/**
 * The root program: stack config read and validated with the spec's validators (errors name the
 * key), Pulumi.yaml's config block in step with what the program reads, endpoint selection, the
 * central workspace's owner, and the entry module's stack outputs.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { declareStack } from "../../components/pulumi/program/program";
import { STACK_CONFIG_KEYS, StackConfigError, readStackSettings } from "../../components/pulumi/program/stackConfig";
import { selectEndpoint } from "../../components/pulumi/provider";
import { configFromStackFile, startMocks, valueOf, type Props } from "./harness";
import { T } from "./graph";

const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const HUB = "99999999-9999-9999-9999-999999999999";

function configError(raw: Record<string, string>, env: NodeJS.ProcessEnv = {}): StackConfigError {
  try {
    readStackSettings(raw, env);
  } catch (err) {
    if (err instanceof StackConfigError) return err;
    throw err;
  }
  throw new Error("expected a StackConfigError");
}

describe("stack config validation", () => {
  test("a bad value fails with the key named and the allowed values", () => {
    const err = configError({ subscriptions: JSON.stringify([SUB1]), logAnalyticsAgent: JSON.stringify({ securityEvents: "Most" }) });
    expect(err.message).toBe('invalid stack config:\n  asc-autoprovision:logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All');
    expect(pulumi.RunError.isInstance(err)).toBe(true); // Pulumi prints it without a stack trace
  });

  test("the defender key: a bad value names its field and the allowed values; the project file's default {} is not managed", () => {
    const err = configError({ subscriptions: JSON.stringify([SUB1]), defender: JSON.stringify({ servers: { plan: "P3" } }) });
    expect(err.message).toBe('invalid stack config:\n  asc-autoprovision:defender.servers.plan: "P3" is not one of Off, P1, P2');
    const deprecated = configError({ subscriptions: JSON.stringify([SUB1]), defender: JSON.stringify({ plans: { KeyVaults: { enabled: true, subPlan: "PerTransaction" } } }) });
    expect(deprecated.issues.map((i) => i.path)).toEqual(["asc-autoprovision:defender.plans.KeyVaults.subPlan"]);
    expect(readStackSettings({ subscriptions: JSON.stringify([SUB1]), defender: "{}" }, {}).spec.defender).toBeUndefined();
    expect(readStackSettings({ subscriptions: JSON.stringify([SUB1]), defender: JSON.stringify({ servers: { plan: "P1" } }) }, {}).spec.defender?.servers?.plan).toBe("P1");
  });

  test("every bad key at once: missing subscriptions, unknown keys and fields, bad regions, endpoint and boolean", () => {
    const err = configError({
      logAnalyticsAgent: JSON.stringify({ autoProvision: "yes", workspace: { id: "nope" } }),
      extensions: JSON.stringify({ dependencyAgent: { mac: true } }),
      logAnalyticAgent: "{}",
      machineRegions: "westeurope",
      sentinelOwnsSecurityEvents: "maybe",
      emulatorEndpoint: "http://localhost:8443",
    });
    expect(err.issues.map((i) => i.path)).toEqual([
      "asc-autoprovision:logAnalyticAgent",
      "asc-autoprovision:subscriptions",
      "asc-autoprovision:logAnalyticsAgent.autoProvision",
      "asc-autoprovision:logAnalyticsAgent.workspace.id",
      "asc-autoprovision:extensions.dependencyAgent.mac",
      "asc-autoprovision:machineRegions",
      "asc-autoprovision:sentinelOwnsSecurityEvents",
      "asc-autoprovision:emulatorEndpoint",
    ]);
    expect(err.message).toContain("asc-autoprovision:logAnalyticAgent: is not a known key (allowed: subscriptions, managementGroups, exclude, logAnalyticsAgent, extensions, defender, machineRegions, sentinelOwnsSecurityEvents, workspaceLocation, installSolution, configureSecurityEvents, emulatorEndpoint, reconcile, amaPolicies)");
    expect(err.message).toContain("asc-autoprovision:subscriptions: must list at least one subscription (or name managementGroups)");
    expect(err.message).toContain('asc-autoprovision:logAnalyticsAgent.autoProvision: "yes" is not a boolean');
    expect(err.message).toContain("asc-autoprovision:extensions.dependencyAgent.mac: is not a known field (allowed: windows, linux)");
    expect(err.message).toContain('asc-autoprovision:machineRegions: "westeurope" is neither a list of regions nor a map from subscription id to regions');
    expect(err.message).toContain('asc-autoprovision:sentinelOwnsSecurityEvents: "maybe" is not a boolean');
    expect(err.message).toContain('asc-autoprovision:emulatorEndpoint: "http://localhost:8443" must be an https origin');
  });

  test("reconcile.state empty (a pipeline variable not set) is refused, as the CLI's --state \"\" is, not taken as the program's directory", () => {
    const err = configError({ subscriptions: JSON.stringify([SUB1]), reconcile: JSON.stringify({ mode: "apply", state: "" }) });
    expect(err.message).toMatch(/^invalid stack config:\n {2}asc-autoprovision:reconcile\.state: "": empty \(an unset variable\?\): give a directory, or an Azure Storage container URL \(https:\/\/ACCOUNT/);
  });

  test("machineRegions keyed by a subscription that is not listed, or with a non-region", () => {
    const err = configError({ subscriptions: JSON.stringify([SUB1]), machineRegions: JSON.stringify({ [SUB2]: ["eastus"], [SUB1]: ["westeurope", 7] }) });
    expect(err.message).toBe(
      "invalid stack config:\n" +
        `  asc-autoprovision:machineRegions.${SUB2}: is not one of asc-autoprovision:subscriptions (${SUB1})\n` +
        `  asc-autoprovision:machineRegions.${SUB1}[1]: 7 is not a region name (e.g. "westeurope")`,
    );
  });

  test("the seed's cross-field rule names the key to change", () => {
    const err = configError({ subscriptions: JSON.stringify([SUB1]), extensions: JSON.stringify({ dependencyAgent: { windows: true } }) });
    expect(err.message).toBe(
      "invalid stack config:\n  asc-autoprovision:extensions.dependencyAgent.windows: the Dependency agent requires the Log Analytics agent: set logAnalyticsAgent.autoProvision to true",
    );
  });

  test("a bad value fails the program (declareStack reads the running stack's config)", async () => {
    await startMocks({ config: { "asc-autoprovision:subscriptions": JSON.stringify([SUB1]), "asc-autoprovision:logAnalyticsAgent": JSON.stringify({ securityEvents: "Most" }) } });
    expect(() => declareStack()).toThrow('asc-autoprovision:logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All');
  });

  test("defaults: absent keys and Pulumi.yaml's declared defaults give the same settings", () => {
    const project = parse(readFileSync("Pulumi.yaml", "utf8"));
    const withDefaults: Record<string, string> = { subscriptions: JSON.stringify([SUB1]) };
    for (const [key, decl] of Object.entries<Props>(project.config)) {
      if (decl.default !== undefined && !(key in withDefaults)) withDefaults[key] = typeof decl.default === "string" ? decl.default : JSON.stringify(decl.default);
    }
    expect(readStackSettings(withDefaults, {})).toEqual(readStackSettings({ subscriptions: JSON.stringify([SUB1]) }, {}));
    expect(readStackSettings(withDefaults, {}).spec.logAnalyticsAgent.autoProvision).toBe(false);
  });
});

describe("amaPolicies", () => {
  const ama = JSON.stringify({ autoProvision: true, agent: "ama", securityEvents: "Common" });

  test("a bad value names the key, the field and the allowed values; a not-scope outside the spec's subscriptions is refused", () => {
    const err = configError({
      subscriptions: JSON.stringify([SUB1, SUB2]),
      logAnalyticsAgent: ama,
      amaPolicies: JSON.stringify({ remediate: "no", notScopes: [`/subscriptions/${HUB}/resourceGroups/rg`], exclude: [] }),
    });
    expect(err.message).toBe(
      "invalid stack config:\n" +
        '  asc-autoprovision:amaPolicies.remediate: "no" is not a boolean\n' +
        "  asc-autoprovision:amaPolicies.exclude: is not a known field (allowed: enabled, remediate, notScopes)",
    );
    const outside = configError({ subscriptions: JSON.stringify([SUB1, SUB2]), logAnalyticsAgent: ama, amaPolicies: JSON.stringify({ notScopes: [`/subscriptions/${HUB}/resourceGroups/rg`] }) });
    expect(outside.message).toBe(`invalid stack config:\n  asc-autoprovision:amaPolicies.notScopes[0]: "/subscriptions/${HUB}/resourceGroups/rg" is not in any of the subscriptions (${SUB1}, ${SUB2})`);
  });

  test("each subscription's assignments get the not-scopes under it; remediation follows the reconcile key unless set", async () => {
    const rg1 = `/subscriptions/${SUB1}/resourceGroups/rg-self-managed`;
    const vm2 = `/subscriptions/${SUB2}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-legacy`;
    const run = await startMocks({
      config: {
        "asc-autoprovision:subscriptions": JSON.stringify([SUB1, SUB2]),
        "asc-autoprovision:logAnalyticsAgent": ama,
        "asc-autoprovision:machineRegions": JSON.stringify(["westeurope"]),
        "asc-autoprovision:amaPolicies": JSON.stringify({ notScopes: [rg1, vm2] }),
        "asc-autoprovision:reconcile": "report",
      },
    });
    const { outputs } = declareStack();
    expect(await run.settle()).toEqual([]);
    const assignments = run.ofType(T.policyAssignment).filter((a) => run.parentOf(a)?.type === T.amaPolicy);
    expect(assignments).toHaveLength(8);
    for (const a of assignments) expect(a.inputs["notScopes"]).toEqual([a.inputs["scope"] === `/subscriptions/${SUB1}` ? rg1 : vm2]);
    expect(run.resources.filter((r) => r.type === T.remediation && run.parentOf(r)?.type === T.amaPolicy)).toEqual([]);
    expect(Object.keys(await valueOf(outputs.subscriptions[SUB1]!.amaPolicyAssignments)).sort()).toEqual([
      "asc-ama-dcr-linux-WEU",
      "asc-ama-dcr-windows-WEU",
      "asc-ama-linux",
      "asc-ama-windows",
    ]);
  });
});

describe("amaPolicies with a central workspace", () => {
  test("every subscription's association remediations wait for the one data collection rule, declared by the workspace's owner", async () => {
    const hubWs = `/subscriptions/${HUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/hub`;
    const run = await startMocks({
      config: {
        "asc-autoprovision:subscriptions": JSON.stringify([SUB1, SUB2]),
        "asc-autoprovision:logAnalyticsAgent": JSON.stringify({ autoProvision: true, agent: "ama", workspace: { id: hubWs }, securityEvents: "Common" }),
      },
    });
    const { outputs } = declareStack();
    expect(await run.settle()).toEqual([]);
    const rules = run.ofType(T.dataCollectionRule);
    expect(rules).toHaveLength(1);
    const remediations = run.resources.filter((r) => r.type === T.remediation && /asc-ama-dcr-/.test(r.inputs["remediationName"]));
    expect(remediations.map((r) => r.inputs["remediationName"] + " " + r.subscription).sort()).toEqual([
      `asc-ama-dcr-linux ${SUB1}`,
      `asc-ama-dcr-linux ${SUB2}`,
      `asc-ama-dcr-windows ${SUB1}`,
      `asc-ama-dcr-windows ${SUB2}`,
    ]);
    for (const r of remediations) expect(r.dependencies).toContain(rules[0]!.urn);
    // Outputs keep the spec's order whatever the declaration order.
    expect(Object.keys(outputs.subscriptions)).toEqual([SUB1, SUB2]);
  });
});

describe("Pulumi.yaml and the example stacks", () => {
  const project = parse(readFileSync("Pulumi.yaml", "utf8"));

  test("Pulumi.yaml declares exactly the keys the program reads; none is required (subscriptions or managementGroups: the program checks)", () => {
    expect(project.name).toBe("asc-autoprovision");
    expect(project.main).toBe("dist/components/pulumi/program/index.js");
    expect(Object.keys(project.config)).toEqual([...STACK_CONFIG_KEYS]);
    const required = Object.entries<Props>(project.config).filter(([, d]) => d.default === undefined && d.value === undefined).map(([k]) => k);
    // A stack scoped by management groups alone lists no subscription: the CLI must not require one.
    expect(required).toEqual([]);
    expect(project.config.subscriptions.default).toEqual([]);
    expect(() => readStackSettings({ subscriptions: "[]", managementGroups: "[]" }, {})).toThrow(/asc-autoprovision:subscriptions/);
    expect(project.config.subscriptions).toMatchObject({ type: "array", items: { type: "string" } });
  });

  test.each(["Pulumi.default-workspace.yaml", "Pulumi.central-workspace.yaml"])("%s uses only declared keys, of the declared types, and validates", (file) => {
    const doc = parse(readFileSync(`examples/pulumi/${file}`, "utf8"));
    const keys = Object.keys(doc.config);
    for (const key of keys) {
      const [ns, name] = key.split(":");
      expect(ns).toBe("asc-autoprovision");
      const decl = project.config[name!];
      expect(decl).toBeDefined();
      if (decl.type === "array") expect(Array.isArray(doc.config[key])).toBe(true);
      if (decl.type === "boolean") expect(typeof doc.config[key]).toBe("boolean");
    }
    const raw = Object.fromEntries(Object.entries(configFromStackFile(doc)).map(([k, v]) => [k.split(":")[1]!, v]));
    expect(() => readStackSettings(raw, {})).not.toThrow();
  });
});

describe("endpoint selection", () => {
  test("real Azure by default; config wins over the environment; only https origins", () => {
    expect(selectEndpoint(undefined, {})).toEqual({ kind: "azure" });
    expect(selectEndpoint("", {})).toEqual({ kind: "azure" });
    expect(selectEndpoint(undefined, { ASC_EMULATOR_ENDPOINT: "https://127.0.0.1:9443" })).toEqual({
      kind: "emulator",
      endpoint: "https://127.0.0.1:9443",
      metadataHost: "127.0.0.1:9443",
      source: "ASC_EMULATOR_ENDPOINT",
    });
    expect(selectEndpoint("https://localhost:8443/", { ASC_EMULATOR_ENDPOINT: "https://127.0.0.1:9443" })).toMatchObject({
      metadataHost: "localhost:8443",
      source: "asc-autoprovision:emulatorEndpoint",
    });
    expect(() => selectEndpoint(undefined, { ASC_EMULATOR_ENDPOINT: "localhost:8443" })).toThrow('ASC_EMULATOR_ENDPOINT: "localhost:8443" must be an https origin');
    expect(() => selectEndpoint("https://localhost:8443/arm", {})).toThrow("asc-autoprovision:emulatorEndpoint");
    expect(() => selectEndpoint("not a url", {})).toThrow('asc-autoprovision:emulatorEndpoint: "not a url" is not a URL');
  });

  test("the stack's emulatorEndpoint points every provider at the emulator", async () => {
    const run = await startMocks({
      config: { "asc-autoprovision:subscriptions": JSON.stringify([SUB1, SUB2]), "asc-autoprovision:emulatorEndpoint": "https://localhost:8443" },
    });
    const stack = declareStack();
    expect(await run.settle()).toEqual([]);
    expect(stack.outputs.endpoint).toBe("https://localhost:8443");
    expect(run.ofType(T.provider).map((p) => [p.inputs["subscriptionId"], p.inputs["metadataHost"], p.inputs["disableInstanceDiscovery"]])).toEqual([
      [SUB1, "localhost:8443", "true"],
      [SUB2, "localhost:8443", "true"],
    ]);
  });
});

describe("central workspace ownership", () => {
  test("a workspace outside the listed subscriptions is configured by the first one, through a provider for the workspace's subscription", async () => {
    const hubWs = `/subscriptions/${HUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/hub`;
    const run = await startMocks({
      config: {
        "asc-autoprovision:subscriptions": JSON.stringify([SUB2, SUB1]),
        "asc-autoprovision:logAnalyticsAgent": JSON.stringify({ autoProvision: true, agent: "mma", workspace: { id: hubWs }, securityEvents: "All" }),
      },
    });
    declareStack();
    expect(await run.settle()).toEqual([]);
    // SUB2 is listed first, so it declares the hub workspace's solution and tier.
    expect(run.ofType(T.provider).map((p) => [p.name, p.inputs["subscriptionId"]]).sort()).toEqual([
      [`asc-${SUB1}-provider`, SUB1],
      [`asc-${SUB2}-provider`, SUB2],
      [`asc-${SUB2}-workspace-provider`, HUB],
    ]);
    expect(run.ofType(T.solution).map((s) => run.parentOf(run.parentOf(s)!)!.name)).toEqual([`asc-${SUB2}`]);
    expect(run.ofType(T.solution).map((s) => s.subscription)).toEqual([HUB]);
    expect(run.ofType(T.dataSource).map((d) => [d.subscription, d.inputs["properties"].Tier])).toEqual([[HUB, "All"]]);
    expect(run.ofType(T.workspaceSetting).map((w) => w.subscription).sort()).toEqual([SUB1, SUB2]);
  });

  test("with Sentinel owning the central workspace's security events, a tier is refused naming the argument", async () => {
    const ws = `/subscriptions/${SUB1}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/soc`;
    const run = await startMocks({
      config: {
        "asc-autoprovision:subscriptions": JSON.stringify([SUB1]),
        "asc-autoprovision:logAnalyticsAgent": JSON.stringify({ autoProvision: true, agent: "mma", workspace: { id: ws }, securityEvents: "Common" }),
        "asc-autoprovision:sentinelOwnsSecurityEvents": "true",
      },
    });
    expect(() => declareStack()).toThrow('SecurityEventCollection "asc-11111111-1111-1111-1111-111111111111-security-events" has invalid arguments:\n  tier: "Common" cannot be set while sentinelOwnsSecurityEvents is true');
    await run.settle(); // what was registered before the refusal finishes against this test's monitor
  });
});

describe("the entry module", () => {
  test("components/pulumi/program/index.ts exports the stack outputs", async () => {
    const doc = parse(readFileSync("examples/pulumi/Pulumi.central-workspace.yaml", "utf8"));
    const run = await startMocks({ config: configFromStackFile(doc) });
    const entry = await import("../../components/pulumi/program/index");
    const outputs = await valueOf(pulumi.output({ ...entry }));
    expect(await run.settle()).toEqual([]);
    expect(Object.keys(outputs).sort()).toEqual(["endpoint", "subscriptions"]);
    expect(outputs.endpoint).toBe("azure");
    expect(Object.keys(outputs.subscriptions)).toEqual([SUB1, SUB2]);
    expect(outputs.subscriptions[SUB1]!.workspaces).toEqual({
      WEU: `/subscriptions/${SUB1}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/ops-central`,
      EUS: `/subscriptions/${SUB1}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/ops-central`,
    });
  });
});
