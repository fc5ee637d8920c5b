/**
 * AgentReconciliation through the real dynamic-provider host, over gRPC, against the emulator.
 *
 * The program (an AutoProvisioning with `reconcile`, pointed at the emulator) runs under setMocks;
 * the inputs it registers for the AgentReconciliation, `__provider` included, are what the test
 * sends. The host is `@pulumi/pulumi/cmd/dynamic-provider` spawned as the engine spawns it, with
 * ASC_EMULATOR_CONFIG in its environment (as `asc-autoprovision emulator start` prints it). The
 * calls follow an engine's: Check then Diff (preview), Create/Update (up), Read (refresh), Delete.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ComputeManagementClient } from "@azure/arm-compute";
import { AutoProvisioning } from "../../components/pulumi/autoProvisioning";
import { beginRun, journalName } from "../../src/azure";
import { emulatorInstance } from "../../src/azure/emulatorEndpoint";
import { startEmulator, type ExtensionPut, type RunningEmulator } from "../../src/emulator";
import { nameOf, resourceGroupOf } from "../../src/inventory/ids";
import { startMocks } from "./harness";
import { HostError, ProviderHost, type Props } from "./host/client";
import { UNKNOWN } from "../../components/pulumi/reconcile/reconciler";

let emu: RunningEmulator;
let dir: string;
let host: ProviderHost;
/** What the program registered for `asc-<sub>-agents` (spec, endpoint, mode, __provider). */
let registered: Props;
let sub: string;

const MMA = /^(MicrosoftMonitoringAgent|OmsAgentForLinux)$/i;
const WINDOWS_MMA = "MicrosoftMonitoringAgent";

async function armPuts(): Promise<ExtensionPut[]> {
  return (await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value.filter((p) => p.source === "arm");
}

/** Inputs as the program registers them, with another mode. */
function news(mode: "apply" | "report"): Props {
  return { ...registered, mode };
}

/** What the engine passes as news after Check: the checked inputs, `__provider` kept. */
async function checked(mode: "apply" | "report"): Promise<Props> {
  const { inputs, failures } = await host.check({}, news(mode));
  expect(failures).toEqual([]);
  return inputs;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "asc-agents-"));
  emu = await startEmulator({ statePath: join(dir, "emulator", "state.sqlite"), fleet: 60, seed: 5, remediationDeploymentMs: 2 });
  // The subscription onboarded last: no "legacy subscription" rule keeps its machines as they are.
  sub = [...emu.fleet!.subscriptions].sort((x, y) => (x.onboardedAt < y.onboardedAt ? 1 : -1))[0]!.id;

  // The program, under mocks, pointed at the emulator as the stack config would point it.
  const run = await startMocks();
  new AutoProvisioning("asc", {
    subscriptionId: sub,
    logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common" },
    endpoint: { kind: "emulator", endpoint: emu.url, metadataHost: new URL(emu.url).host, source: "test" },
    reconcile: { mode: "apply" },
  });
  expect(await run.settle()).toEqual([]);
  registered = run.named("asc-agents").inputs;
  expect(typeof registered["__provider"]).toBe("string");

  host = await ProviderHost.start({ ...process.env, ASC_EMULATOR_CONFIG: emu.env().ASC_EMULATOR_CONFIG, PULUMI_NODEJS_PROJECT: "asc-autoprovision" });
});

