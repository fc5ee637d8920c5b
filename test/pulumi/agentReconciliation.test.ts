/**
 * AgentReconciliation in the resource graph (setMocks): a child of AutoProvisioning declared from
 * its spec, after everything else the component declares, with the dynamic provider serialized
 * into `__provider` (nothing but the provider's own code in it); the root program's
 * `asc-autoprovision:reconcile` key; the provider's input validation and endpoint selection.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AutoProvisioning, validateAutoProvisioningArgs } from "../../components/pulumi/autoProvisioning";
import { declareStack } from "../../components/pulumi/program/program";
import { readStackSettings, StackConfigError } from "../../components/pulumi/program/stackConfig";
import { AGENT_RECONCILIATION_TYPE, AgentReconciliation } from "../../components/pulumi/reconcile/agentReconciliation";
import { check, destroyMessage, endpointFor, validateInputs, UNKNOWN } from "../../components/pulumi/reconcile/reconciler";
import { parseBlobUrl } from "../../src/azure/state/location";
import { EMULATOR_CLIENT_SECRET } from "../../src/emulator/constants";
import { expectComponentTree, expectNoWorkspaceKeys, T } from "./graph";
import { PROJECT, STACK, startMocks, valueOf } from "./harness";

const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";

describe("AgentReconciliation under AutoProvisioning", () => {
  test("declared with reconcile: the component's child, after its resources, its inputs the component's spec", async () => {
    const run = await startMocks();
    const ap = new AutoProvisioning("asc", {
      subscriptionId: SUB1,
      logAnalyticsAgent: { autoProvision: true, securityEvents: "Common" },
      extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true } },
      machineRegions: ["westeurope", "eastus"],
      reconcile: { mode: "report", concurrency: 8 },
    });
    const outputs = await valueOf(pulumi.output({ spec: ap.spec, ids: ap.workspaceIds }));
    expect(await run.settle()).toEqual([]);

    expect(run.ofType(T.agentReconciliation)).toHaveLength(1);
    const agents = run.named("asc-agents");
    expect(agents.type).toBe(AGENT_RECONCILIATION_TYPE);
    expect(agents.custom).toBe(true);
    expect(run.parentOf(agents)?.type).toBe(T.autoProvisioning);
    // The dynamic-provider host serves it, not the component's azure-native provider.
    expect(agents.provider ?? "").not.toMatch(/pulumi:providers:azure-native/);
    const { __provider, ...inputs } = agents.inputs;
    // `stack` names its plan files (per stack, so another stack of this scope never prunes them).
    expect(inputs).toEqual({ spec: outputs.spec, endpoint: "azure", mode: "report", concurrency: 8, stack: `${PROJECT}/${STACK}` });
    expect(outputs.spec.subscriptions).toEqual([SUB1]);
    expect(typeof __provider).toBe("string");

    // It waits for the pricing, the workspaces, their tiers and the policies.
    const waitedFor = new Set(agents.dependencies);
    const before = run.resources.filter((r) => [T.pricing, T.defaultWorkspace, T.securityEvents, T.extensionPolicy].includes(r.type as never));
    expect(before.map((r) => r.type).sort()).toEqual([T.defaultWorkspace, T.defaultWorkspace, T.extensionPolicy, T.extensionPolicy, T.pricing, T.securityEvents, T.securityEvents].sort());
    // (A component in dependsOn stands for the custom resources under it.)
    const customUnder = (c: (typeof before)[number]) => run.resources.filter((r) => r.custom && r.urn !== c.urn && isUnder(r, c));
    const isUnder = (r: (typeof before)[number], c: (typeof before)[number]): boolean => {
      for (let p = run.parentOf(r); p; p = run.parentOf(p)) if (p.urn === c.urn) return true;
      return false;
    };
    for (const r of before) {
      const leaves = r.custom ? [r] : customUnder(r);
      expect(leaves.length).toBeGreaterThan(0);
      for (const leaf of leaves) expect([leaf.name, waitedFor.has(leaf.urn)]).toEqual([leaf.name, true]);
    }

    expectComponentTree(run);
    expectNoWorkspaceKeys(run, outputs);
    expect(run.named("asc").outputs["agents"]).toMatchObject({ mode: "report" });
  });

  test("without reconcile there is none; mode defaults to apply; the emulator endpoint is passed as its URL", async () => {
    let run = await startMocks();
    new AutoProvisioning("plain", { subscriptionId: SUB1, logAnalyticsAgent: { autoProvision: true } });
    expect(await run.settle()).toEqual([]);
    expect(run.ofType(T.agentReconciliation)).toEqual([]);
    expect(run.named("plain").outputs["agents"]).toBeUndefined();

    run = await startMocks();
    const endpoint = { kind: "emulator", endpoint: "https://localhost:8443", metadataHost: "localhost:8443", source: "test" } as const;
    new AutoProvisioning("emu", { subscriptionId: SUB1, endpoint, reconcile: {} });
    expect(await run.settle()).toEqual([]);
    expect(run.named("emu-agents").inputs).toMatchObject({ mode: "apply", endpoint: "https://localhost:8443" });
    expect(run.named("emu-agents").inputs).not.toHaveProperty("delegateAbove");
  });

  test("bad reconcile arguments are named", () => {
    const { issues } = validateAutoProvisioningArgs({ subscriptionId: SUB1, reconcile: { mode: "sometimes", concurrency: 0, delay: 1 } as never });
    expect(issues).toEqual([
      { path: "reconcile.delay", message: "is not a known field (allowed: mode, delegateAbove, concurrency, inventory, state)" },
      { path: "reconcile.mode", message: '"sometimes" is not one of apply, report' },
      { path: "reconcile.concurrency", message: "0 is not an integer >= 1" },
    ]);
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB1, reconcile: { inventory: "fleet.json" } }).issues).toEqual([
      { path: "reconcile.inventory", message: 'an inventory file is a snapshot: it can only be reported on (mode "report")' },
    ]);
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB1, reconcile: { mode: "report", inventory: "fleet.json" } }).issues).toEqual([]);
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB1, reconcile: "apply" as never }).issues).toEqual([
      { path: "reconcile", message: '"apply" is not an object (mode, delegateAbove, concurrency, inventory, state)' },
    ]);
    // `state` as the CLI's --state: a directory or a container URL, refused in the CLI's words.
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB1, reconcile: { state: "https://acct.blob.core.windows.net/Bad_Name" } }).issues).toEqual([
      { path: "reconcile.state", message: '"https://acct.blob.core.windows.net/Bad_Name": "Bad_Name" is not a container name (3-63 lower-case letters, digits and single hyphens)' },
    ]);
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB1, reconcile: { state: "https://acct.blob.core.windows.net/asc-state/prod" } }).issues).toEqual([]);
    expect(validateAutoProvisioningArgs({ subscriptionId: SUB1, reconcile: { state: "ci-state" } }).issues).toEqual([]);
  });

  test("reconcile.state is passed to the AgentReconciliation; absent, none is (the CLI's default)", async () => {
    const run = await startMocks();
    new AutoProvisioning("shared", { subscriptionId: SUB1, reconcile: { state: "https://acct.blob.core.windows.net/asc-state" } });
    new AutoProvisioning("local", { subscriptionId: SUB2, reconcile: {} });
    expect(await run.settle()).toEqual([]);
    expect(run.named("shared-agents").inputs).toMatchObject({ state: "https://acct.blob.core.windows.net/asc-state" });
    expect(run.named("local-agents").inputs).not.toHaveProperty("state");
  });

  test("the serialized provider holds the provider's code only: no SDK, credential or secret", async () => {
    const run = await startMocks();
    new AgentReconciliation("direct", { spec: { subscriptions: [SUB1] }, mode: "apply" });
    expect(await run.settle()).toEqual([]);
    const text: string = run.named("direct").inputs["__provider"];
    expect(text).toContain("exports.handler");
    expect(text).toMatch(/components[/\\]pulumi[/\\]reconcile[/\\]reconciler\.(ts|js)/);
    for (const banned of ["@azure/", "ClientSecretCredential", "DefaultAzureCredential", "better-sqlite3", EMULATOR_CLIENT_SECRET]) expect([banned, text.includes(banned)]).toEqual([banned, false]);
    expect(text.length).toBeLessThan(8000);
  });

  test("outputs are declared (not reset by ES2022 class fields)", async () => {
    await startMocks();
    const r = new AgentReconciliation("fields", { spec: { subscriptions: [SUB1] }, mode: "report" });
    for (const key of ["spec", "mode", "state", "stepsApplied", "stepsFailed", "remainingSteps", "steps", "machines", "machineCount", "findings", "findingCounts", "planDigest"] as const) {
      expect([key, pulumi.Output.isInstance(r[key])]).toEqual([key, true]);
    }
    expect(await valueOf(r.mode)).toBe("report");
  });
});

describe("the root program's asc-autoprovision:reconcile", () => {
  const base = { subscriptions: JSON.stringify([SUB1, SUB2]), logAnalyticsAgent: JSON.stringify({ autoProvision: true }) };

  test("off (the default), a mode, or an object; anything else is named", () => {
    expect(readStackSettings(base, {}).reconcile).toBeUndefined();
    expect(readStackSettings({ ...base, reconcile: "off" }, {}).reconcile).toBeUndefined();
    expect(readStackSettings({ ...base, reconcile: "report" }, {}).reconcile).toEqual({ mode: "report" });
    expect(readStackSettings({ ...base, reconcile: JSON.stringify({ mode: "apply", delegateAbove: 0 }) }, {}).reconcile).toEqual({ mode: "apply", delegateAbove: 0 });
    const err = (() => {
      try {
        readStackSettings({ ...base, reconcile: JSON.stringify({ mode: "Apply" }) }, {});
      } catch (e) {
        return e as StackConfigError;
      }
      throw new Error("expected a StackConfigError");
    })();
    expect(err.message).toBe('invalid stack config:\n  asc-autoprovision:reconcile.mode: "Apply" is not one of apply, report');
    expect(() => readStackSettings({ ...base, reconcile: "sometimes" }, {})).toThrow(
      'asc-autoprovision:reconcile: "sometimes" is not one of off, apply, report (or an object with mode, delegateAbove, concurrency, inventory, state)',
    );
    const url = "https://acct.blob.core.windows.net/asc-state/prod";
    expect(readStackSettings({ ...base, reconcile: JSON.stringify({ mode: "apply", state: url }) }, {}).reconcile).toEqual({ mode: "apply", state: url });
    expect(() => readStackSettings({ ...base, reconcile: JSON.stringify({ state: "https://acct.blob.core.windows.net/" }) }, {})).toThrow(
      'asc-autoprovision:reconcile.state: "https://acct.blob.core.windows.net/": expected https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] or http://HOST:PORT/ACCOUNT/CONTAINER[/PREFIX]',
    );
  });

  test("one AgentReconciliation per subscription, in the stack outputs", async () => {
    const run = await startMocks({ config: { "asc-autoprovision:subscriptions": base.subscriptions, "asc-autoprovision:logAnalyticsAgent": base.logAnalyticsAgent, "asc-autoprovision:reconcile": "report" } });
    const stack = declareStack();
    const outputs = await valueOf(pulumi.output(stack.outputs));
    expect(await run.settle()).toEqual([]);
    const agents = run.ofType(T.agentReconciliation);
    expect(agents.map((a) => [a.name, a.inputs["mode"], a.inputs["spec"].subscriptions])).toEqual([
      [`asc-${SUB1}-agents`, "report", [SUB1]],
      [`asc-${SUB2}-agents`, "report", [SUB2]],
    ]);
    expect(Object.keys(outputs.subscriptions[SUB1]!)).toContain("agents");
    expect(outputs.subscriptions[SUB1]!.agents).toMatchObject({ mode: "report" });
    expectComponentTree(run);
    expectNoWorkspaceKeys(run, outputs);
  });
});

describe("the provider's input checks and endpoint selection (no host)", () => {
  test("check names the property; unknown inputs (a preview) pass through unchecked", async () => {
    const { failures } = validateInputs({ spec: { subscriptions: [SUB1], logAnalyticsAgent: { securityEvents: "Most" } }, mode: "now", delegateAbove: -1, endpoint: "http://localhost:1" });
    expect(failures).toEqual([
      // The path in the reason: the engine prints a property's value by its top-level key only.
      { property: "", reason: 'spec.logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All' },
      { property: "mode", reason: '"now" is not one of apply, report' },
      { property: "delegateAbove", reason: "-1 is not an integer >= 0" },
      { property: "endpoint", reason: '"http://localhost:1" must be an https origin such as https://localhost:8443, "azure" or the emulator\'s state directory' },
    ]);
    const news = { spec: { subscriptions: [SUB1], logAnalyticsAgent: { workspace: { id: UNKNOWN } } }, mode: "apply" };
    expect(await check({}, news)).toEqual({ inputs: news, failures: [] });
  });

  test("a nested spec value is named in the reason, every problem at once (user trial 18a: `value {<nil>} has a problem: true is not an object`)", () => {
    const defender = { servers: { plan: "P2", agentlessScanning: true }, plans: { StorageAcounts: { enabled: true } } };
    const { failures } = validateInputs({ spec: { subscriptions: [SUB1], defender }, mode: "apply" });
    expect(failures).toEqual([
      { property: "", reason: "spec.defender.servers.agentlessScanning: true is not an object: it takes { enabled, exclusionTags } (e.g. { enabled: true })" },
      { property: "", reason: expect.stringMatching(/^spec\.defender\.plans\.StorageAcounts: is not a Defender plan \(allowed: .*StorageAccounts/) },
    ]);
  });

  test("inventory: a readable file, with mode report only", () => {
    const spec = { subscriptions: [SUB1] };
    expect(validateInputs({ spec, mode: "apply", inventory: "examples/inventory.json" }).failures).toEqual([
      { property: "inventory", reason: 'an inventory file is a snapshot: it can only be reported on (mode "report", not "apply")' },
    ]);
    expect(validateInputs({ spec, mode: "report", inventory: "no/such/inventory.json" }).failures).toEqual([
      { property: "inventory", reason: `"no/such/inventory.json" cannot be read (from ${process.cwd()})` },
    ]);
    expect(validateInputs({ spec, mode: "report", inventory: 7 }).failures).toEqual([{ property: "inventory", reason: "7 is not a file name" }]);
    expect(validateInputs({ spec, mode: "report", inventory: "examples/inventory.json" })).toEqual({ inputs: { spec: expect.anything(), mode: "report", inventory: "examples/inventory.json" }, failures: [] });
  });

  test("state: a directory or a container URL, refused as the CLI's --state is, naming the property and the shapes", () => {
    const spec = { subscriptions: [SUB1] };
    const failure = (state: unknown) => validateInputs({ spec, mode: "apply", state }).failures;
    const urls = "https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] or http://HOST:PORT/ACCOUNT/CONTAINER[/PREFIX]";
    expect(failure(7)).toEqual([{ property: "state", reason: `7: expected a directory, or an Azure Storage container URL (${urls})` }]);
    expect(failure("")).toEqual([{ property: "state", reason: `"": empty (an unset variable?): give a directory, or an Azure Storage container URL (${urls})` }]);
    expect(failure("https://acct.blob.core.windows.net/")).toEqual([{ property: "state", reason: `"https://acct.blob.core.windows.net/": expected ${urls}` }]);
    // The same words as `--state` (parseBlobUrl, which the CLI's openStateStore runs).
    expect(() => parseBlobUrl("https://acct.blob.core.windows.net/")).toThrow(`--state https://acct.blob.core.windows.net/: expected ${urls}`);
    // A SAS in the URL would be stored in the state: refused, and not echoed.
    const [sas] = failure("https://acct.blob.core.windows.net/asc-state?sv=2024&sig=SECRETSIG");
    expect(sas).toEqual({ property: "state", reason: '"https://acct.blob.core.windows.net/asc-state?…": a URL with a query or user info: give the credential in AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, not in the URL' });
    for (const ok of ["ci-state", "https://acct.blob.core.windows.net/asc-state/prod", "http://127.0.0.1:10000/devstoreaccount1/asc-state"]) {
      expect(validateInputs({ spec, mode: "apply", state: ok })).toEqual({ inputs: { spec: expect.anything(), mode: "apply", state: ok }, failures: [] });
    }
  });

  test("endpoint: azure, the environment, a directory, or a URL matched with an emulator.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-endpoint-"));
    writeFileSync(join(dir, "cert.pem"), "PEM");
    writeFileSync(join(dir, "emulator.json"), JSON.stringify({ url: "https://localhost:8443", tenantId: "t", clientId: "c", caCertPath: join(dir, "cert.pem") }));
    const env = { ASC_EMULATOR_CONFIG: join(dir, "emulator.json") };
    expect(endpointFor("azure", env).key).toBe("azure");
    expect(endpointFor(undefined, {}).key).toBe("azure");
    expect(endpointFor(undefined, env).key).toBe("emulator https://localhost:8443");
    expect(endpointFor(dir, {}).emulator).toMatchObject({ url: "https://localhost:8443", caCert: "PEM", clientSecret: EMULATOR_CLIENT_SECRET });
    expect(endpointFor("https://127.0.0.1:8443", env).key).toBe("emulator https://localhost:8443");
    expect(() => endpointFor("https://localhost:9999", env)).toThrow(`no emulator.json for https://localhost:9999: found only ${dir} (https://localhost:8443)`);
  });
});

describe("pulumi destroy's message", () => {
  const SUB = "11111111-1111-1111-1111-111111111111";
  test("says what stays, names the Defender plans left on and billed, and how to turn them off", () => {
    const spec = { subscriptions: [SUB], defender: { servers: { plan: "P2" }, plans: { StorageAccounts: { enabled: true }, KeyVaults: { enabled: false } } } };
    const message = destroyMessage(`agents:${SUB}`, { spec });
    expect(message).toContain("no agent or extension is uninstalled");
    expect(message).toContain("pricings, endpoint-protection (WDATP) switches, data collection rules, solutions, policy assignments, Guest Configuration and managed identities stay");
    expect(message).toContain("stay on and billed: VirtualMachines (Defender for Servers P2), StorageAccounts;");
    expect(message).toContain("defender.servers.plan: Off");
    expect(message).not.toContain("KeyVaults");
  });

  test("without a plan on, no plan is named", () => {
    expect(destroyMessage(`agents:${SUB}`, { spec: { subscriptions: [SUB], defender: { servers: { plan: "Off" } } } })).not.toContain("billed");
  });
});
