/**
 * AgentReconciliation's `state` input through the real dynamic-provider host: with an Azure
 * Storage container (Azurite), two pipeline agents (two hosts, each with its own working directory
 * and its own local lease directory) that reconcile one subscription exclude each other through the
 * container's blob leases, the journal is a blob there, and the state holds no storage credential.
 * A directory keeps them there instead; moving `state` alone is an update that changes nothing in Azure.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from "@azure/storage-blob";
import { AutoProvisioning } from "../../components/pulumi/autoProvisioning";
import { journalName } from "../../src/azure";
import { emulatorInstance } from "../../src/azure/emulatorEndpoint";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type RunningAzurite } from "../helpers/azurite";
import { startMocks } from "./harness";
import { HostError, ProviderHost, type Props } from "./host/client";

jest.setTimeout(240_000);

const CONTAINER = "asc-state";

let dir: string;
let emu: RunningEmulator;
let azurite: RunningAzurite;
let container: ContainerClient;
let sub: string;
/** Another subscription of the fleet, for the run with a directory. */
let other: string;
/** What the program registered for `asc-agents`, its `state` the container. */
let registered: Props;
/** Two pipeline agents: their own working directory and lease directory, the same container. */
const agents: { cwd: string; host: ProviderHost }[] = [];

async function startAgent(name: string): Promise<{ cwd: string; host: ProviderHost }> {
  const cwd = join(dir, name);
  const env = { ...process.env, ...azurite.env, ASC_EMULATOR_CONFIG: emu.env().ASC_EMULATOR_CONFIG, ASC_LEASE_DIR: join(cwd, "leases"), PULUMI_NODEJS_PROJECT: "asc-autoprovision" };
  mkdirSync(cwd, { recursive: true });
  return { cwd, host: await ProviderHost.start(env, { cwd }) };
}

/** The checked inputs, as the engine passes them to Create/Update. */
async function checked(host: ProviderHost, news: Props): Promise<Props> {
  const { inputs, failures } = await host.check({}, news);
  expect(failures).toEqual([]);
  return inputs;
}

async function blobNames(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix })) names.push(b.name);
  return names;
}

/** The holder id of a lease blob currently leased, once one is (polled). */
async function leasedHolder(deadline: number): Promise<string> {
  while (Date.now() < deadline) {
    // The run makes the container (its store's prepare): until then there is none to list.
    if (await container.exists()) {
      for await (const b of container.listBlobsFlat({ prefix: "leases/", includeMetadata: true })) {
        if (b.properties.leaseState === "leased" && b.metadata?.["holderid"]) return b.metadata["holderid"];
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no lease was taken in the container");
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "asc-pstate-"));
  // Each operation stays in progress for a while: the first agent's up holds the lease for seconds.
  [emu, azurite] = await Promise.all([startEmulator({ statePath: join(dir, "emulator", "state.sqlite"), fleet: 40, seed: 5, lroDelayMs: 1500, remediationDeploymentMs: 2 }), startAzurite()]);
  container = new BlobServiceClient(`${azurite.url}/${AZURITE_ACCOUNT}`, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY)).getContainerClient(CONTAINER);
  // The subscriptions onboarded last: no "legacy subscription" rule keeps their machines as they are.
  [sub, other] = [...emu.fleet!.subscriptions].sort((x, y) => (x.onboardedAt < y.onboardedAt ? 1 : -1)).map((s) => s.id) as [string, string];

  const run = await startMocks();
  new AutoProvisioning("asc", {
    subscriptionId: sub,
    logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common" },
    endpoint: { kind: "emulator", endpoint: emu.url, metadataHost: new URL(emu.url).host, source: "test" },
    reconcile: { mode: "apply", state: azurite.stateUrl(CONTAINER) },
  });
  expect(await run.settle()).toEqual([]);
  registered = run.named("asc-agents").inputs;
  expect(registered["state"]).toBe(azurite.stateUrl(CONTAINER));
  agents.push(await startAgent("agent-a"), await startAgent("agent-b"));
});

