/**
 * The real Pulumi engine: `pulumi preview`, `up`, `refresh`, `destroy` and `stack export` with the
 * CLI (a local file backend, the passphrase secrets provider) on the agent reconciliation, against
 * `asc-autoprovision emulator start`. Each test asserts what the CLI printed or wrote. The steps
 * build on each other, in order, like a pipeline's runs on one stack.
 *
 * Without a Pulumi CLI the suite is skipped with a message saying how to get one (pulumiCli.ts).
 */
import { UNKNOWN } from "../../components/pulumi/reconcile/reconciler";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ComputeManagementClient } from "@azure/arm-compute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { EMULATOR_CLIENT_SECRET } from "../../src/emulator/constants";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../src/inventory/ids";
import { engineSuite } from "./engineSuite";
import { PROGRAM_RAN_MARKER } from "./agentsProgram";
import { projectWithEmulator, type EmulatorProcess } from "./emulatorProcess";
import { PulumiProject, PASSPHRASE, type CliResult } from "./pulumiCli";

jest.setTimeout(300_000);

const { cli, describeEngine } = engineSuite();

const TYPE = "pulumi-nodejs:dynamic/asc-autoprovision:AgentReconciliation";
const WINDOWS_MMA = "MicrosoftMonitoringAgent";

interface ExportedResource {
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}
interface MachineOut {
  readonly id: string;
  readonly decision: string;
  readonly actions: string[];
}

let emu: EmulatorProcess;
let project: PulumiProject;
let subscriptions: string[];