afterAll(async () => {
  await host?.stop();
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("AgentReconciliation over gRPC against the emulator", () => {
  test("Check rejects a bad spec, naming the key", async () => {
    const spec = { ...registered["spec"], logAnalyticsAgent: { ...registered["spec"].logAnalyticsAgent, securityEvents: "Most" } };
    const { failures } = await host.check({}, { ...registered, spec, mode: "sometimes" });
    expect(failures).toEqual([
      { property: "", reason: 'spec.logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All' },
      { property: "mode", reason: '"sometimes" is not one of apply, report' },
    ]);
  });

  test("preview on the drifted fleet: Check puts per-machine changes in the checked inputs, Diff reports changes", async () => {
    const inputs = await checked("apply");
    // The checked inputs: the spec as given (already validated by the component), and what an up would output.
    expect(inputs["spec"]).toEqual(registered["spec"]);
    expect(inputs["__provider"]).toBe(registered["__provider"]);
    expect(inputs["remainingSteps"]).toBe(0);
    expect(inputs["stepsApplied"]).toBeGreaterThan(0);
    expect(inputs["machineCount"]).toBe(inputs["machines"].length);
    const decisions = new Set(inputs["machines"].map((m: Props) => m["decision"]));
    expect(decisions.has("install")).toBe(true);
    for (const m of inputs["machines"]) {
      expect(m["id"]).toMatch(new RegExp(`^/subscriptions/${sub}/`, "i"));
      expect(m["actions"].length).toBeGreaterThan(0);
      expect(typeof m["reason"]).toBe("string");
    }
    expect(inputs["steps"]["install-extension"]).toBeGreaterThan(0);

    // A stack that last saw the same inputs: the fleet's drift alone makes the change.
    const olds = { spec: registered["spec"], endpoint: registered["endpoint"], mode: "apply", planDigest: "0000000000000000" };
    const diff = await host.diff("agents:x", olds, inputs);
    expect(diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false, diffs: [], hasDetailedDiff: false });
  });

  test("a preview (dryRun) of an apply: what the plan says is shown, the counts only the up knows are unknown", async () => {
    const { inputs, failures } = await host.check({}, { ...news("apply"), dryRun: true });
    expect(failures).toEqual([]);
    for (const key of ["stepsApplied", "stepsFailed", "remainingSteps"]) expect(inputs[key]).toBe(UNKNOWN);
    expect(inputs["machineCount"]).toBeGreaterThan(0);
    expect(Object.keys(inputs["changes"]).length).toBeGreaterThan(0);
    // Report mode runs nothing: its counts are known in a preview too.
    const report = await host.check({}, { ...news("report"), dryRun: true });
    expect(report.inputs["stepsApplied"]).toBe(0);
    expect(report.inputs["remainingSteps"]).toBeGreaterThan(0);
  });

  test("report mode: Create records the remediation steps and applies nothing; Diff is then stable", async () => {
    const predicted = await checked("report");
    const { id, properties } = await host.create(predicted);
    expect(id).toBe(`agents:${sub}`);
    expect(properties["mode"]).toBe("report");
    expect(properties["stepsApplied"]).toBe(0);
    expect(properties["remainingSteps"]).toBeGreaterThan(0);
    expect(properties["remainingSteps"]).toBe(Object.values<number>(properties["steps"]).reduce((a, b) => a + b, 0));
    expect(properties["planDigest"]).toBe(predicted["planDigest"]);
    expect(properties["machines"]).toEqual(predicted["machines"]);
    expect(properties["__provider"]).toBe(registered["__provider"]);
    expect(await armPuts()).toEqual([]);
    // The same report again is no change; report mode reports what is outstanding, it does not chase it.
    expect((await host.diff(id, properties, await checked("report"))).changes).toBe("none");
    // A state written before `stack` was an input: the stack's name alone is no change either.
    const { stack, ...before } = properties;
    expect(stack).toBe(registered["stack"]);
    expect((await host.diff(id, before, await checked("report"))).changes).toBe("none");
  });

  let state: Props;
  let id: string;

  test("apply mode: Create applies the plan, and a second Diff reports no changes", async () => {
    const created = await host.create(await checked("apply"));
    id = created.id;
    state = created.properties;
    expect(state["stepsFailed"]).toBe(0);
    expect(state["remainingSteps"]).toBe(0);
    expect(state["stepsApplied"]).toBe(Object.values<number>(state["steps"]).reduce((a, b) => a + b, 0));
    // Journaled as the CLI journals, under the engine's working directory; completed, so kept as done.
    const journals = readdirSync(join(process.cwd(), ".asc-autoprovision", "journal"));
    // (Named by the set of subscriptions and the cloud, as the CLI names it: issue 18.)
    expect(journals.some((f) => f.startsWith(`${journalName([sub], emulatorInstance(emu))}.`) && f.endsWith(".done"))).toBe(true);
    expect(state["machines"].some((m: Props) => m["decision"] === "install")).toBe(true);
    expect((await armPuts()).length).toBeGreaterThan(0);
    // No undefined and no secret crossed the wire: every value is plain JSON, no key of any workspace.
    expect(JSON.stringify(state)).not.toMatch(/workspaceKey|sharedKey|clientSecret/i);

    const again = await checked("apply");
    expect(again["machines"]).toEqual([]);
    expect((await host.diff(id, state, again)).changes).toBe("none");
  });

  let drifted: string[];

  test("Read reflects drift made behind its back", async () => {
    // Someone removes the agent extension from the two Windows VMs the apply installed it on. (On
    // Linux the agent's recent heartbeats make it a direct agent, which the planner leaves alone.)
    const compute = new ComputeManagementClient(emu.credential(), sub, emu.clientOptions());
    const installed = state["machines"].filter((m: Props) => m["decision"] === "install" && /\/virtualMachines\//i.test(m["id"]));
    drifted = [];
    for (const m of installed) {
      const rg = resourceGroupOf(m["id"]);
      const vm = nameOf(m["id"]);
      const ext = ((await compute.virtualMachineExtensions.list(rg, vm)).value ?? []).find((e) => e.typePropertiesType === WINDOWS_MMA);
      if (!ext || drifted.length === 2) continue;
      await compute.virtualMachineExtensions.beginDeleteAndWait(rg, vm, ext.name!, { updateIntervalInMs: 10 });
      drifted.push(m["id"]);
    }
    expect(drifted).toHaveLength(2);

    const read = await host.read(id, state, { spec: registered["spec"], endpoint: registered["endpoint"], mode: "apply" });
    expect(read.id).toBe(id);
    expect(read.properties["remainingSteps"]).toBe(2);
    expect(read.properties["machines"].map((m: Props) => [m["id"], m["actions"]])).toEqual(drifted.sort().map((m) => [m, ["install-extension"]]));
    // The agent still heartbeats for a while after its extension is gone: the extension is added back beside it.
    for (const m of read.properties["machines"]) expect(["install", "install-multihome"]).toContain(m["decision"]);
    expect(read.properties["stepsApplied"]).toBe(state["stepsApplied"]); // the last up's count stays
    // The inputs stay the program's (the host adds __provider), so the next preview compares the program with them.
    expect(read.inputs).toEqual({ spec: registered["spec"], endpoint: registered["endpoint"], mode: "apply", stack: registered["stack"], __provider: registered["__provider"] });
    state = read.properties;
    expect((await host.diff(id, state, await checked("apply"))).changes).toBe("some");
  });

  test("a failed step fails the update with a clear message and the partial state", async () => {
    await emu.admin("POST", "/admin/faults", {
      scripted: [{ class: "write", resourceType: "Microsoft.Compute/virtualMachines/extensions", respond: { status: 400, body: '{"error":{"code":"InjectedFailure","message":"injected by the test"}}' }, count: 1 }],
    });
    const err = await host.update(id, state, { ...(await checked("apply")), concurrency: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await emu.admin("DELETE", "/admin/faults");
    expect(err).toBeInstanceOf(HostError);
    const failure = err as HostError;
    expect(failure.message).toContain(`AgentReconciliation agents:${sub}: 1 of 2 steps failed; 1 applied. Run \`pulumi up\` again to retry what remains.`);
    expect(failure.message).toMatch(/install-extension \/subscriptions\/.*\/extensions\/.*InjectedFailure/);
    expect(failure.initFailed).toBeDefined();
    expect(failure.initFailed!.id).toBe(id);
    expect(failure.initFailed!.properties).toMatchObject({ stepsApplied: 1, stepsFailed: 1, remainingSteps: 1, mode: "apply", __provider: registered["__provider"] });
    expect(failure.initFailed!.reasons).toHaveLength(1);
    state = failure.initFailed!.properties;
  });

  test("the next up finishes the work; then nothing remains", async () => {
    const inputs = await checked("apply");
    expect(inputs["machines"].map((m: Props) => m["id"])).toHaveLength(1);
    state = await host.update(id, state, inputs);
    expect(state).toMatchObject({ stepsApplied: 1, stepsFailed: 0, remainingSteps: 0 });
    expect((await host.diff(id, state, await checked("apply"))).changes).toBe("none");
    const refreshed = await host.read(id, state, { spec: registered["spec"], endpoint: registered["endpoint"], mode: "apply" });
    expect(refreshed.properties).toMatchObject({ remainingSteps: 0, machines: [] });
  });

  test("while an apply holds the fleet's lease, an up is refused naming it and writes nothing; after it, the up runs", async () => {
    const before = await armPuts();
    // An `asc-autoprovision apply` of the same subscription on this host (the CLI takes it so).
    const apply = await beginRun({ state: join(dir, "cli-state"), subscriptions: [sub.toUpperCase()], instance: emulatorInstance(emu), command: "apply" });
    const err = await host.update(id, state, await checked("apply")).then(
      () => undefined,
      (e: unknown) => e,
    );
    await apply.end();
    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).message).toMatch(new RegExp(`subscription-${sub}.* is locked by apply \\(pid ${process.pid} .*lease id ${apply.lease.holder.id}\\)`));
    expect(await armPuts()).toEqual(before);
    state = await host.update(id, state, await checked("apply"));
    expect(state).toMatchObject({ stepsFailed: 0, remainingSteps: 0 });
  });

  test("Delete uninstalls nothing", async () => {
    const before = await armPuts();
    const compute = new ComputeManagementClient(emu.credential(), sub, emu.clientOptions());
    const count = async () => {
      let n = 0;
      for (const m of drifted) n += ((await compute.virtualMachineExtensions.list(resourceGroupOf(m), nameOf(m))).value ?? []).filter((e) => MMA.test(e.typePropertiesType ?? "")).length;
      return n;
    };
    expect(await count()).toBe(2);
    await host.delete(id, state);
    expect(await count()).toBe(2);
    expect(await armPuts()).toEqual(before);
  });
});

describe("the built program (dist), as `pulumi up` runs it", () => {
  test("its __provider loads dist/components/pulumi/reconcile/reconciler.js in a host without any hook", async () => {
    // The module `pulumi up` runs (Pulumi.yaml main is under dist/), registered under mocks.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built JavaScript, not the sources
    const built = require("../../dist/components/pulumi/reconcile/agentReconciliation") as typeof import("../../components/pulumi/reconcile/agentReconciliation");
    const run = await startMocks();
    new built.AgentReconciliation("built", { spec: registered["spec"], endpoint: registered["endpoint"], mode: "apply" });
    expect(await run.settle()).toEqual([]);
    const inputs = run.named("built").inputs;
    expect(inputs["__provider"]).toMatch(/dist[/\\]components[/\\]pulumi[/\\]reconcile[/\\]reconciler\.js/);

    const plain = await ProviderHost.start({ ...process.env, ASC_EMULATOR_CONFIG: emu.env().ASC_EMULATOR_CONFIG }, { typescript: false, cwd: tmpdir() });
    try {
      const bad = await plain.check({}, { ...inputs, spec: { ...registered["spec"], subscriptions: ["nope"] } });
      expect(bad.failures).toEqual([{ property: "", reason: expect.stringMatching(/^spec\.subscriptions\[0\]: "nope"/) }]);
      const good = await plain.check({}, inputs);
      expect(good.failures).toEqual([]);
      expect(good.inputs["remainingSteps"]).toBe(0);
      expect(good.inputs["machines"]).toEqual([]);
    } finally {
      await plain.stop();
    }
  });
});