afterAll(async () => {
  for (const a of agents) await a.host.stop();
  await emu?.stop();
  await azurite?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("AgentReconciliation with its state in an Azure Storage container", () => {
  let id: string;
  let state: Props;

  test("two agents' ups of one subscription exclude each other through the container: the second is refused naming the holder; the journal is a blob there", async () => {
    const [a, b] = agents as [(typeof agents)[number], (typeof agents)[number]];
    const inputsA = await checked(a.host, registered);
    const inputsB = await checked(b.host, registered);
    expect(inputsA["machines"].length).toBeGreaterThan(0);

    const first = a.host.create(inputsA);
    const holder = await leasedHolder(Date.now() + 60_000);
    const refused = await b.host.create(inputsB).then(
      () => undefined,
      (e: unknown) => e,
    );
    const created = await first;
    expect(refused).toBeInstanceOf(HostError);
    expect((refused as HostError).message).toMatch(new RegExp(`subscription-${sub}.* is locked by pulumi \\(pid \\d+ on .*lease id ${holder}\\) \\(state ${azurite.stateUrl(CONTAINER)}\\)`, "i"));

    id = created.id;
    state = created.properties;
    expect(state).toMatchObject({ stepsFailed: 0, remainingSteps: 0, state: azurite.stateUrl(CONTAINER) });
    // The journal went to the container (completed, so archived as done), none to either agent's disk.
    const journals = await blobNames("journal/");
    expect(journals.some((n) => n.startsWith(`journal/${journalName([sub], emulatorInstance(emu))}.`) && n.endsWith(".done"))).toBe(true);
    for (const agent of agents) expect(existsSync(join(agent.cwd, ".asc-autoprovision", "journal"))).toBe(false);
    // The plan file stays on the agent that ran, under the default directory, and the state names it.
    expect(state["planFile"]).toMatch(/^\.asc-autoprovision[/\\]plans[/\\][0-9a-f]{8}-[0-9a-f]{16}\.json$/);
    expect(existsSync(join(a.cwd, state["planFile"]))).toBe(true);
    // The leases were released: the lease blobs are free.
    for await (const blob of container.listBlobsFlat({ prefix: "leases/" })) expect(blob.properties.leaseState).not.toBe("leased");
  });

  test("the state and outputs hold no storage credential", () => {
    const text = JSON.stringify(state);
    expect(text).not.toContain(AZURITE_KEY);
    expect(text).not.toMatch(/AccountKey|sig=|SharedKey/i);
    expect(state["state"]).toBe(azurite.stateUrl(CONTAINER));
  });

  test("moving state alone is an update in place, no replace, that records it (the output was the old place until another input changed) and applies nothing", async () => {
    const [a] = agents;
    for (const elsewhere of ["agent-state-moved", azurite.stateUrl("other-state", "prod")]) {
      const diff = await a!.host.diff(id, state, await checked(a!.host, { ...registered, state: elsewhere }));
      expect([elsewhere, diff.changes, diff.replaces]).toEqual([elsewhere, "some", []]);
    }
    const news = await checked(a!.host, { ...registered, state: "agent-state-moved" });
    const moved = await a!.host.update(id, state, news);
    expect(moved).toMatchObject({ state: "agent-state-moved", stepsApplied: 0, stepsFailed: 0, remainingSteps: 0, changes: {} });
    expect(moved["planFile"]).toMatch(/^agent-state-moved[/\\]plans[/\\]/);
    // Recorded: the next preview has nothing to do.
    expect((await a!.host.diff(id, moved, news)).changes).toBe("none");
    // A state written before `state` was an input, the program naming none: no change.
    const { state: _, ...before } = state;
    const { state: __, ...unset } = registered;
    expect((await a!.host.diff(id, before, await checked(a!.host, unset))).changes).toBe("none");
    // Another input still is.
    expect((await a!.host.diff(id, state, await checked(a!.host, { ...registered, mode: "report" }))).changes).toBe("some");
  });

  test("with a directory, the journal and the plan files go there (relative to the program's directory)", async () => {
    const [, b] = agents;
    const inputs = await checked(b!.host, { ...registered, spec: { ...registered["spec"], subscriptions: [other] }, state: "agent-state" });
    expect(inputs["machines"].length).toBeGreaterThan(0);
    const { properties } = await b!.host.create(inputs);
    expect(properties).toMatchObject({ stepsFailed: 0, remainingSteps: 0, state: "agent-state" });
    expect(properties["planFile"]).toMatch(/^agent-state[/\\]plans[/\\]/);
    expect(existsSync(join(b!.cwd, properties["planFile"]))).toBe(true);
    const journals = readdirSync(join(b!.cwd, "agent-state", "journal"));
    expect(journals.some((f) => f.startsWith(`${journalName([other], emulatorInstance(emu))}.`) && f.endsWith(".done"))).toBe(true);
    expect(await blobNames(`journal/${journalName([other], emulatorInstance(emu))}`)).toEqual([]);
  });

  test("a bad state is refused by check, naming the property and the shapes", async () => {
    const [a] = agents;
    const { failures } = await a!.host.check({}, { ...registered, state: "https://acct.blob.core.windows.net/Bad_Name" });
    expect(failures).toEqual([{ property: "state", reason: '"https://acct.blob.core.windows.net/Bad_Name": "Bad_Name" is not a container name (3-63 lower-case letters, digits and single hyphens)' }]);
  });
});