beforeAll(async () => {
  if (!cli) return;
  ({ project, emu } = await projectWithEmulator(cli, 20));
  // The fleet's first subscription was onboarded before 2019-03-17 (the seed's legacy rule keeps its machines as they are).
  subscriptions = emu.subscriptionIds.slice(1);
  await project.ok(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
  for (const [i, sub] of subscriptions.entries()) await project.ok(["config", "set", "--path", `asc-autoprovision:subscriptions[${i}]`, sub]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.autoProvision", "true"]);
  // The seed's agent: these tests read its per-geography default workspaces (the default agent is ama).
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.agent", "mma"]);
  await project.ok(["config", "set", "asc-autoprovision:reconcile", "apply"]);
  await project.ok(["config", "set", "asc-autoprovision:emulatorEndpoint", emu.endpoint.url]);
  // A secret in the stack config: the passphrase provider must keep it out of the state and the config file in plain text.
  await project.ok(["config", "set", "--secret", "azure-native:clientSecret", EMULATOR_CLIENT_SECRET]);
});

afterAll(async () => {
  await emu?.stop();
  project?.remove();
});

async function exported(): Promise<{ text: string; agents: ExportedResource }> {
  const { stdout } = await project.ok(["stack", "export"]);
  const state = JSON.parse(stdout) as { deployment: { resources?: ExportedResource[] } };
  const agents = (state.deployment.resources ?? []).find((r) => r.type === TYPE);
  if (!agents) throw new Error(`no ${TYPE} in the exported state`);
  return { text: stdout, agents };
}

/** The `changes` lines the diff shows: `<machine id>: "<decision> -> <workspace>: <actions>"`. */
function changeLines(result: CliResult): string[] {
  return result.stdout.split("\n").filter((l) => /^\s*[+~-]?\s*\/subscriptions\/\S+\s*: "/.test(l));
}

describeEngine("the Pulumi CLI on the agent reconciliation, against the emulator", () => {
  test("pulumi preview --diff shows, per machine, the decision and target workspace: the engine's own diff", async () => {
    const result = await project.ok(["preview", "--diff"]);
    expect(result.stdout).toContain(`+ ${TYPE}: (create)`);
    const lines = changeLines(result);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      // One short line per machine: nothing the display cuts at 150 characters.
      // Each step by its action and what it installs or associates: `install-extension MicrosoftMonitoringAgent`.
      expect(line).toMatch(/\/subscriptions\/[0-9a-f-]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.\w+\/\w+\/[^ ]+\s*: "[a-z-]+ -> (DefaultWorkspace-[0-9a-f-]+-[A-Z]+|no workspace): [a-z-]+( [^,"]+)?(, [a-z-]+( [^,"]+)?)*"$/);
      expect(line).not.toContain("...");
    }
    expect(lines.some((l) => /: "install -> DefaultWorkspace-/.test(l))).toBe(true);
    expect(result.stdout).toMatch(/Resources:\s+\+ 2 to create/);
  });

  test("pulumi preview --json is parseable and carries the per-machine changes, for pipelines", async () => {
    const { stdout } = await project.ok(["preview", "--json"]);
    const preview = JSON.parse(stdout) as { steps: { op: string; urn: string; newState?: { type: string; inputs: Record<string, unknown> } }[]; changeSummary: Record<string, number> };
    expect(preview.changeSummary).toEqual({ create: 2 });
    const step = preview.steps.find((s) => s.newState?.type === TYPE)!;
    expect(step.op).toBe("create");
    const inputs = step.newState!.inputs as { changes: Record<string, string>; machines: MachineOut[]; machineCount: number };
    expect(Object.keys(inputs.changes).filter((k) => k.startsWith("/subscriptions/")).length).toBe(inputs.machineCount);
    // The subscription-level steps (the workspaces' tiers, pricings) have their lines too.
    expect(Object.keys(inputs.changes).some((k) => /^[0-9a-f-]+ set-pricing 1$/.test(k))).toBe(true);
    // Nothing ran yet: the counts only the up knows are unknown in a preview, not predicted.
    const counts = step.newState!.inputs as Record<string, unknown>;
    expect([counts["stepsApplied"], counts["remainingSteps"]]).toEqual([UNKNOWN, UNKNOWN]);
    for (const m of inputs.machines) expect(inputs.changes[m.id]).toMatch(new RegExp(`^${m.decision} -> `));
  });

  test("pulumi up converges; a second preview reports no changes", async () => {
    const up = await project.ok(["up", "--yes"]);
    expect(up.stdout).toMatch(/Resources:\s+\+ 2 created/);
    expect(up.stdout).toMatch(/remainingSteps\s*: 0/);
    const again = await project.ok(["preview", "--expect-no-changes"]);
    expect(again.stdout).toMatch(/Resources:\s+2 unchanged/);
  });

  test("pulumi stack export holds no workspace key, token or secret in plain text", async () => {
    const { text, agents } = await exported();
    expect(agents.outputs!["stepsFailed"]).toBe(0);
    const keys: string[] = [];
    for (const sub of subscriptions) {
      const client = new OperationalInsightsManagementClient(emu.connection.credential, sub, emu.connection.clientOptions());
      for await (const ws of client.workspaces.list()) {
        const shared = await client.sharedKeys.getSharedKeys(resourceGroupOf(ws.id!), ws.name!);
        keys.push(shared.primarySharedKey!, shared.secondarySharedKey!);
      }
    }
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(text).not.toContain(key);
    expect(text).not.toContain(EMULATOR_CLIENT_SECRET);
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/); // no JWT (bearer token)
    expect(text).not.toMatch(/workspaceKey|sharedKey/i);
    // The config secret is there, encrypted by the passphrase provider.
    const config = await project.ok(["config", "get", "azure-native:clientSecret"]);
    expect(config.stdout.trim()).toBe(EMULATOR_CLIENT_SECRET);
  });

  let drifted: string;

  test("drift made behind the stack's back with the Azure SDK shows in pulumi refresh and the next preview", async () => {
    // Someone removes the agent extension the up installed on a Windows VM.
    const { agents } = await exported();
    const installed = (agents.outputs!["machines"] as MachineOut[]).filter((m) => m.decision.startsWith("install") && /\/virtualMachines\//i.test(m.id));
    for (const m of installed) {
      const compute = new ComputeManagementClient(emu.connection.credential, subscriptionOf(m.id), emu.connection.clientOptions());
      const ext = ((await compute.virtualMachineExtensions.list(resourceGroupOf(m.id), nameOf(m.id))).value ?? []).find((e) => e.typePropertiesType === WINDOWS_MMA);
      if (!ext) continue;
      await compute.virtualMachineExtensions.beginDeleteAndWait(resourceGroupOf(m.id), nameOf(m.id), ext.name!, { updateIntervalInMs: 10 });
      drifted = m.id;
      break;
    }
    expect(drifted).toBeDefined();

    const refresh = await project.ok(["refresh", "--yes", "--diff"]);
    expect(refresh.stdout).toMatch(/~ 1 updated/);
    expect(changeLines(refresh).find((l) => l.includes(drifted))).toMatch(/\+ .*: "install[a-z-]* -> DefaultWorkspace-.*: install-extension MicrosoftMonitoringAgent"$/);
    const { agents: after } = await exported();
    expect(after.outputs!["remainingSteps"]).toBe(1);

    const preview = await project.ok(["preview", "--diff"]);
    expect(preview.stdout).toContain(`~ ${TYPE}: (update)`);
    expect(changeLines(preview)).toEqual([expect.stringMatching(new RegExp(`^\\s*\\+ ${drifted}\\s*: "install[a-z-]* -> DefaultWorkspace-[^"]+: install-extension MicrosoftMonitoringAgent"$`))]);
    expect(preview.stdout).toMatch(/Resources:\s+~ 1 to update/);
  });

  test("the next pulumi up repairs the drift and converges again", async () => {
    const up = await project.ok(["up", "--yes"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    const again = await project.ok(["preview", "--diff", "--expect-no-changes"]);
    expect(changeLines(again)).toEqual([]);
  });

  test("pulumi destroy never uninstalls an agent, and says so", async () => {
    const compute = new ComputeManagementClient(emu.connection.credential, subscriptionOf(drifted), emu.connection.clientOptions());
    const agentsOn = async () => ((await compute.virtualMachineExtensions.list(resourceGroupOf(drifted), nameOf(drifted))).value ?? []).filter((e) => e.typePropertiesType === WINDOWS_MMA).length;
    expect(await agentsOn()).toBe(1);
    const destroy = await project.ok(["destroy", "--yes"]);
    expect(destroy.stdout).toMatch(/AgentReconciliation agents:[0-9a-f,-]+: removed from the stack; nothing it applied is undone: no agent or extension is uninstalled from any machine/);
    expect(destroy.stdout).toMatch(/- 2 deleted/);
    expect(await agentsOn()).toBe(1);
  });
});

describeEngine("the stack config, checked by the CLI and by the program", () => {
  let stack: string;
  beforeAll(async () => {
    stack = "config-checks";
    await project.ok(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    await project.ok(["config", "set", "--path", "asc-autoprovision:subscriptions[0]", emu.subscriptionIds[1]!]);
    await project.ok(["config", "set", "asc-autoprovision:emulatorEndpoint", emu.endpoint.url]);
  });
  afterAll(async () => {
    await project.run(["stack", "rm", stack, "--yes", "--force"]);
  });

  test("a bad value fails pulumi preview with a message naming the key", async () => {
    await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.securityEvents", "Most"]);
    const result = await project.run(["preview"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('asc-autoprovision:logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All');
    expect(result.output).not.toMatch(/\n\s+at .*\.js:\d+/); // a RunError: no stack trace
    await project.ok(["config", "rm", "--path", "asc-autoprovision:logAnalyticsAgent.securityEvents"]);
  });

  test("Pulumi.yaml's config schema rejects a wrong type before the program runs", async () => {
    rmSync(join(project.projectDir, PROGRAM_RAN_MARKER), { force: true });
    await project.ok(["config", "set", "asc-autoprovision:sentinelOwnsSecurityEvents", "sometimes"]);
    const result = await project.run(["preview"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`error: validating stack config: Stack '${stack}' with configuration key 'sentinelOwnsSecurityEvents' must be of type 'boolean'`);
    expect(existsSync(join(project.projectDir, PROGRAM_RAN_MARKER))).toBe(false);
    await project.ok(["config", "rm", "asc-autoprovision:sentinelOwnsSecurityEvents"]);
    // With the value gone the same stack previews (the program runs).
    const fixed = await project.ok(["preview"]);
    expect(fixed.stdout).toMatch(/\+ 2 to create/);
    expect(existsSync(join(project.projectDir, PROGRAM_RAN_MARKER))).toBe(true);
  });
});
