/**
 * AgentReconciliation over an inventory file in the real Pulumi CLI (issue 15 item 7, at a small
 * size; `npm run bench -- pulumi-state` runs the same at 10k and 1M machines): `pulumi preview`,
 * `up` and `refresh` with the local file backend report on a fleet larger than the state keeps,
 * the state stays bounded and names the plan file that holds every machine, and the checkpoint
 * holds no secret in plain text. No emulator: the fleet is the file.
 *
 * Runs the built program (dist/): `npm run build` first. Skipped without a Pulumi CLI (test/engine/pulumiCli.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { writeFleetInventory } from "../../bench/fleet";
import { PLAN_FILES_KEPT, planDigest } from "../../components/pulumi/reconcile/reconciler";
import { MAX_MACHINES, MORE_KEY } from "../../components/pulumi/reconcile/types";
import { readPlanFile, type Plan } from "../../src/core";
import { EMULATOR_CLIENT_SECRET } from "../../src/emulator/constants";
import { AGENT_RECONCILIATION_TYPE } from "../../components/pulumi/reconcile/agentReconciliation";
import { engineSuite } from "../engine/engineSuite";
import { agentsProgram } from "../engine/agentsProgram";
import { PASSPHRASE, PulumiProject } from "../engine/pulumiCli";
import { setInventoryStack } from "../engine/inventoryStack";

jest.setTimeout(300_000);

const { cli, describeEngine } = engineSuite();

const MACHINES = 600;

interface ExportedResource {
  readonly type: string;
  readonly outputs?: Record<string, unknown>;
}

let project: PulumiProject;
let inventory: string;

beforeAll(async () => {
  if (!cli) return;
  project = new PulumiProject(cli, agentsProgram());
  inventory = join(project.dir, "fleet.json");
  await writeFleetInventory(inventory, MACHINES, 7);
  await setInventoryStack(project, "fleet", inventory);
  // A secret in the stack config: the checkpoint holds it encrypted only.
  await project.ok(["config", "set", "--secret", "azure-native:clientSecret", EMULATOR_CLIENT_SECRET]);
});

afterAll(() => project?.remove());

async function agentsOutputs(stack?: string): Promise<Record<string, unknown>> {
  const { stdout } = await project.ok(["stack", "export", ...(stack ? ["--stack", stack] : [])]);
  const resources = (JSON.parse(stdout) as { deployment: { resources?: ExportedResource[] } }).deployment.resources ?? [];
  const agents = resources.find((r) => r.type === AGENT_RECONCILIATION_TYPE);
  if (!agents?.outputs) throw new Error(`no ${AGENT_RECONCILIATION_TYPE} with outputs in the exported state`);
  return agents.outputs;
}

describeEngine("AgentReconciliation over an inventory file, in the real CLI", () => {
  test("pulumi preview shows the resource to create, from the file alone", async () => {
    const preview = await project.ok(["preview"]);
    expect(preview.stdout).toMatch(/\+ 2 to create/);
  });

  test("pulumi up reports every changed machine, keeps at most 200 in the state and names the plan file", async () => {
    const up = await project.ok(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 2 created/);
    const outs = await agentsOutputs();
    expect(outs["mode"]).toBe("report");
    expect(outs["stepsApplied"]).toBe(0);
    const machineCount = outs["machineCount"] as number;
    expect(machineCount).toBeGreaterThan(MAX_MACHINES);
    expect(outs["machines"]).toHaveLength(MAX_MACHINES);
    const changes = outs["changes"] as Record<string, string>;
    expect(Object.keys(changes).filter((k) => k.startsWith("/subscriptions/"))).toHaveLength(MAX_MACHINES);
    // The rest is counted, not dropped silently.
    expect(changes[MORE_KEY]).toBe(`and ${machineCount - MAX_MACHINES} more machines (the whole plan: planFile)`);
    // The whole plan, every machine, in the file the state names (relative to the program's directory).
    const planFile = outs["planFile"] as string;
    const file = isAbsolute(planFile) ? planFile : join(project.projectDir, planFile);
    // Named by a digest over the stack's scope and spec too (a converged plan's digest alone is everyone's); it holds this plan.
    expect(file).toMatch(/[\\/]plans[\\/][0-9a-f]{8}-[0-9a-f]{16}\.json$/);
    const { plan } = await readPlanFile(file);
    // A plan file is read with its decisions as strings; the digest reads only ids, actions and details.
    expect(planDigest(plan as unknown as Plan)).toBe(outs["planDigest"]);
    expect(plan.machines).toHaveLength(MACHINES);
    expect(plan.steps.length).toBe(outs["remainingSteps"]);
  });

  test("the checkpoint holds no secret in plain text, and the config secret encrypted", () => {
    const text = readFileSync(project.checkpoint("fleet"), "utf8");
    expect(text).not.toContain(EMULATOR_CLIENT_SECRET);
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(text).not.toMatch(/workspaceKey|sharedKey/i);
    expect(text).toMatch(/"encryptionsalt"|"secrets_providers"/);
  });

  test("pulumi refresh plans the file again; an unchanged fleet previews without changes; a changed one shows", async () => {
    const before = await agentsOutputs();
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    const after = await agentsOutputs();
    expect(after["planDigest"]).toBe(before["planDigest"]);
    await project.ok(["preview", "--expect-no-changes"]);
    await writeFleetInventory(inventory, MACHINES + 50, 7);
    const changed = await project.run(["preview", "--expect-no-changes"]);
    expect(changed.code).not.toBe(0);
    expect(changed.stdout).toMatch(/~ 1 to update/);
  });

  test("mode apply with an inventory file fails the preview, naming the key", async () => {
    await project.ok(["config", "set", "--path", "asc-autoprovision:reconcile.mode", "apply"]);
    const bad = await project.run(["preview"]);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toContain('asc-autoprovision:reconcile.inventory: an inventory file is a snapshot: it can only be reported on (mode "report")');
    expect(existsSync(inventory)).toBe(true);
  });

  test("previews of another stack of the same scope in the same directory leave the plan file this stack's state names", async () => {
    const planFile = (await agentsOutputs("fleet"))["planFile"] as string;
    const file = isAbsolute(planFile) ? planFile : join(project.projectDir, planFile);
    expect(existsSync(file)).toBe(true);
    // Another stack (a copy of prod, say) with the same subscriptions and inventory file, each preview planning something new.
    await setInventoryStack(project, "fleetcopy", inventory);
    for (let n = 1; n <= PLAN_FILES_KEPT; n++) {
      await writeFleetInventory(inventory, MACHINES + 100 + n, 7);
      await project.ok(["preview"]);
    }
    expect(existsSync(file)).toBe(true);
  });
});
