/**
 * Issue 18, "Concurrency and shared state": two `apply --yes` started at once against one
 * 200-machine fleet, from two directories, then an apply beside a reconcile sharing an Azure Storage
 * container (Azurite), then a runner killed mid-apply whose state lives in that container. One run
 * holds the fleet's lease; the other is refused naming it; no write is sent twice.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readInventory } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { startAzurite, type RunningAzurite } from "../helpers/azurite";
import { duplicatePuts, runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(600_000);

interface Counters {
  byClass: Record<string, number>;
  byOperation: Record<string, number>;
}

const applyIn = (lab: Lab, state: string, extra: string[] = []) => ["apply", "--spec", lab.specPath, "--yes", "--state", state, "--max-writes-per-second", "500", "--concurrency", "16", ...extra];

async function converged(lab: Lab): Promise<boolean> {
  const spec = loadSpecFile(lab.specPath);
  return plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps.length === 0;
}

/** Extension PUTs the emulator answered, by its admin counters. */
async function extensionWrites(lab: Lab): Promise<number> {
  const c = await lab.emu.admin<Counters>("GET", "/admin/counters");
  return Object.entries(c.byOperation)
    .filter(([op]) => /^PUT .*\/extensions$/i.test(op))
    .reduce((n, [, v]) => n + v, 0);
}

describe("two applies at once on a 200-machine fleet", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(200, {}, 61);
  });
  afterAll(() => lab?.emu.stop());

  it("one applies, the other is refused naming it; 0 duplicate writes", async () => {
    const spec = loadSpecFile(lab.specPath);
    const planned = plan(spec, await readInventory(lab.conn, spec.subscriptions));
    const installs = planned.steps.filter((s) => s.action === "install-extension" || s.action === "reconnect-extension").length;
    await lab.emu.admin("POST", "/admin/counters/reset");
    // Two working directories: before the lease, each had its own journal and nothing in common.
    const a = runCli(lab, applyIn(lab, join(lab.dir, "dir-a", ".asc-autoprovision")));
    const b = runCli(lab, applyIn(lab, join(lab.dir, "dir-b", ".asc-autoprovision")));
    const codes = await Promise.all([a.exit, b.exit]);
    const refused = codes[0] === 0 ? b : a;
    console.log(`two applies: exit codes ${JSON.stringify(codes)}; refused: ${refused.stderr().trim().split("\n").pop()}`);
    expect([...codes].sort()).toEqual([0, 1]);
    expect(refused.stderr()).toMatch(/is locked by apply \(pid \d+ on .*lease id [0-9a-f-]{36}\)/);
    expect(await duplicatePuts(lab.emu)).toEqual([]);
    const writes = await extensionWrites(lab);
    console.log(`two applies: ${installs} extension installs planned, ${writes} extension PUTs answered by the emulator`);
    expect(writes).toBe(installs);
    expect(await converged(lab)).toBe(true);
  });
});

describe("state shared in an Azure Storage container (Azurite)", () => {
  let lab: Lab;
  let azurite: RunningAzurite;
  const saved = { key: process.env.AZURE_STORAGE_KEY, lease: process.env.ASC_LEASE_SECONDS };
  beforeAll(async () => {
    azurite = await startAzurite();
    process.env.AZURE_STORAGE_KEY = azurite.env.AZURE_STORAGE_KEY;
    // The shortest blob lease, so the killed runner's expires within the test.
    process.env.ASC_LEASE_SECONDS = "15";
    lab = await startLab(200, {}, 62);
  });
  afterAll(async () => {
    process.env.AZURE_STORAGE_KEY = saved.key;
    if (saved.lease === undefined) delete process.env.ASC_LEASE_SECONDS;
    else process.env.ASC_LEASE_SECONDS = saved.lease;
    await lab?.emu.stop();
    await azurite?.stop();
  });

  it("a runner killed mid-apply: the next one (another directory) waits out its lease, resumes from the container's journal and sends nothing twice", async () => {
    const state = azurite.stateUrl("asc-state", "prod");
    // Slow enough to be cut in the middle.
    const first = runCli(lab, [...applyIn(lab, state).slice(0, -4), "--max-writes-per-second", "20", "--concurrency", "4"]);
    await until(async () => (await lab.emu.admin<{ count: number }>("GET", "/admin/extension-puts")).count >= 25, "25 extension PUTs");
    first.child.kill("SIGKILL");
    await first.exit;
    // A reconcile from another runner meanwhile is refused while the dead runner's lease lasts.
    const other = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state", state, "--quiet"]);
    expect(await other.exit).toBe(1);
    expect(other.stderr()).toMatch(/is locked by apply \(pid \d+/);
    // Once it expired (15 s), the next apply takes over from the journal in the container.
    let attempts = 0;
    let resumed;
    for (;;) {
      attempts++;
      resumed = runCli(lab, [...applyIn(lab, state), "--format", "json", "--quiet"]);
      if ((await resumed.exit) === 0) break;
      expect(resumed.stderr()).toMatch(/is locked by apply/);
      await new Promise((r) => setTimeout(r, 2000));
    }
    const result = JSON.parse(resumed.stdout()) as { result: { counts: Record<string, number> } };
    console.log(`killed runner: resumed after ${attempts} attempt(s); counts ${JSON.stringify(result.result.counts)}`);
    // What the killed runner finished is no longer planned; what it had in flight was checked first.
    expect(result.result.counts.failed + result.result.counts.skipped).toBe(0);
    expect(await duplicatePuts(lab.emu)).toEqual([]);
    expect(await converged(lab)).toBe(true);
  });

  it("apply beside reconcile, from two directories sharing the container: one runs, the other is refused", async () => {
    const state = azurite.stateUrl("asc-state", "prod");
    // Drift: new machines for both to want.
    for (let i = 0; i < 20; i++) {
      await lab.emu.admin("POST", "/admin/machines", { subscriptionId: lab.emu.subscriptionIds[1], resourceGroup: "rg-new", name: `vm-new-${i}`, location: "westeurope", osType: "Linux" });
    }
    const cwdA = mkdtempSync(join(tmpdir(), "runner-a-"));
    const cwdB = mkdtempSync(join(tmpdir(), "runner-b-"));
    const a = runCli(lab, applyIn(lab, state), { cwd: cwdA });
    const b = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state", state, "--max-writes-per-second", "500"], { cwd: cwdB });
    const codes = await Promise.all([a.exit, b.exit]);
    console.log(`apply + reconcile: exit codes ${JSON.stringify(codes)}`);
    expect([...codes].sort()).toEqual([0, 1]);
    expect((codes[0] === 0 ? b : a).stderr()).toMatch(/is locked by (apply|reconcile)/);
    expect(await duplicatePuts(lab.emu)).toEqual([]);
    expect(await converged(lab)).toBe(true);
  });
});
