/**
 * Management-group scope in the real Pulumi engine (issue 15 item 4 under the real tools): the
 * stack config names a management group and excludes one of its subscriptions, and
 * `pulumi preview` / `up` against `asc-autoprovision emulator start` reconcile the machines of
 * the group's other subscription only. The scope is resolved at each run (Resource Graph's
 * `resourcecontainers`), so lifting the exclusion shows the excluded subscription's machines in the
 * next preview. What the up created is checked in the emulator by planning each subscription again.
 *
 * The root program's azure-native resources need the azure-native plugin, which cannot be built
 * here (README, Pulumi): this runs the engine tests' program (the AgentReconciliation alone).
 * Skipped without a Pulumi CLI (pulumiCli.ts). Runs dist/: `npm run build` first.
 */
import { planLive } from "../../src/azure/apply";
import { subscriptionOf } from "../../src/inventory/ids";
import { parseSpec } from "../../src/spec";
import { AGENT_RECONCILIATION_TYPE } from "../../components/pulumi/reconcile/agentReconciliation";
import { engineSuite } from "./engineSuite";
import { projectWithEmulator, type EmulatorProcess } from "./emulatorProcess";
import { PulumiProject } from "./pulumiCli";

jest.setTimeout(300_000);

const { cli, describeEngine } = engineSuite();

const GROUP = "contoso-prod";

interface PreviewJson {
  readonly steps: { readonly op: string; readonly newState?: { readonly type: string; readonly id?: string; readonly inputs: Record<string, unknown> } }[];
}

let emu: EmulatorProcess;
let project: PulumiProject;
let included: string;
let excluded: string;

/** Steps still to do in one subscription, planned from the emulator's actual state with the stack's agent settings. */
async function outstandingSteps(subscription: string): Promise<number> {
  const spec = parseSpec({ subscriptions: [subscription], logAnalyticsAgent: { autoProvision: true, agent: "mma" } });
  return (await planLive(emu.connection, spec)).plan.steps.length;
}

/** The subscription a `changes` key is about: a machine's id, or a subscription-level step's `<guid> <action> <n>`. */
const subscriptionOfKey = (key: string): string => (key.startsWith("/subscriptions/") ? subscriptionOf(key) : key.split(" ")[0]!);

/** The AgentReconciliation's `changes` (machine id → line) in `pulumi preview --json`. */
async function previewChanges(): Promise<{ op: string; changes: Record<string, string> }> {
  const { stdout } = await project.ok(["preview", "--json"]);
  const step = (JSON.parse(stdout) as PreviewJson).steps.find((s) => s.newState?.type === AGENT_RECONCILIATION_TYPE);
  if (!step) throw new Error(`no ${AGENT_RECONCILIATION_TYPE} in the preview`);
  return { op: step.op, changes: step.newState!.inputs["changes"] as Record<string, string> };
}

beforeAll(async () => {
  if (!cli) return;
  ({ project, emu } = await projectWithEmulator(cli, 20));
  // The fleet's first subscription was onboarded before 2019-03-17 (the legacy rule keeps its machines): the group holds the other two.
  [included, excluded] = [emu.subscriptionIds[1]!, emu.subscriptionIds[2]!];
  await emu.admin("POST", "/admin/management-groups", { groups: [{ name: GROUP, displayName: "Contoso production", subscriptions: [included, excluded] }] });
  await project.ok(["stack", "init", "groups", "--secrets-provider", "passphrase"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:managementGroups[0]", GROUP]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:exclude.subscriptions[0]", excluded]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.autoProvision", "true"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.agent", "mma"]);
  await project.ok(["config", "set", "asc-autoprovision:reconcile", "apply"]);
  await project.ok(["config", "set", "asc-autoprovision:emulatorEndpoint", emu.endpoint.url]);
});

afterAll(async () => {
  await emu?.stop();
  project?.remove();
});

describeEngine("management-group scope in the real CLI, against the emulator", () => {
  test("pulumi preview lists machines of the group's subscriptions, less the excluded one", async () => {
    expect(await outstandingSteps(included)).toBeGreaterThan(0);
    const before = await outstandingSteps(excluded);
    expect(before).toBeGreaterThan(0);
    const { op, changes } = await previewChanges();
    expect(op).toBe("create");
    const subscriptions = new Set(Object.keys(changes).map(subscriptionOfKey));
    expect([...subscriptions]).toEqual([included]);
  });

  test("pulumi up reconciles the included subscription and leaves the excluded one as it was", async () => {
    const excludedBefore = await outstandingSteps(excluded);
    const up = await project.ok(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/Resources:\s+\+ 2 created/);
    expect(up.stdout).toMatch(/remainingSteps\s*: 0/);
    const { stdout } = await project.ok(["stack", "export"]);
    const agents = (JSON.parse(stdout) as { deployment: { resources: { type: string; id?: string; outputs?: Record<string, unknown> }[] } }).deployment.resources.find((r) => r.type === AGENT_RECONCILIATION_TYPE)!;
    expect(agents.id).toBe(`agents:mg/${GROUP}`);
    expect(agents.outputs!["stepsApplied"]).toBeGreaterThan(0);
    expect(await outstandingSteps(included)).toBe(0);
    expect(await outstandingSteps(excluded)).toBe(excludedBefore);
    await project.ok(["preview", "--expect-no-changes"]);
  });

  test("the scope is resolved at each run: lifting the exclusion shows that subscription's machines", async () => {
    await project.ok(["config", "rm", "asc-autoprovision:exclude"]);
    const { op, changes } = await previewChanges();
    expect(op).toBe("update");
    const subscriptions = new Set(Object.keys(changes).map(subscriptionOfKey));
    expect([...subscriptions]).toEqual([excluded]);
  });
});
