/**
 * `asc-autoprovision:reconcile.state` in the real Pulumi CLI: with an Azure Storage container
 * (Azurite, signed in with AZURE_STORAGE_KEY in the engine's environment), `pulumi up` is refused
 * naming the holder while another agent's run holds the subscription's lease there (this stack's
 * own lease directory is another), journals into the container, and the checkpoint holds no
 * storage key; moving `state` elsewhere is an update of `state` alone, which the up records.
 *
 * Runs the built program (dist/): `npm run build` first. Skipped without a Pulumi CLI (test/engine/pulumiCli.ts).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from "@azure/storage-blob";
import { beginRun, journalName } from "../../src/azure";
import { emulatorInstance } from "../../src/azure/emulatorEndpoint";
import { engineSuite } from "../engine/engineSuite";
import { projectWithEmulator, type EmulatorProcess } from "../engine/emulatorProcess";
import type { PulumiProject } from "../engine/pulumiCli";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type RunningAzurite } from "../helpers/azurite";

jest.setTimeout(300_000);

const { cli, describeEngine } = engineSuite();

const CONTAINER = "pipeline-state";

let emu: EmulatorProcess;
let project: PulumiProject;
let azurite: RunningAzurite;
let container: ContainerClient;
let sub: string;

beforeAll(async () => {
  if (!cli) return;
  azurite = await startAzurite();
  container = new BlobServiceClient(`${azurite.url}/${AZURITE_ACCOUNT}`, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY)).getContainerClient(CONTAINER);
  ({ project, emu } = await projectWithEmulator(cli, 20));
  // This agent's own lease directory: only the container can make another agent's run refuse it.
  mkdirSync(join(project.dir, "leases"));
  project.setEnv("ASC_LEASE_DIR", join(project.dir, "leases"));
  // The engine's environment (the provider reads it), and this process's, for the other agent's run below.
  for (const [k, v] of Object.entries(azurite.env)) {
    project.setEnv(k, v);
    process.env[k] = v;
  }
  // The fleet's first subscription was onboarded before 2019-03-17 (the seed's legacy rule keeps its machines as they are).
  sub = emu.subscriptionIds[1]!;
  await project.ok(["stack", "init", "ci", "--secrets-provider", "passphrase"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:subscriptions[0]", sub]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.autoProvision", "true"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.agent", "mma"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:reconcile.mode", "apply"]);
  await project.ok(["config", "set", "--path", "asc-autoprovision:reconcile.state", azurite.stateUrl(CONTAINER, "prod")]);
  await project.ok(["config", "set", "asc-autoprovision:emulatorEndpoint", emu.endpoint.url]);
});

afterAll(async () => {
  for (const k of Object.keys(azurite?.env ?? {})) delete process.env[k];
  await emu?.stop();
  await azurite?.stop();
  project?.remove();
});

/** The AgentReconciliation's outputs in a `stack export` document. */
function agentsOutputs(exported: { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } }): Record<string, unknown> | undefined {
  return exported.deployment.resources.find((r) => r.type.endsWith(":AgentReconciliation"))?.outputs;
}

describeEngine("reconcile.state in the real CLI: the journal and leases in a container", () => {
  test("while another agent's run holds the subscription's lease in the container, pulumi up is refused naming it; after it, the up journals there", async () => {
    // Another pipeline agent's `pulumi up` of the same subscription: its own lease directory, the same container.
    const other = await beginRun({ state: azurite.stateUrl(CONTAINER, "prod"), subscriptions: [sub], instance: emulatorInstance(emu.endpoint), command: "pulumi" });
    const refused = await project.run(["up", "--yes", "--skip-preview"]).finally(() => other.end());
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(new RegExp(`subscription-${sub}\\S* is locked by pulumi \\(pid ${process.pid} .*lease id ${other.lease.holder.id}\\)`));

    const up = await project.ok(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/remainingSteps\s*: 0/);
    const journals: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: "prod/journal/" })) journals.push(b.name);
    expect(journals.some((n) => n.startsWith(`prod/journal/${journalName([sub], emulatorInstance(emu.endpoint))}.`) && n.endsWith(".done"))).toBe(true);
    expect(existsSync(join(project.projectDir, ".asc-autoprovision", "journal"))).toBe(false);
  });

  test("the checkpoint holds the container's URL and no storage key", async () => {
    const { stdout } = await project.ok(["stack", "export"]);
    expect(stdout).toContain(azurite.stateUrl(CONTAINER, "prod"));
    expect(stdout).not.toContain(AZURITE_KEY);
  });

  test("moving state elsewhere previews as an update of state alone; the up records it (the state output), applying nothing; then nothing to preview", async () => {
    await project.ok(["config", "set", "--path", "asc-autoprovision:reconcile.state", "agent-state"]);
    const preview = await project.run(["preview", "--expect-no-changes", "--diff"]);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout).toMatch(/~ state\s*: "http:\/\/[^"]*\/pipeline-state\/prod" => "agent-state"/);
    expect(preview.stdout).toMatch(/Resources:\s+~ 1 to update\s+1 unchanged/);
    expect(preview.output).not.toContain(AZURITE_KEY);

    const up = await project.ok(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    const agents = agentsOutputs(JSON.parse((await project.ok(["stack", "export"])).stdout));
    expect(agents).toMatchObject({ state: "agent-state", stepsApplied: 0, stepsFailed: 0, remainingSteps: 0 });
    // Its plan file under the new directory (the up took its lease there; with no step, no journal was written).
    expect(agents?.["planFile"]).toMatch(/^agent-state[/\\]plans[/\\]/);
    expect(existsSync(join(project.projectDir, String(agents?.["planFile"])))).toBe(true);
    await project.ok(["preview", "--expect-no-changes"]);
  });

  test("a bad state fails the preview, naming the key", async () => {
    await project.ok(["config", "set", "--path", "asc-autoprovision:reconcile.state", "https://acct.blob.core.windows.net/Bad_Name"]);
    const preview = await project.run(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain('asc-autoprovision:reconcile.state: "https://acct.blob.core.windows.net/Bad_Name": "Bad_Name" is not a container name');
  });
});
